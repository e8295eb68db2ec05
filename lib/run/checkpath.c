/*
 * checkpath.c - JSON paths of "expect json" and "save ... json"
 * (lt-scenario(5)): "$.a.b[0]" and its quoted keys compiled once at load
 * into a list of keys and indexes, then walked over a parsed body.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "run/check.h"
#include "run/checkpriv.h"

/* --- JSON paths --------------------------------------------------------- */

static int
key_char(unsigned char ch)
{
	return isalnum(ch) || ch == '_' || ch == '-' || ch == '$' ||
	    ch == '@' || ch >= 0x80;
}

static int
jp_err(int *err_col, size_t off, struct lt_err *err, const char *what)
{
	if (err_col)
		*err_col = (int)off + 1;
	return lt_err_set(err, LT_EXIT_USAGE, "%s", what);
}

/* Parses a "quoted" key at src[*i] into an arena string. */
static int
jp_quoted(struct lt_arena *a, const char *src, size_t *i, const char **key,
    size_t *len)
{
	size_t j = *i + 1, o = 0;
	char *out = lt_arena_alloc(a, strlen(src) + 1);

	if (out == NULL)
		return -1;
	while (src[j] != '\0' && src[j] != '"') {
		if (src[j] == '\\' && src[j + 1] != '\0')
			j++;
		out[o++] = src[j++];
	}
	if (src[j] != '"')
		return -1;
	*i = j + 1;
	*key = out;
	*len = o;
	return 0;
}

int
lt_jpath_compile(struct lt_arena *a, const char *src, struct lt_jpath *p,
    int *err_col, struct lt_err *err)
{
	size_t i = 0, n = 0, cap = 4;
	struct lt_jpath_seg *segs;

	memset(p, 0, sizeof(*p));
	if (src[0] != '.')
		return jp_err(err_col, 0, err,
		    "expected a JSON path starting with '.', as in .a.b[0]");
	segs = lt_arena_alloc(a, cap * sizeof(*segs));
	p->src = lt_arena_strdup(a, src);
	if (segs == NULL || p->src == NULL)
		return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	if (strcmp(src, ".") == 0) {
		p->segs = segs;
		return 0;
	}
	while (src[i] != '\0') {
		struct lt_jpath_seg *sg;

		if (n == cap) {
			struct lt_jpath_seg *ns;

			ns = lt_arena_alloc(a, cap * 2 * sizeof(*ns));
			if (ns == NULL)
				return lt_err_set(
				    err, LT_EXIT_RUNTIME, "out of memory");
			memcpy(ns, segs, n * sizeof(*ns));
			segs = ns;
			cap *= 2;
		}
		sg = &segs[n];
		memset(sg, 0, sizeof(*sg));
		if (src[i] == '.' && src[i + 1] == '[') {
			i++;
			continue;
		}
		if (src[i] == '.' && src[i + 1] == '"') {
			i++;
			if (jp_quoted(a, src, &i, &sg->key, &sg->key_len))
				return jp_err(err_col, i, err,
				    "expected a closing '\"' in the JSON path");
			n++;
			continue;
		}
		if (src[i] == '.') {
			size_t s = ++i;

			while (key_char((unsigned char)src[i]))
				i++;
			if (i == s)
				return jp_err(err_col, s, err,
				    "expected a key or [index] after '.' in "
				    "the JSON path");
			sg->key = lt_arena_strndup(a, src + s, i - s);
			if (sg->key == NULL)
				return lt_err_set(
				    err, LT_EXIT_RUNTIME, "out of memory");
			sg->key_len = i - s;
			n++;
			continue;
		}
		if (src[i] == '[') {
			char *end;
			long v;

			if (src[i + 1] == '"') {
				i++;
				if (jp_quoted(
				        a, src, &i, &sg->key, &sg->key_len) ||
				    src[i] != ']')
					return jp_err(err_col, i, err,
					    "expected [\"key\"] in the JSON "
					    "path");
				i++;
				n++;
				continue;
			}
			errno = 0;
			v = strtol(src + i + 1, &end, 10);
			if (end == src + i + 1 || *end != ']' || errno != 0)
				return jp_err(err_col, i + 1, err,
				    "expected an integer index and ']' in the "
				    "JSON path");
			sg->index = v;
			i = (size_t)(end - src) + 1;
			n++;
			continue;
		}
		return jp_err(
		    err_col, i, err, "expected '.' or '[' in the JSON path");
	}
	p->segs = segs;
	p->nsegs = n;
	return 0;
}

json_t *
chk_jp_eval(const struct lt_jpath *p, json_t *root)
{
	json_t *v = root;
	size_t i;

	for (i = 0; i < p->nsegs && v != NULL; i++) {
		const struct lt_jpath_seg *sg = &p->segs[i];

		if (sg->key != NULL) {
			v = json_is_object(v)
			    ? json_object_getn(v, sg->key, sg->key_len)
			    : NULL;
		} else if (json_is_array(v)) {
			long idx = sg->index;
			long sz = (long)json_array_size(v);

			if (idx < 0)
				idx += sz;
			v = idx >= 0 && idx < sz
			    ? json_array_get(v, (size_t)idx)
			    : NULL;
		} else {
			v = NULL;
		}
	}
	return v;
}
