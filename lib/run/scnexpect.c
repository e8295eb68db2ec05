/*
 * scnexpect.c - "expect" lines (status, body, json, header checks of
 * lt-scenario(5)) parsed into struct lt_check, with their regular
 * expressions and JSON paths compiled once, at load time.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "run/scnparse.h"
#include "run/secret.h"

/* --- expect ------------------------------------------------------------- */

static int
add_range(struct parser *p, struct vec *v, int lo, int hi)
{
	struct lt_status_range *r = scn_vec_push(p->a, v, sizeof(*r));

	if (r == NULL)
		return scn_oom(p);
	r->lo = lo;
	r->hi = hi;
	return 0;
}

/* One status item: 200, 200-299, 2xx (commas allowed between items). */
static int
parse_status_item(struct parser *p, const struct word *w, struct vec *v)
{
	char tmp[16];
	int lo, hi, k;

	if (w->n >= sizeof(tmp) || w->quoted)
		return scn_expected(p, w, "a status, a range (200-299) or 2xx");
	memcpy(tmp, w->s, w->n);
	tmp[w->n] = '\0';
	if (w->n == 3 && isdigit((unsigned char)tmp[0]) &&
	    (tmp[1] == 'x' || tmp[1] == 'X') &&
	    (tmp[2] == 'x' || tmp[2] == 'X'))
		return add_range(
		    p, v, (tmp[0] - '0') * 100, (tmp[0] - '0') * 100 + 99);
	if (sscanf(tmp, "%3d-%3d%n", &lo, &hi, &k) == 2 && (size_t)k == w->n &&
	    isdigit((unsigned char)tmp[0]) && lo <= hi)
		return add_range(p, v, lo, hi);
	if (sscanf(tmp, "%3d%n", &lo, &k) == 1 && (size_t)k == w->n &&
	    isdigit((unsigned char)tmp[0]))
		return add_range(p, v, lo, lo);
	return scn_expected(p, w, "a status, a range (200-299) or 2xx");
}

static int
parse_expect_status(struct parser *p, struct lt_check *c)
{
	struct vec v = { 0 };
	struct word w;
	int r;

	c->kind = LT_CHK_STATUS;
	while ((r = scn_scan_word(p, &w)) > 0) {
		size_t s = 0;

		/* split "200,201" at commas */
		while (s < w.n) {
			struct word item = w;
			size_t e = s;

			while (e < w.n && w.s[e] != ',')
				e++;
			item.s = w.s + s;
			item.n = e - s;
			item.col = w.col + s;
			if (item.n > 0 && parse_status_item(p, &item, &v))
				return -1;
			s = e + 1;
		}
	}
	if (r < 0)
		return -1;
	if (v.n == 0)
		return scn_expected(
		    p, NULL, "a status, a range (200-299) or 2xx");
	c->ranges = v.v;
	c->nranges = v.n;
	return 0;
}

int
scn_regex_word(struct parser *p, const struct word *w, regex_t *re,
    const char **src, int *has)
{
	char *s = scn_wdup(p, w);
	struct lt_err e;

	if (s == NULL)
		return scn_oom(p);
	if (lt_check_regcomp(re, s, 0, &e) != 0)
		return scn_perr(p, w->col, "%s", e.msg);
	*src = s;
	*has = 1;
	return 0;
}

int
scn_operand(struct parser *p, struct word *w, const char *what)
{
	int r = scn_scan_text(p, w);

	if (r < 0)
		return -1;
	if (r == 0 || w->n == 0)
		return scn_expected(p, NULL, what);
	return 0;
}

static int
parse_expect_body(struct parser *p, struct lt_check *c)
{
	struct word w, x;
	int r = scn_scan_word(p, &w), neg = 0;

	if (r < 0)
		return -1;
	if (r > 0 && scn_word_is(&w, "not")) {
		neg = 1;
		r = scn_scan_word(p, &w);
		if (r < 0)
			return -1;
		if (r == 0 || !scn_word_is(&w, "contains"))
			return scn_expected(p, r > 0 ? &w : NULL, "'contains'");
	}
	if (r > 0 &&
	    (scn_word_is(&w, "contains") || scn_word_is(&w, "lacks"))) {
		c->kind = neg || scn_word_is(&w, "lacks")
		    ? LT_CHK_BODY_LACKS
		    : LT_CHK_BODY_CONTAINS;
		if (scn_operand(p, &x, "a string"))
			return -1;
		return scn_compile(p, &x, LT_ENC_NONE, &c->text);
	}
	if (r > 0 && (scn_word_is(&w, "~") || scn_word_is(&w, "!~"))) {
		c->kind = scn_word_is(&w, "~") ? LT_CHK_BODY_MATCH
		                               : LT_CHK_BODY_NOMATCH;
		if (scn_operand(p, &x, "a regex"))
			return -1;
		return scn_regex_word(p, &x, &c->re, &c->re_src, &c->has_re);
	}
	return scn_expected(
	    p, r > 0 ? &w : NULL, "contains, not contains, ~ or !~");
}

static int
parse_json_value(struct parser *p, struct lt_check *c)
{
	struct word x;
	json_error_t jerr;

	scn_scan_rest(p, &x);
	if (x.n == 0)
		return scn_expected(p, NULL, "a JSON value");
	if (scn_compile(p, &x, LT_ENC_NONE, &c->text))
		return -1;
	if (!c->text->literal)
		return 0;
	c->value_json = json_loadb(x.s, x.n, JSON_DECODE_ANY, &jerr);
	if (c->value_json == NULL)
		c->value_json = json_stringn(x.s, x.n);
	return c->value_json ? 0 : scn_oom(p);
}

static int
parse_expect_json(struct parser *p, struct lt_check *c)
{
	struct word w, op, x;
	char *path;
	int col = 0, r;

	r = scn_scan_word(p, &w);
	if (r <= 0)
		return r < 0 ? -1
		             : scn_expected(p, NULL, "a JSON path (.a.b[0])");
	path = scn_wdup(p, &w);
	if (path == NULL)
		return scn_oom(p);
	if (lt_jpath_compile(p->a, path, &c->path, &col, p->err)) {
		if (p->err->code == LT_EXIT_RUNTIME)
			return scn_oom(p);
		return scn_perr(p, w.col + (size_t)(col > 0 ? col - 1 : 0),
		    "%s", p->err->msg);
	}
	r = scn_scan_word(p, &op);
	if (r < 0)
		return -1;
	if (r == 0 || scn_word_is(&op, "exists")) {
		c->kind = LT_CHK_JSON_EXISTS;
		return r == 0 ? 0 : scn_need_eol(p);
	}
	if (scn_word_is(&op, "missing")) {
		c->kind = LT_CHK_JSON_MISSING;
		return scn_need_eol(p);
	}
	if (scn_word_is(&op, "not")) {
		r = scn_scan_word(p, &x);
		if (r < 0)
			return -1;
		if (r == 0 || !scn_word_is(&x, "exists"))
			return scn_expected(p, r > 0 ? &x : NULL, "'exists'");
		c->kind = LT_CHK_JSON_MISSING;
		return scn_need_eol(p);
	}
	if (scn_word_is(&op, "==") || scn_word_is(&op, "!=")) {
		c->kind =
		    scn_word_is(&op, "==") ? LT_CHK_JSON_EQ : LT_CHK_JSON_NE;
		return parse_json_value(p, c);
	}
	if (scn_word_is(&op, "~")) {
		c->kind = LT_CHK_JSON_MATCH;
		if (scn_operand(p, &x, "a regex"))
			return -1;
		return scn_regex_word(p, &x, &c->re, &c->re_src, &c->has_re);
	}
	return scn_expected(p, &op, "exists, missing, ==, != or ~");
}

/*
 * A check's name is recorded in every event: a value compared with a
 * credential header (Authorization, Cookie, ...) is written as "***" in
 * it, as in failure messages, so a literal token in the scenario stays
 * out of events and reports.
 */
static int
mask_header_label(struct parser *p, struct lt_check *c, const char *op)
{
	size_t n;
	char *l;

	if (!lt_secret_header_name(c->header, strlen(c->header)))
		return 0;
	n = strlen("header ") + strlen(c->header) + strlen(op) + 6;
	l = lt_arena_alloc(p->a, n);
	if (l == NULL)
		return scn_oom(p);
	snprintf(l, n, "header %s %s ***", c->header, op);
	c->label = l;
	return 0;
}

static int
parse_expect_header(struct parser *p, struct lt_check *c)
{
	struct word w, op, x;
	int r = scn_scan_word(p, &w);

	if (r <= 0 || w.quoted)
		return r < 0 ? -1
		             : scn_expected(p, r ? &w : NULL, "a header name");
	if (w.n > 0 && w.s[w.n - 1] == ':')
		w.n--;
	c->header = scn_wdup(p, &w);
	if (c->header == NULL)
		return scn_oom(p);
	r = scn_scan_word(p, &op);
	if (r < 0)
		return -1;
	if (r == 0 || scn_word_is(&op, "exists")) {
		c->kind = LT_CHK_HEADER_EXISTS;
		return r == 0 ? 0 : scn_need_eol(p);
	}
	if (scn_word_is(&op, "==")) {
		c->kind = LT_CHK_HEADER_EQ;
		if (scn_operand(p, &x, "a value") ||
		    mask_header_label(p, c, "=="))
			return -1;
		return scn_compile(p, &x, LT_ENC_NONE, &c->text);
	}
	if (scn_word_is(&op, "~")) {
		c->kind = LT_CHK_HEADER_MATCH;
		if (scn_operand(p, &x, "a regex") ||
		    mask_header_label(p, c, "~"))
			return -1;
		return scn_regex_word(p, &x, &c->re, &c->re_src, &c->has_re);
	}
	return scn_expected(p, &op, "exists, == or ~");
}

int
scn_parse_expect(struct parser *p, struct scope *s)
{
	struct lt_check *c = scn_vec_push(p->a, &s->checks, sizeof(*c));
	struct word w, x;
	double d;
	int r;

	if (c == NULL)
		return scn_oom(p);
	c->line = p->line;
	c->label = c->src = scn_rest_label(p, "");
	if (c->label == NULL)
		return scn_oom(p);
	r = scn_scan_word(p, &w);
	if (r < 0)
		return -1;
	if (r > 0 && scn_word_is(&w, "status"))
		return parse_expect_status(p, c);
	if (r > 0 && scn_word_is(&w, "body"))
		return parse_expect_body(p, c);
	if (r > 0 && scn_word_is(&w, "json"))
		return parse_expect_json(p, c);
	if (r > 0 && scn_word_is(&w, "header"))
		return parse_expect_header(p, c);
	if (r > 0 && scn_word_is(&w, "latency")) {
		c->kind = LT_CHK_LATENCY;
		r = scn_scan_word(p, &x);
		if (r < 0)
			return -1;
		if (r == 0 || !(scn_word_is(&x, "<") || scn_word_is(&x, "<=")))
			return scn_expected(p, r ? &x : NULL, "'<'");
		r = scn_scan_word(p, &x);
		if (r <= 0)
			return r < 0
			    ? -1
			    : scn_expected(p, NULL, "a duration (500ms, 2s)");
		if (scn_word_duration(p, &x, &d, "a duration (500ms, 2s)"))
			return -1;
		c->max_latency_us = (int64_t)(d * 1e6 + 0.5);
		return scn_need_eol(p);
	}
	return scn_expected(
	    p, r > 0 ? &w : NULL, "status, body, json, header or latency");
}
