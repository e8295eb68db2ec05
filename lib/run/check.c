/*
 * check.c - evaluating "expect" checks and "save" captures; see check.h.
 *
 * Regexes run with REG_STARTEND (a glibc and BSD extension) so bodies need
 * no terminating NUL and may contain NULs.  The JSON body is parsed once
 * per evaluation, only when a check or capture asks for it.
 */
#include <string.h>

#include "run/check.h"
#include "run/checkpriv.h"
#include "run/secret.h"

#define SHOW_MAX 60 /* bytes of a value quoted in a failure message */

/*
 * Matches re on the n bytes at *pp; fills m[0..nm) when it matches.  The
 * subject is first copied into tmp (unless it already is tmp's data) and
 * NUL-terminated: REG_STARTEND bounds the match, but sanitizers'
 * regexec(3) interceptors still read up to a NUL.  *pp is set to the
 * copy, which the offsets in m refer to.  tmp's storage is reused, so no
 * allocation once it has grown.
 */
static int
rx_match(struct lt_buf *tmp, const regex_t *re, const char **pp, size_t n,
    regmatch_t *m, size_t nm)
{
	if (*pp != tmp->data || tmp->len != n) {
		lt_buf_reset(tmp);
		if (lt_buf_add(tmp, *pp ? *pp : "", n) != 0)
			return 0;
	}
	*pp = lt_buf_cstr(tmp);
	m[0].rm_so = 0;
	m[0].rm_eo = (regoff_t)n;
	return regexec(re, *pp, nm, m, REG_STARTEND) == 0;
}

/* --- headers ------------------------------------------------------------ */

const char *
lt_check_header(const struct lt_response *resp, const char *name, size_t *len)
{
	const char *h = resp->headers, *end, *line, *block;
	size_t nl = strlen(name);

	if (h == NULL)
		return NULL;
	end = h + resp->headers_len;
	/* After redirects, only the last response's block counts. */
	block = h;
	for (line = h; line < end;) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));

		if ((size_t)(end - line) >= 5 && memcmp(line, "HTTP/", 5) == 0)
			block = line;
		line = eol ? eol + 1 : end;
	}
	for (line = block; line < end;) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		const char *le = eol ? eol : end, *v;

		if ((size_t)(le - line) > nl && line[nl] == ':' &&
		    strncasecmp(line, name, nl) == 0) {
			v = line + nl + 1;
			while (v < le && (*v == ' ' || *v == '\t'))
				v++;
			while (le > v &&
			    (le[-1] == '\r' || le[-1] == ' ' || le[-1] == '\t'))
				le--;
			*len = (size_t)(le - v);
			return v;
		}
		line = eol ? eol + 1 : end;
	}
	return NULL;
}

/* --- evaluation --------------------------------------------------------- */

/* Appends n bytes of p to b as a quoted, shortened string for messages. */
static void
show(struct lt_buf *b, const char *p, size_t n)
{
	size_t i, k = n > SHOW_MAX ? SHOW_MAX : n;

	lt_buf_addc(b, '"');
	for (i = 0; i < k; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (ch == '"' || ch == '\\') {
			lt_buf_addc(b, '\\');
			lt_buf_addc(b, (char)ch);
		} else if (ch < 0x20 || ch == 0x7f) {
			lt_buf_printf(b, "\\x%02x", ch);
		} else {
			lt_buf_addc(b, (char)ch);
		}
	}
	if (k < n)
		lt_buf_adds(b, "...");
	lt_buf_addc(b, '"');
}

static void
shows(struct lt_buf *b, const char *s)
{
	show(b, s, strlen(s));
}

struct eval {
	const struct lt_response *r;
	struct lt_tmpl_ctx *ctx;
	struct lt_buf *scratch;
	struct lt_buf *reason;
	json_t *doc;
	int doc_state;       /* 0 not parsed, 1 parsed, -1 not JSON */
	struct lt_buf later; /* failures after the first: dropped */
};

static json_t *
doc_get(struct eval *e)
{
	json_error_t jerr;

	if (e->doc_state == 0) {
		e->doc = json_loadb(e->r->body ? e->r->body : "",
		    e->r->body_len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
		e->doc_state = e->doc ? 1 : -1;
	}
	return e->doc;
}

/* Writes the text form of v into e->scratch (strings unquoted). */
static int
json_text(struct eval *e, json_t *v)
{
	char *s;

	lt_buf_reset(e->scratch);
	if (json_is_string(v))
		return lt_buf_add(
		    e->scratch, json_string_value(v), json_string_length(v));
	if (json_is_integer(v))
		return lt_buf_printf(
		    e->scratch, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	if (s == NULL)
		return -1;
	lt_buf_adds(e->scratch, s);
	free(s);
	return 0;
}

static int
fail(struct eval *e, const char *prefix)
{
	lt_buf_reset(e->reason);
	lt_buf_adds(e->reason, prefix);
	return LT_CHECK_FAIL;
}

static int
status_ok(const struct lt_check *c, long st)
{
	size_t i;

	for (i = 0; i < c->nranges; i++)
		if (st >= c->ranges[i].lo && st <= c->ranges[i].hi)
			return 1;
	return 0;
}

static int
check_status(struct eval *e, const struct lt_check *c)
{
	size_t i;

	if (status_ok(c, e->r->status))
		return LT_CHECK_OK;
	fail(e, "check: status ");
	lt_buf_printf(e->reason, "%ld", e->r->status);
	if (c->nranges == 1 && c->ranges[0].lo == c->ranges[0].hi) {
		lt_buf_printf(e->reason, " != %d", c->ranges[0].lo);
		return LT_CHECK_FAIL;
	}
	lt_buf_adds(e->reason, " not in");
	for (i = 0; i < c->nranges; i++) {
		if (c->ranges[i].lo == c->ranges[i].hi)
			lt_buf_printf(e->reason, " %d", c->ranges[i].lo);
		else
			lt_buf_printf(e->reason, " %d-%d", c->ranges[i].lo,
			    c->ranges[i].hi);
	}
	return LT_CHECK_FAIL;
}

/* Expands t into e->scratch; returns its NUL-terminated text. */
static const char *
expand(struct eval *e, const struct lt_tmpl *t, size_t *len)
{
	lt_buf_reset(e->scratch);
	if (lt_tmpl_expand(t, e->ctx, e->scratch) != 0)
		return NULL;
	*len = e->scratch->len;
	return lt_buf_cstr(e->scratch);
}

static int
check_body(struct eval *e, const struct lt_check *c)
{
	const char *body = e->r->body ? e->r->body : "";
	const char *s;
	regmatch_t m[1];
	size_t n;
	int found;

	switch (c->kind) {
	case LT_CHK_BODY_CONTAINS:
	case LT_CHK_BODY_LACKS:
		s = expand(e, c->text, &n);
		if (s == NULL)
			return -1;
		found = n == 0 || memmem(body, e->r->body_len, s, n) != NULL;
		if (found == (c->kind == LT_CHK_BODY_CONTAINS))
			return LT_CHECK_OK;
		fail(e, found ? "check: body contains " : "check: body lacks ");
		show(e->reason, s, n);
		return LT_CHECK_FAIL;
	default:
		found =
		    rx_match(e->scratch, &c->re, &body, e->r->body_len, m, 1);
		if (found == (c->kind == LT_CHK_BODY_MATCH))
			return LT_CHECK_OK;
		fail(e,
		    found ? "check: body matches "
		          : "check: body does not match ");
		shows(e->reason, c->re_src);
		return LT_CHECK_FAIL;
	}
}

static int
numbers_equal(json_t *a, json_t *b)
{
	return json_is_number(a) && json_is_number(b) &&
	    json_number_value(a) == json_number_value(b);
}

/* The expected value of an EQ/NE check: pre-parsed, or expanded now. */
static json_t *
expected_value(struct eval *e, const struct lt_check *c, int *owned)
{
	json_error_t jerr;
	const char *s;
	json_t *v;
	size_t n;

	*owned = 0;
	if (c->value_json != NULL)
		return c->value_json;
	s = expand(e, c->text, &n);
	if (s == NULL)
		return NULL;
	v = json_loadb(s, n, JSON_DECODE_ANY, &jerr);
	if (v == NULL)
		v = json_stringn(s, n);
	*owned = v != NULL;
	return v;
}

static int
check_json_value(struct eval *e, const struct lt_check *c, json_t *v)
{
	json_t *want;
	int owned, same;
	char *ws;

	if (c->kind == LT_CHK_JSON_MATCH) {
		regmatch_t m[1];

		if (json_text(e, v))
			return -1;
		const char *subj = e->scratch->data;

		if (rx_match(e->scratch, &c->re, &subj, e->scratch->len, m, 1))
			return LT_CHECK_OK;
		fail(e, "check: json ");
		lt_buf_adds(e->reason, c->path.src);
		lt_buf_addc(e->reason, ' ');
		show(e->reason, e->scratch->data, e->scratch->len);
		lt_buf_adds(e->reason, " does not match ");
		shows(e->reason, c->re_src);
		return LT_CHECK_FAIL;
	}
	want = expected_value(e, c, &owned);
	if (want == NULL)
		return -1;
	same = json_equal(v, want) || numbers_equal(v, want);
	if (same == (c->kind == LT_CHK_JSON_EQ)) {
		if (owned)
			json_decref(want);
		return LT_CHECK_OK;
	}
	fail(e, "check: json ");
	lt_buf_adds(e->reason, c->path.src);
	ws = json_dumps(want, JSON_ENCODE_ANY | JSON_COMPACT);
	if (owned)
		json_decref(want);
	if (same) {
		lt_buf_adds(e->reason, " == ");
	} else {
		char *got = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

		lt_buf_adds(e->reason, " is ");
		if (got != NULL)
			lt_buf_add(e->reason, got,
			    strlen(got) > SHOW_MAX ? SHOW_MAX : strlen(got));
		free(got);
		lt_buf_adds(e->reason, ", want ");
	}
	if (ws != NULL)
		lt_buf_add(e->reason, ws,
		    strlen(ws) > SHOW_MAX ? SHOW_MAX : strlen(ws));
	free(ws);
	return LT_CHECK_FAIL;
}

static int
check_json(struct eval *e, const struct lt_check *c)
{
	json_t *doc = doc_get(e), *v;

	if (doc == NULL) {
		fail(e, "check: body is not JSON (json ");
		lt_buf_adds(e->reason, c->path.src);
		lt_buf_addc(e->reason, ')');
		return LT_CHECK_FAIL;
	}
	v = chk_jp_eval(&c->path, doc);
	if (c->kind == LT_CHK_JSON_MISSING) {
		if (v == NULL)
			return LT_CHECK_OK;
		fail(e, "check: json ");
		lt_buf_adds(e->reason, c->path.src);
		lt_buf_adds(e->reason, " exists");
		return LT_CHECK_FAIL;
	}
	if (v == NULL) {
		fail(e, "check: json ");
		lt_buf_adds(e->reason, c->path.src);
		lt_buf_adds(e->reason, " missing");
		return LT_CHECK_FAIL;
	}
	if (c->kind == LT_CHK_JSON_EXISTS)
		return LT_CHECK_OK;
	return check_json_value(e, c, v);
}

/* A header value in a reason: masked when the header's name says it
 * carries credentials (Authorization, Cookie, *token*...). */
static void
show_header(struct eval *e, const struct lt_check *c, const char *v, size_t n)
{
	if (!e->r->show_secrets &&
	    lt_secret_header_name(c->header, strlen(c->header)))
		lt_buf_adds(e->reason, "\"" LT_SECRET_MASK "\"");
	else
		show(e->reason, v, n);
}

static int
check_header(struct eval *e, const struct lt_check *c)
{
	const char *v, *s;
	regmatch_t m[1];
	size_t n, sn;

	v = lt_check_header(e->r, c->header, &n);
	if (v == NULL) {
		fail(e, "check: no header ");
		lt_buf_adds(e->reason, c->header);
		return LT_CHECK_FAIL;
	}
	if (c->kind == LT_CHK_HEADER_EXISTS)
		return LT_CHECK_OK;
	if (c->kind == LT_CHK_HEADER_MATCH) {
		const char *subj = v;

		if (rx_match(e->scratch, &c->re, &subj, n, m, 1))
			return LT_CHECK_OK;
		fail(e, "check: header ");
		lt_buf_adds(e->reason, c->header);
		lt_buf_addc(e->reason, ' ');
		show_header(e, c, v, n);
		lt_buf_adds(e->reason, " does not match ");
		shows(e->reason, c->re_src);
		return LT_CHECK_FAIL;
	}
	s = expand(e, c->text, &sn);
	if (s == NULL)
		return -1;
	if (sn == n && memcmp(s, v, n) == 0)
		return LT_CHECK_OK;
	fail(e, "check: header ");
	lt_buf_adds(e->reason, c->header);
	lt_buf_adds(e->reason, " is ");
	show_header(e, c, v, n);
	lt_buf_adds(e->reason, ", want ");
	show_header(e, c, s, sn);
	return LT_CHECK_FAIL;
}

static int
check_one(struct eval *e, const struct lt_check *c)
{
	switch (c->kind) {
	case LT_CHK_STATUS:
		return check_status(e, c);
	case LT_CHK_BODY_CONTAINS:
	case LT_CHK_BODY_LACKS:
	case LT_CHK_BODY_MATCH:
	case LT_CHK_BODY_NOMATCH:
		return check_body(e, c);
	case LT_CHK_JSON_EXISTS:
	case LT_CHK_JSON_MISSING:
	case LT_CHK_JSON_EQ:
	case LT_CHK_JSON_NE:
	case LT_CHK_JSON_MATCH:
		return check_json(e, c);
	case LT_CHK_HEADER_EXISTS:
	case LT_CHK_HEADER_EQ:
	case LT_CHK_HEADER_MATCH:
		return check_header(e, c);
	case LT_CHK_LATENCY:
		if (e->r->latency_us < c->max_latency_us)
			return LT_CHECK_OK;
		fail(e, "check: latency ");
		lt_buf_printf(e->reason, "%.1fms >= %.1fms",
		    (double)e->r->latency_us / 1000.0,
		    (double)c->max_latency_us / 1000.0);
		return LT_CHECK_FAIL;
	}
	return LT_CHECK_OK;
}

static int
cap_fail(struct eval *e, const struct lt_capture *cp, const char *what)
{
	fail(e, "check: save ");
	if (e->ctx->var_names != NULL)
		lt_buf_adds(e->reason, e->ctx->var_names[cp->var]);
	else
		lt_buf_printf(e->reason, "#%zu", cp->var);
	lt_buf_adds(e->reason, ": ");
	lt_buf_adds(e->reason, what);
	return LT_CHECK_FAIL;
}

static int
capture_one(struct eval *e, const struct lt_capture *cp)
{
	struct lt_vars *vars = e->ctx->vars;
	const char *v;
	regmatch_t m[2];
	char tmp[32];
	size_t n;
	json_t *doc, *jv;

	switch (cp->kind) {
	case LT_CAP_JSON:
		doc = doc_get(e);
		if (doc == NULL)
			return cap_fail(e, cp, "body is not JSON");
		jv = chk_jp_eval(&cp->path, doc);
		if (jv == NULL) {
			cap_fail(e, cp, "json ");
			lt_buf_adds(e->reason, cp->path.src);
			lt_buf_adds(e->reason, " missing");
			return LT_CHECK_FAIL;
		}
		if (json_text(e, jv))
			return -1;
		v = e->scratch->data ? e->scratch->data : "";
		n = e->scratch->len;
		break;
	case LT_CAP_HEADER:
		v = lt_check_header(e->r, cp->header, &n);
		if (v == NULL) {
			cap_fail(e, cp, "no header ");
			lt_buf_adds(e->reason, cp->header);
			return LT_CHECK_FAIL;
		}
		break;
	case LT_CAP_REGEX:
		v = e->r->body;
		if (!rx_match(e->scratch, &cp->re, &v, e->r->body_len, m, 2)) {
			cap_fail(e, cp, "regex ");
			shows(e->reason, cp->re_src);
			lt_buf_adds(e->reason, " does not match");
			return LT_CHECK_FAIL;
		}
		if (m[1].rm_so < 0)
			m[1] = m[0];
		v += m[1].rm_so;
		n = (size_t)(m[1].rm_eo - m[1].rm_so);
		break;
	case LT_CAP_STATUS:
		n = (size_t)snprintf(tmp, sizeof(tmp), "%ld", e->r->status);
		v = tmp;
		break;
	default:
		v = e->r->body ? e->r->body : "";
		n = e->r->body_len;
		break;
	}
	if (vars == NULL)
		return LT_CHECK_OK;
	return lt_vars_set(vars, cp->var, v, n) ? -1 : LT_CHECK_OK;
}

static int
is_status(const struct lt_check *c)
{
	return c->kind == LT_CHK_STATUS;
}

/*
 * Notes one result: the first failure's message stays in the caller's
 * reason; later ones are written to e->later and dropped.
 */
static int
note(struct eval *e, int rc, unsigned char *mark, int *first)
{
	if (rc < 0)
		return -1;
	if (mark != NULL)
		*mark = rc == LT_CHECK_OK ? LT_MARK_PASS : LT_MARK_FAIL;
	if (rc != LT_CHECK_OK && *first == LT_CHECK_OK) {
		*first = rc;
		e->reason = &e->later;
	}
	return 0;
}

int
lt_check_eval(const struct lt_checks *cs, const struct lt_response *resp,
    struct lt_tmpl_ctx *ctx, struct lt_buf *scratch, struct lt_buf *reason,
    unsigned char *marks)
{
	/* Later failures' messages are dropped: a fixed buffer that can
	 * neither grow nor allocate takes them (writes past it fail). */
	char sink[256];
	struct eval e = { resp, ctx, scratch, reason, NULL, 0,
		{ sink, 0, sizeof(sink), sizeof(sink) - 1 } };
	int rc = LT_CHECK_OK, r = 0, st_ok;
	size_t i;

	lt_buf_reset(reason);
	if (marks != NULL)
		memset(marks, LT_MARK_NOT_RUN, cs->n + cs->ncap);
	if (!cs->has_status && resp->status >= 400) {
		lt_buf_printf(reason, "http: status %ld", resp->status);
		rc = LT_CHECK_HTTP;
		e.reason = &e.later;
	}
	for (i = 0; i < cs->n && r == 0; i++)
		if (is_status(&cs->v[i]))
			r = note(&e, check_status(&e, &cs->v[i]),
			    marks ? &marks[i] : NULL, &rc);
	/* no captures from an error page: variables keep their values */
	st_ok = rc == LT_CHECK_OK;
	for (i = 0; i < cs->ncap && r == 0 && st_ok; i++)
		r = note(&e, capture_one(&e, &cs->cap[i]),
		    marks ? &marks[cs->n + i] : NULL, &rc);
	for (i = 0; i < cs->n && r == 0; i++)
		if (!is_status(&cs->v[i]))
			r = note(&e, check_one(&e, &cs->v[i]),
			    marks ? &marks[i] : NULL, &rc);
	if (e.doc != NULL)
		json_decref(e.doc);
	lt_buf_cstr(reason);
	return r < 0 ? -1 : rc;
}

void
lt_checks_fini(struct lt_checks *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++) {
		if (cs->v[i].has_re)
			regfree(&cs->v[i].re);
		cs->v[i].has_re = 0;
		if (cs->v[i].value_json != NULL)
			json_decref(cs->v[i].value_json);
		cs->v[i].value_json = NULL;
	}
	for (i = 0; i < cs->ncap; i++) {
		if (cs->cap[i].has_re)
			regfree(&cs->cap[i].re);
		cs->cap[i].has_re = 0;
	}
}
