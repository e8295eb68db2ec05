/*
 * scnset.c - settings lines (header, tls, auth, tag, timeout and the
 * other per-block settings of lt-scenario(5)), recorded in the scope of
 * the block where they are written; scnresolve.c applies them to steps.
 */
#include <ctype.h>
#include <string.h>

#include "run/scnparse.h"

/* --- settings (any block) ----------------------------------------------- */

static int
parse_onoff(struct parser *p, int *out)
{
	struct word w;
	int r = scn_scan_word(p, &w);

	if (r < 0)
		return -1;
	if (r > 0 &&
	    (scn_word_is(&w, "on") || scn_word_is(&w, "yes") ||
	        scn_word_is(&w, "true")))
		*out = 1;
	else if (r > 0 &&
	    (scn_word_is(&w, "off") || scn_word_is(&w, "no") ||
	        scn_word_is(&w, "false")))
		*out = 0;
	else
		return scn_expected(p, r > 0 ? &w : NULL, "'on' or 'off'");
	return scn_need_eol(p);
}

static int
set_header(struct parser *p, struct scope *s, const char *name, size_t nl,
    struct lt_tmpl *value)
{
	struct lt_header *h = scn_vec_push(p->a, &s->headers, sizeof(*h));

	if (h == NULL)
		return scn_oom(p);
	h->name = lt_arena_strndup(p->a, name, nl);
	h->name_len = nl;
	h->value = value;
	return h->name ? 0 : scn_oom(p);
}

static int
parse_header(struct parser *p, struct scope *s)
{
	struct word rest, val;
	struct lt_tmpl *t;
	const char *colon;
	size_t nl, i;

	scn_scan_rest(p, &rest);
	colon = memchr(rest.s, ':', rest.n);
	nl = colon ? (size_t)(colon - rest.s) : 0;
	for (i = 0; i < nl; i++)
		if (!(isalnum((unsigned char)rest.s[i]) || rest.s[i] == '-' ||
		        rest.s[i] == '_'))
			break;
	if (colon == NULL || nl == 0 || i < nl)
		return scn_expected(p, rest.n ? &rest : NULL, "'Name: value'");
	val.s = colon + 1;
	val.n = rest.n - nl - 1;
	val.col = rest.col + nl + 1;
	val.quoted = 0;
	while (val.n > 0 && (val.s[0] == ' ' || val.s[0] == '\t'))
		val.s++, val.n--, val.col++;
	if (scn_compile(p, &val, LT_ENC_HEADER, &t))
		return -1;
	return set_header(p, s, rest.s, nl, t);
}

static int
parse_tls(struct parser *p, struct scope *s)
{
	struct word w, f;
	const char **dst = NULL;
	int r = scn_scan_word(p, &w);

	if (r < 0)
		return -1;
	if (r > 0 && scn_word_is(&w, "insecure")) {
		s->insecure = 1;
		return scn_need_eol(p);
	}
	if (r > 0 && scn_word_is(&w, "verify")) {
		s->insecure = 0;
		return scn_need_eol(p);
	}
	if (r > 0 && scn_word_is(&w, "cafile"))
		dst = &s->cafile;
	else if (r > 0 && scn_word_is(&w, "cert"))
		dst = &s->cert;
	else if (r > 0 && scn_word_is(&w, "key"))
		dst = &s->key;
	else
		return scn_expected(p, r > 0 ? &w : NULL,
		    "insecure, verify, cafile, cert or key");
	r = scn_scan_word(p, &f);
	if (r < 0)
		return -1;
	if (r == 0)
		return scn_expected(p, NULL, "a file name");
	*dst = scn_resolve(p, &f);
	if (*dst == NULL)
		return scn_oom(p);
	if (scn_check_readable(p, &f, *dst))
		return -1;
	return scn_need_eol(p);
}

/* Makes a template "PREFIX" + t (bearer tokens). */
static struct lt_tmpl *
prefix_tmpl(struct parser *p, const char *prefix, struct lt_tmpl *t)
{
	struct lt_tmpl *n = lt_arena_alloc(p->a, sizeof(*n));
	size_t pl = strlen(prefix);
	char *src;

	if (n == NULL)
		return NULL;
	*n = *t;
	n->parts = lt_arena_alloc(p->a, (t->nparts + 1) * sizeof(*n->parts));
	src = lt_arena_alloc(p->a, pl + strlen(t->src) + 1);
	if (n->parts == NULL || src == NULL)
		return NULL;
	n->parts[0].kind = LT_TP_LIT;
	n->parts[0].text = prefix;
	n->parts[0].len = pl;
	if (t->nparts > 0)
		memcpy(n->parts + 1, t->parts, t->nparts * sizeof(*n->parts));
	n->nparts = t->nparts + 1;
	strcpy(src, prefix);
	strcat(src, t->src);
	n->src = src;
	if (t->literal) {
		n->lit = src;
		n->lit_len = strlen(src);
		n->nparts = 1;
		n->parts[0].text = src;
		n->parts[0].len = n->lit_len;
	}
	return n;
}

static int
parse_auth(struct parser *p, struct scope *s)
{
	struct word w, u, pw;
	struct lt_tmpl *t;
	int r = scn_scan_word(p, &w);

	if (r < 0)
		return -1;
	if (r > 0 && scn_word_is(&w, "none")) {
		s->auth = LT_AUTH_NONE;
		return scn_need_eol(p);
	}
	if (r > 0 && scn_word_is(&w, "bearer")) {
		r = scn_scan_word(p, &u);
		if (r <= 0)
			return r < 0 ? -1 : scn_expected(p, NULL, "a token");
		if (scn_compile(p, &u, LT_ENC_HEADER, &t))
			return -1;
		t = prefix_tmpl(p, "Bearer ", t);
		if (t == NULL)
			return scn_oom(p);
		if (set_header(p, s, "Authorization", 13, t))
			return -1;
		return scn_need_eol(p);
	}
	if (r == 0 || !scn_word_is(&w, "basic"))
		return scn_expected(
		    p, r > 0 ? &w : NULL, "basic, bearer or none");
	r = scn_scan_word(p, &u);
	if (r <= 0)
		return r < 0 ? -1 : scn_expected(p, NULL, "a user name");
	r = scn_scan_word(p, &pw);
	if (r <= 0)
		return r < 0 ? -1 : scn_expected(p, NULL, "a password");
	s->auth = LT_AUTH_BASIC;
	if (scn_compile(p, &u, LT_ENC_NONE, &s->auth_user) ||
	    scn_compile(p, &pw, LT_ENC_NONE, &s->auth_pass))
		return -1;
	return scn_need_eol(p);
}

static int
parse_tag(struct parser *p, struct scope *s)
{
	struct word w;
	int r, any = 0;

	while ((r = scn_scan_word(p, &w)) > 0) {
		const char **t = scn_vec_push(p->a, &s->tags, sizeof(*t));

		if (t == NULL)
			return scn_oom(p);
		*t = scn_wdup(p, &w);
		if (*t == NULL)
			return scn_oom(p);
		any = 1;
	}
	if (r < 0)
		return -1;
	return any ? 0 : scn_expected(p, NULL, "a tag name");
}

int
scn_parse_setting(struct parser *p, const struct word *kw, struct scope *s)
{
	struct word w;
	double d;
	int r, v = 0;

	if (scn_word_is(kw, "header"))
		return parse_header(p, s) ? -1 : 1;
	if (scn_word_is(kw, "expect"))
		return scn_parse_expect(p, s) ? -1 : 1;
	if (scn_word_is(kw, "tag") || scn_word_is(kw, "tags"))
		return parse_tag(p, s) ? -1 : 1;
	if (scn_word_is(kw, "tls"))
		return parse_tls(p, s) ? -1 : 1;
	if (scn_word_is(kw, "auth"))
		return parse_auth(p, s) ? -1 : 1;
	if (scn_word_is(kw, "redirects") || scn_word_is(kw, "gzip") ||
	    scn_word_is(kw, "http2")) {
		if (parse_onoff(p, &v))
			return -1;
		if (scn_word_is(kw, "redirects"))
			s->redirects = v;
		else if (scn_word_is(kw, "gzip"))
			s->gzip = v;
		else
			s->http2 = v;
		return 1;
	}
	if (scn_word_is(kw, "timeout")) {
		r = scn_scan_word(p, &w);
		if (r <= 0)
			return r < 0
			    ? -1
			    : scn_expected(p, NULL, "a duration (5s, 500ms)");
		if (scn_word_is(&w, "none")) {
			s->timeout_ms = 0;
		} else {
			if (scn_word_duration(
			        p, &w, &d, "a duration (5s, 500ms)"))
				return -1;
			s->timeout_ms = (long)(d * 1000 + 0.5);
		}
		return scn_need_eol(p) ? -1 : 1;
	}
	return 0;
}
