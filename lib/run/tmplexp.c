/*
 * tmplexp.c - expanding compiled templates (see tmpl.h): a loop over
 * parts with no parsing, no lookups by name and no allocation; each
 * part's value percent-encoded or JSON-escaped for where it goes, and the
 * per-user variable values the parts read.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "run/tmpl.h"
#include "run/tmplpriv.h"

/* --- variables ---------------------------------------------------------- */

#define VAR_CAP ((size_t)1 << 20)

int
lt_vars_init(struct lt_vars *v, size_t nvars, size_t ndatas)
{
	size_t i;

	memset(v, 0, sizeof(*v));
	v->val = calloc(nvars + 1, sizeof(*v->val));
	v->set = calloc(nvars + 1, 1);
	v->row = calloc(ndatas + 1, sizeof(*v->row));
	v->row_seq = calloc(ndatas + 1, sizeof(*v->row_seq));
	if (!v->val || !v->set || !v->row || !v->row_seq) {
		lt_vars_fini(v);
		return -1;
	}
	for (i = 0; i < nvars; i++)
		lt_buf_init(&v->val[i], VAR_CAP);
	v->nvars = nvars;
	v->ndatas = ndatas;
	return 0;
}

void
lt_vars_fini(struct lt_vars *v)
{
	size_t i;

	if (v->val != NULL)
		for (i = 0; i < v->nvars; i++)
			lt_buf_fini(&v->val[i]);
	free(v->val);
	free(v->set);
	free(v->row);
	free(v->row_seq);
	memset(v, 0, sizeof(*v));
}

int
lt_vars_set(struct lt_vars *v, size_t i, const char *p, size_t n)
{
	if (i >= v->nvars)
		return -1;
	lt_buf_reset(&v->val[i]);
	if (lt_buf_add(&v->val[i], p, n) != 0)
		return -1;
	lt_buf_cstr(&v->val[i]);
	if (v->val[i].data == NULL)
		return -1;
	v->set[i] = 1;
	return 0;
}

const char *
lt_vars_get(const struct lt_vars *v, size_t i, size_t *len)
{
	if (i >= v->nvars || !v->set[i])
		return NULL;
	if (len)
		*len = v->val[i].len;
	return v->val[i].data ? v->val[i].data : "";
}

void
lt_vars_clear(struct lt_vars *v)
{
	if (v->nvars > 0)
		memset(v->set, 0, v->nvars);
	if (v->ndatas > 0)
		memset(v->row_seq, 0, v->ndatas * sizeof(*v->row_seq));
}

/* --- expanding ---------------------------------------------------------- */

static const char hexd[] = "0123456789ABCDEF";

static int
is_unreserved(unsigned char ch)
{
	return isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~';
}

/* Percent-encodes the bytes of p for which keep() is false. */
static int
pct_encode(struct lt_buf *out, const char *p, size_t n, int seg, int raw)
{
	size_t i;

	if (lt_buf_reserve(out, n * 3))
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];
		int keep = raw ? !tmpl_url_bad(ch)
		               : is_unreserved(ch) ||
		        (seg && strchr(":@!$'()*,;", ch) != NULL && ch != 0);

		if (keep) {
			out->data[out->len++] = (char)ch;
		} else {
			out->data[out->len++] = '%';
			out->data[out->len++] = hexd[ch >> 4];
			out->data[out->len++] = hexd[ch & 15];
		}
	}
	return 0;
}

static int
json_escape(struct lt_buf *out, const char *p, size_t n)
{
	size_t i;

	if (lt_buf_reserve(out, n * 6))
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];
		char *d = out->data + out->len;

		if (ch == '"' || ch == '\\') {
			d[0] = '\\';
			d[1] = (char)ch;
			out->len += 2;
		} else if (ch == '\n' || ch == '\t' || ch == '\r') {
			d[0] = '\\';
			d[1] = ch == '\n' ? 'n' : ch == '\t' ? 't' : 'r';
			out->len += 2;
		} else if (ch < 0x20) {
			memcpy(d, "\\u00", 4);
			d[4] = hexd[ch >> 4];
			d[5] = hexd[ch & 15];
			out->len += 6;
		} else {
			d[0] = (char)ch;
			out->len++;
		}
	}
	return 0;
}

/* --- a small JSON text validator (no allocation) --- */

struct jscan {
	const char *p, *e;
};

static void
js_ws(struct jscan *j)
{
	while (j->p < j->e &&
	    (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int
js_word(struct jscan *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->e - j->p) < n || memcmp(j->p, w, n) != 0)
		return -1;
	j->p += n;
	return 0;
}

static int
js_digits(struct jscan *j)
{
	const char *s = j->p;

	while (j->p < j->e && isdigit((unsigned char)*j->p))
		j->p++;
	return j->p > s ? 0 : -1;
}

static int
js_number(struct jscan *j)
{
	if (j->p < j->e && *j->p == '-')
		j->p++;
	if (j->p < j->e && *j->p == '0')
		j->p++;
	else if (js_digits(j))
		return -1;
	if (j->p < j->e && *j->p == '.') {
		j->p++;
		if (js_digits(j))
			return -1;
	}
	if (j->p < j->e && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->e && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (js_digits(j))
			return -1;
	}
	return 0;
}

static int
js_string(struct jscan *j)
{
	j->p++; /* '"' */
	while (j->p < j->e) {
		unsigned char ch = (unsigned char)*j->p++;

		if (ch == '"')
			return 0;
		if (ch < 0x20)
			return -1;
		if (ch == '\\') {
			if (j->p >= j->e ||
			    strchr("\"\\/bfnrtu", *j->p) == NULL)
				return -1;
			j->p++;
		}
	}
	return -1;
}

static int
js_value(struct jscan *j, int depth)
{
	char close;

	js_ws(j);
	if (j->p >= j->e || depth > 64)
		return -1;
	switch (*j->p) {
	case '"':
		return js_string(j);
	case 't':
		return js_word(j, "true");
	case 'f':
		return js_word(j, "false");
	case 'n':
		return js_word(j, "null");
	case '{':
	case '[':
		close = *j->p == '{' ? '}' : ']';
		j->p++;
		js_ws(j);
		if (j->p < j->e && *j->p == close) {
			j->p++;
			return 0;
		}
		for (;;) {
			if (close == '}') {
				js_ws(j);
				if (j->p >= j->e || *j->p != '"' ||
				    js_string(j))
					return -1;
				js_ws(j);
				if (j->p >= j->e || *j->p++ != ':')
					return -1;
			}
			if (js_value(j, depth + 1))
				return -1;
			js_ws(j);
			if (j->p >= j->e)
				return -1;
			if (*j->p == close) {
				j->p++;
				return 0;
			}
			if (*j->p++ != ',')
				return -1;
		}
	default:
		return js_number(j);
	}
}

/* 1 when the n bytes at p are one JSON value (blanks around allowed). */
static int
is_json_text(const char *p, size_t n)
{
	struct jscan j = { p, p + n };

	if (js_value(&j, 0))
		return 0;
	js_ws(&j);
	return j.p == j.e;
}

int
lt_tmpl_encode(
    struct lt_buf *out, const char *p, size_t n, enum lt_tmpl_enc enc)
{
	size_t i, run = 0;

	switch (enc) {
	case LT_ENC_NONE:
		return lt_buf_add(out, p, n);
	case LT_ENC_HEADER:
		for (i = 0; i < n; i++) {
			if (p[i] != '\r' && p[i] != '\n')
				continue;
			if (lt_buf_add(out, p + run, i - run))
				return -1;
			run = i + 1;
		}
		return lt_buf_add(out, p + run, n - run);
	case LT_ENC_URL:
		return pct_encode(out, p, n, 0, 0);
	case LT_ENC_URL_SEG:
		return pct_encode(out, p, n, 1, 0);
	case LT_ENC_URI:
	case LT_ENC_URL_RAW:
		return pct_encode(out, p, n, 0, 1);
	case LT_ENC_JSON:
		return json_escape(out, p, n);
	case LT_ENC_JSON_VALUE:
		if (is_json_text(p, n))
			return lt_buf_add(out, p, n);
		if (lt_buf_addc(out, '"') || json_escape(out, p, n))
			return -1;
		return lt_buf_addc(out, '"');
	}
	return -1;
}

/* Formats v in decimal into tmp (cap >= 21); returns the length. */
static size_t
fmt_i64(char *tmp, int64_t v)
{
	char rev[24];
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t n = 0, k = 0;

	do {
		rev[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		tmp[k++] = '-';
	while (n > 0)
		tmp[k++] = rev[--n];
	return k;
}

static size_t
fmt_uuid(char *tmp, struct lt_rng *rng)
{
	static const char lower[] = "0123456789abcdef";
	unsigned char b[16];
	uint64_t x = lt_rng_next(rng), y = lt_rng_next(rng);
	size_t i, k = 0;

	for (i = 0; i < 8; i++) {
		b[i] = (unsigned char)(x >> (i * 8));
		b[i + 8] = (unsigned char)(y >> (i * 8));
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			tmp[k++] = '-';
		tmp[k++] = lower[b[i] >> 4];
		tmp[k++] = lower[b[i] & 15];
	}
	return k;
}

static size_t
data_row(struct lt_data *d, struct lt_tmpl_ctx *ctx)
{
	struct lt_vars *v = ctx->vars;
	uint64_t n;

	if (v != NULL && d->index < v->ndatas &&
	    v->row_seq[d->index] == ctx->seq + 1)
		return v->row[d->index];
	n = __atomic_fetch_add(&d->next, 1, __ATOMIC_RELAXED);
	if (d->stride > 1)
		n = d->first + n * d->stride;
	n %= d->nrows;
	if (v != NULL && d->index < v->ndatas) {
		v->row[d->index] = (size_t)n;
		v->row_seq[d->index] = ctx->seq + 1;
	}
	return (size_t)n;
}

static int
expand_data(const struct lt_tmpl_part *p, struct lt_tmpl_ctx *ctx,
    struct lt_buf *out, enum lt_tmpl_enc enc)
{
	struct lt_data *d = p->data;
	size_t r = data_row(d, ctx);

	if (p->column < 0)
		return lt_tmpl_encode(out, d->rows[r], d->row_len[r], enc);
	if ((size_t)p->column >= d->ncells[r])
		return 0;
	return lt_tmpl_encode(
	    out, d->cells[r][p->column], d->cell_len[r][p->column], enc);
}

static int
expand_part(const struct lt_tmpl_part *p, struct lt_tmpl_ctx *ctx,
    struct lt_buf *out, enum lt_tmpl_enc enc)
{
	char tmp[48];
	const char *s;
	size_t n;

	switch (p->kind) {
	case LT_TP_LIT:
		return lt_buf_add(out, p->text, p->len);
	case LT_TP_VAR:
		s = ctx->vars ? lt_vars_get(ctx->vars, p->var, &n) : NULL;
		if (s == NULL) {
			if (ctx->missing++ == 0)
				ctx->missing_var = p->var;
			return 0;
		}
		return lt_tmpl_encode(out, s, n, enc);
	case LT_TP_USER:
		return lt_buf_add(out, tmp, fmt_i64(tmp, (int64_t)ctx->user));
	case LT_TP_CLASS:
		s = ctx->class_name ? ctx->class_name : "";
		return lt_tmpl_encode(out, s, strlen(s), enc);
	case LT_TP_SEQ:
		return lt_buf_add(out, tmp, fmt_i64(tmp, (int64_t)ctx->seq));
	case LT_TP_RANDOM:
		return lt_buf_add(out, tmp,
		    fmt_i64(tmp, lt_rng_range(ctx->rng, p->lo, p->hi)));
	case LT_TP_CHOICE:
		n = (size_t)lt_rng_below(ctx->rng, p->nwords);
		return lt_tmpl_encode(out, p->words[n], p->word_len[n], enc);
	case LT_TP_UUID: /* quoted outside a JSON string */
		return lt_tmpl_encode(out, tmp, fmt_uuid(tmp, ctx->rng), enc);
	case LT_TP_DATA:
		return expand_data(p, ctx, out, enc);
	case LT_TP_TIME:
		return lt_buf_add(
		    out, tmp, fmt_i64(tmp, ctx->now_us / 1000000));
	case LT_TP_TS_MS:
		return lt_buf_add(out, tmp, fmt_i64(tmp, ctx->now_us / 1000));
	}
	return 0;
}

int
lt_tmpl_expand(
    const struct lt_tmpl *t, struct lt_tmpl_ctx *ctx, struct lt_buf *out)
{
	size_t i;

	if (t->literal)
		return lt_buf_add(out, t->lit, t->lit_len);
	for (i = 0; i < t->nparts; i++)
		if (expand_part(&t->parts[i], ctx, out, t->parts[i].enc) != 0)
			return -1;
	return 0;
}

int
lt_tmpl_missing_reason(const struct lt_tmpl_ctx *ctx, struct lt_buf *reason)
{
	const char *name = "?";

	if (ctx->missing == 0)
		return -1;
	if (ctx->var_names != NULL)
		name = ctx->var_names[ctx->missing_var];
	lt_buf_reset(reason);
	lt_buf_printf(reason, "check: variable %s is not set", name);
	if (ctx->missing > 1)
		lt_buf_printf(reason, " (and %u more)", ctx->missing - 1);
	lt_buf_cstr(reason);
	return 0;
}
