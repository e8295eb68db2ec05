/*
 * scnstep.c - step lines: an HTTP request with its name, query, body and
 * saves, an exec command, a sleep, a set; and the lines that may follow
 * a step inside it.
 */
#include <ctype.h>
#include <string.h>

#include "run/scnparse.h"
#include "run/secret.h"

/* --- step modifiers ----------------------------------------------------- */

/* "stream [sse|openai] timeout DUR": the longest wait for the next event. */
static int
parse_stream_timeout(struct parser *p, struct pstep *ps)
{
	struct word w;
	double d;
	int r = scn_scan_word(p, &w);

	if (r <= 0)
		return r < 0 ? -1
		             : scn_expected(p, NULL, "a duration (2s, 500ms)");
	if (scn_word_duration(p, &w, &d, "a duration (2s, 500ms)"))
		return -1;
	ps->stream_timeout_ms = (long)(d * 1000 + 0.5);
	if (ps->stream == LT_STREAM_NONE)
		ps->stream = LT_STREAM_SSE;
	return scn_need_eol(p);
}

static int
parse_save(struct parser *p, struct pstep *ps)
{
	struct lt_capture *c = scn_vec_push(p->a, &ps->caps, sizeof(*c));
	struct word k, x;
	int r, col = 0;
	char *path;

	if (c == NULL)
		return scn_oom(p);
	c->line = p->line;
	c->label = scn_rest_label(p, "save ");
	if (c->label == NULL)
		return scn_oom(p);
	if (scn_var_word(p, &c->var))
		return -1;
	r = scn_scan_word(p, &k);
	if (r < 0)
		return -1;
	if (r > 0 && scn_word_is(&k, "json")) {
		c->kind = LT_CAP_JSON;
		r = scn_scan_word(p, &x);
		if (r <= 0)
			return r < 0
			    ? -1
			    : scn_expected(p, NULL, "a JSON path (.token)");
		path = scn_wdup(p, &x);
		if (path == NULL)
			return scn_oom(p);
		if (lt_jpath_compile(p->a, path, &c->path, &col, p->err))
			return scn_perr(p,
			    x.col + (size_t)(col > 0 ? col - 1 : 0), "%s",
			    p->err->msg);
		return scn_need_eol(p);
	}
	if (r > 0 && scn_word_is(&k, "header")) {
		c->kind = LT_CAP_HEADER;
		r = scn_scan_word(p, &x);
		if (r <= 0)
			return r < 0 ? -1
			             : scn_expected(p, NULL, "a header name");
		if (x.n > 0 && x.s[x.n - 1] == ':')
			x.n--;
		c->header = scn_wdup(p, &x);
		return c->header ? scn_need_eol(p) : scn_oom(p);
	}
	if (r > 0 && scn_word_is(&k, "regex")) {
		c->kind = LT_CAP_REGEX;
		if (scn_operand(p, &x, "a regex"))
			return -1;
		return scn_regex_word(p, &x, &c->re, &c->re_src, &c->has_re);
	}
	if (r > 0 && (scn_word_is(&k, "status") || scn_word_is(&k, "body"))) {
		c->kind =
		    scn_word_is(&k, "status") ? LT_CAP_STATUS : LT_CAP_BODY;
		return scn_need_eol(p);
	}
	return scn_expected(
	    p, r > 0 ? &k : NULL, "json, header, regex, status or body");
}

static int
body_conflict(struct parser *p, struct pstep *ps, const struct word *kw)
{
	if (ps->body_kind != LT_BODY_NONE)
		return scn_perr(p, kw->col,
		    "a second body for this request "
		    "(the first is on line %d)",
		    ps->body_line);
	if (ps->st.kind != LT_STEP_HTTP)
		return scn_expected(p, kw,
		    "a modifier of 'exec' "
		    "(timeout, output, expect, save, tag, name)");
	return 0;
}

/* json REST | form REST | body "text" | body @file | body REST */
static int
parse_body(struct parser *p, struct pstep *ps, const struct word *kw)
{
	struct word x;
	int r;

	if (body_conflict(p, ps, kw))
		return -1;
	ps->body_line = p->line;
	if (scn_word_is(kw, "json") || scn_word_is(kw, "form")) {
		scn_scan_rest(p, &x);
		if (x.n == 0)
			return scn_expected(p, NULL,
			    scn_word_is(kw, "json") ? "a JSON body"
			                            : "a form body (a=1&b=2)");
		ps->body_kind =
		    scn_word_is(kw, "json") ? LT_BODY_JSON : LT_BODY_FORM;
		return scn_compile(p, &x,
		    scn_word_is(kw, "json") ? LT_ENC_JSON : LT_ENC_URL,
		    &ps->body);
	}
	r = scn_scan_text(p, &x);
	if (r < 0)
		return -1;
	if (r == 0)
		return scn_expected(p, NULL, "\"text\" or @file");
	if (!x.quoted && x.n > 1 && x.s[0] == '@') {
		struct word f = { x.s + 1, x.n - 1, x.col + 1, 0 };

		ps->body_kind = LT_BODY_FILE;
		ps->body_path = scn_resolve(p, &f);
		if (ps->body_path == NULL)
			return scn_oom(p);
		return scn_slurp(
		    p, &f, ps->body_path, &ps->body_data, &ps->body_len);
	}
	ps->body_kind = LT_BODY_INLINE;
	return scn_compile(p, &x, LT_ENC_NONE, &ps->body);
}

static int
parse_name(struct parser *p, struct pstep *ps)
{
	struct word x;
	int r = scn_scan_text(p, &x);

	if (r < 0)
		return -1;
	if (r == 0 || x.n == 0)
		return scn_expected(p, NULL, "a name");
	ps->st.name = scn_wdup(p, &x);
	ps->st.name_clear = NULL;
	ps->has_name = 1;
	return ps->st.name ? 0 : scn_oom(p);
}

/*
 * Percent-encodes the literal text of a "query k=v" line (blanks and
 * characters not allowed in a query), leaving "${...}" for the template,
 * whose values are encoded at expansion, and '%' so that pre-encoded text
 * stays as written.  The first '=' separates key and value.
 */
static struct word
encode_query_literal(struct parser *p, const struct word *x)
{
	static const char hex[] = "0123456789ABCDEF";
	struct word out = *x;
	char *d = lt_arena_alloc(p->a, x->n * 3 + 1);
	size_t i = 0, o = 0;
	int seen_eq = 0;

	out.s = d;
	if (d == NULL)
		return out;
	while (i < x->n) {
		unsigned char c = (unsigned char)x->s[i];
		const char *close;

		if (c == '$' && i + 1 < x->n && x->s[i + 1] == '{') {
			close = memchr(x->s + i, '}', x->n - i);
			if (close != NULL) {
				size_t k = (size_t)(close - x->s) + 1 - i;

				memcpy(d + o, x->s + i, k);
				o += k;
				i += k;
				continue;
			}
		}
		if (isalnum(c) || strchr("-._~%!$'()*+,;:@/?", c) != NULL ||
		    (c == '=' && !seen_eq)) {
			seen_eq |= c == '=';
			d[o++] = (char)c;
		} else {
			d[o++] = '%';
			d[o++] = hex[c >> 4];
			d[o++] = hex[c & 15];
		}
		i++;
	}
	d[o] = '\0';
	out.n = o;
	return out;
}

static int
parse_query(struct parser *p, struct pstep *ps)
{
	struct lt_tmpl **t = scn_vec_push(p->a, &ps->query, sizeof(*t));
	struct word x, enc;

	if (t == NULL)
		return scn_oom(p);
	scn_scan_rest(p, &x);
	if (x.n == 0 || memchr(x.s, '=', x.n) == NULL)
		return scn_expected(p, x.n ? &x : NULL, "'key=value'");
	if (scn_compile(p, &x, LT_ENC_URL, t)) /* errors with true columns */
		return -1;
	enc = encode_query_literal(p, &x);
	if (enc.s == NULL)
		return scn_oom(p);
	return scn_compile(p, &enc, LT_ENC_URL, t);
}

int
scn_step_line(struct parser *p, const struct word *kw, struct pstep *ps)
{
	struct word w;
	int r;

	if (ps->st.kind == LT_STEP_EXEC && scn_word_is(kw, "output")) {
		r = scn_scan_word(p, &w);
		if (r < 0)
			return -1;
		if (r == 0 || !scn_word_is(&w, "json"))
			return scn_expected(p, r ? &w : NULL, "'json'");
		ps->output_json = 1;
		return scn_need_eol(p);
	}
	r = scn_parse_setting(p, kw, ps->scope);
	if (r != 0)
		return r < 0 ? -1 : 0;
	if (scn_word_is(kw, "save"))
		return parse_save(p, ps);
	if (scn_word_is(kw, "name"))
		return parse_name(p, ps);
	if (scn_word_is(kw, "json") || scn_word_is(kw, "form") ||
	    scn_word_is(kw, "body"))
		return parse_body(p, ps, kw);
	if (ps->st.kind == LT_STEP_HTTP && scn_word_is(kw, "query"))
		return parse_query(p, ps);
	if (ps->st.kind == LT_STEP_HTTP && scn_word_is(kw, "stream")) {
		r = scn_scan_word(p, &w);
		if (r < 0)
			return -1;
		if (r > 0 && scn_word_is(&w, "timeout"))
			return parse_stream_timeout(p, ps);
		if (r == 0 ||
		    !(scn_word_is(&w, "sse") || scn_word_is(&w, "openai")))
			return scn_expected(
			    p, r ? &w : NULL, "'sse', 'openai' or 'timeout'");
		ps->stream =
		    scn_word_is(&w, "sse") ? LT_STREAM_SSE : LT_STREAM_OPENAI;
		r = scn_scan_word(p, &w);
		if (r < 0)
			return -1;
		if (r > 0 && scn_word_is(&w, "timeout"))
			return parse_stream_timeout(p, ps);
		if (r > 0)
			return scn_expected(
			    p, &w, "'timeout' or the end of the line");
		return scn_need_eol(p);
	}
	if (ps->st.kind == LT_STEP_EXEC)
		return scn_expected(p, kw,
		    "a modifier of 'exec' (timeout, output, "
		    "expect, save, tag, name)");
	return scn_expected(p, kw,
	    "a request modifier (header, json, form, body, "
	    "query, timeout, expect, save, tag, name...)");
}

/* --- steps -------------------------------------------------------------- */

struct pstep *
scn_step_new(struct parser *p, enum lt_step_kind kind, struct scope *parent)
{
	struct pstep *ps = lt_arena_alloc(p->a, sizeof(*ps));
	struct pstep **slot;

	if (ps == NULL)
		return NULL;
	ps->st.kind = kind;
	ps->st.line = p->line;
	ps->scope = scn_scope_new(p, parent);
	slot = scn_vec_push(p->a, &p->steps, sizeof(*slot));
	if (ps->scope == NULL || slot == NULL)
		return NULL;
	*slot = ps;
	return ps;
}

/*
 * "name" on a request line: the words up to json/form/body or the end of
 * the line ("name /secure (anonymous)"), or one quoted string.
 */
static int
parse_inline_name(struct parser *p, struct pstep *ps)
{
	struct word w;
	size_t start, end = 0, save;
	int r;

	scn_skip_blanks(p);
	start = p->pos;
	for (;;) {
		save = p->pos;
		r = scn_scan_word(p, &w);
		if (r < 0)
			return -1;
		if (r == 0 || scn_word_is(&w, "json") ||
		    scn_word_is(&w, "form") || scn_word_is(&w, "body")) {
			p->pos = save;
			break;
		}
		if (w.quoted && end == 0) {
			ps->st.name = scn_wdup(p, &w);
			ps->st.name_clear = NULL;
			ps->has_name = 1;
			return ps->st.name ? 0 : scn_oom(p);
		}
		end = p->pos;
	}
	if (end == 0)
		return scn_expected(p, r > 0 ? &w : NULL, "a name");
	ps->st.name = lt_arena_strndup(p->a, p->ln + start, end - start);
	ps->st.name_clear = NULL;
	ps->has_name = 1;
	return ps->st.name ? 0 : scn_oom(p);
}

int
scn_parse_request(struct parser *p, const struct word *m, struct pstep *ps)
{
	struct word u, w;
	int r;

	ps->method = scn_method_name(m);
	r = scn_scan_word(p, &u);
	if (r <= 0 || u.quoted)
		return r < 0 ? -1
		             : scn_expected(p, r ? &u : NULL,
		                   "a URL path (/x) or http:// URL");
	if (!(u.s[0] == '/' || (u.n > 7 && memcmp(u.s, "http://", 7) == 0) ||
	        (u.n > 8 && memcmp(u.s, "https://", 8) == 0) ||
	        (u.n > 2 && memcmp(u.s, "${", 2) == 0)))
		return scn_expected(p, &u, "a URL path (/x) or http:// URL");
	if (scn_compile(p, &u, LT_ENC_URI, &ps->url))
		return -1;
	/* the default name is the URL as written, without credentials */
	ps->st.name = ps->url->src;
	if (strchr(ps->url->src, '@') != NULL) {
		char *n = lt_arena_strdup(p->a, ps->url->src);

		if (n == NULL)
			return scn_oom(p);
		ps->st.name = lt_secret_url_strip_inplace(n);
		if (strcmp(n, ps->url->src) != 0)
			ps->st.name_clear = ps->url->src;
	}
	for (;;) {
		r = scn_scan_word(p, &w);
		if (r <= 0)
			return r;
		if (scn_word_is(&w, "name")) {
			if (parse_inline_name(p, ps))
				return -1;
			continue;
		}
		if (scn_word_is(&w, "json") || scn_word_is(&w, "form") ||
		    scn_word_is(&w, "body"))
			return parse_body(p, ps, &w);
		return scn_expected(
		    p, &w, "name, json, form, body or end of line");
	}
}

int
scn_parse_exec_words(struct parser *p, struct pstep *ps)
{
	struct word w[2];
	struct word *all;
	size_t n = 0, cap = 16, i, start, cmd_end;
	int r;

	all = lt_arena_alloc(p->a, cap * sizeof(*all));
	if (all == NULL)
		return scn_oom(p);
	start = p->pos;
	scn_skip_blanks(p);
	start = p->pos;
	cmd_end = p->ln_len;
	while ((r = scn_scan_word(p, &w[0])) > 0) {
		if (n == cap) {
			struct word *na =
			    lt_arena_alloc(p->a, cap * 2 * sizeof(*na));

			if (na == NULL)
				return scn_oom(p);
			memcpy(na, all, n * sizeof(*na));
			all = na;
			cap *= 2;
		}
		all[n++] = w[0];
	}
	if (r < 0)
		return -1;
	if (n >= 3 && scn_word_is(&all[n - 2], "name") && !all[n - 2].quoted) {
		ps->st.name = scn_wdup(p, &all[n - 1]);
		ps->has_name = 1;
		cmd_end = all[n - 2].col - 1;
		n -= 2;
	}
	if (n == 0)
		return scn_expected(p, NULL, "a command");
	while (cmd_end > start &&
	    (p->ln[cmd_end - 1] == ' ' || p->ln[cmd_end - 1] == '\t'))
		cmd_end--;
	if (!ps->has_name)
		ps->st.name =
		    lt_arena_strndup(p->a, p->ln + start, cmd_end - start);
	for (i = 0; i < n; i++) {
		struct lt_tmpl **t = scn_vec_push(p->a, &ps->argv, sizeof(*t));

		if (t == NULL)
			return scn_oom(p);
		if (scn_compile(p, &all[i], LT_ENC_NONE, t))
			return -1;
	}
	return ps->st.name ? 0 : scn_oom(p);
}

int
scn_parse_sleep(struct parser *p, struct pstep *ps)
{
	struct word w;
	int r = scn_scan_word(p, &w);

	if (r <= 0)
		return r < 0 ? -1
		             : scn_expected(p, NULL, "a duration (1.5, 500ms)");
	if (scn_word_duration(
	        p, &w, &ps->st.sleep_s, "a duration (1.5, 500ms)"))
		return -1;
	ps->st.name = "sleep";
	return scn_need_eol(p);
}

int
scn_parse_set(struct parser *p, struct lt_set *out, struct pstep *ps)
{
	struct word x;
	struct lt_tmpl *t;
	size_t id;
	int r;

	if (scn_var_word(p, &id))
		return -1;
	r = scn_scan_text(p, &x);
	if (r < 0)
		return -1;
	if (r == 0) {
		x.s = "";
		x.n = 0;
		x.col = p->ln_len + 1;
	}
	if (scn_compile(p, &x, LT_ENC_NONE, &t))
		return -1;
	if (out != NULL) {
		out->var = id;
		out->value = t;
	}
	if (ps != NULL) {
		ps->st.set_var = id;
		ps->st.set_value = t;
		ps->st.name = "set";
	}
	return 0;
}
