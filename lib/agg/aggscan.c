/*
 * aggscan.c - finding the members of an aggregate's text; see aggscan.h.
 */
#include <stdlib.h>
#include <string.h>

#include "agg/aggscan.h"

size_t
lt_elems_n(const struct lt_elems *e)
{
	return e->arr ? json_array_size(e->arr) : e->n;
}

/* Element i, a new reference (json_decref it); NULL: syntax (streamed). */
json_t *
lt_elems_get(const struct lt_elems *e, size_t i)
{
	if (e->arr)
		return json_incref(json_array_get(e->arr, i));
	return json_loadb(e->text + e->span[2 * i],
	    e->span[2 * i + 1] - e->span[2 * i], JSON_ALLOW_NUL, NULL);
}

/*
 * The streamed path.  A 1-hour aggregate is ~10 MB of JSON, most of it
 * [index,count] pairs; as one jansson DOM that is ~20 bytes of heap per
 * byte of text (190 MB), and building and freeing it is most of the time.
 * Here a small scanner splits the top-level object into members without
 * parsing them; "endpoints" and "timeline" are kept as spans of their
 * elements, parsed one at a time later, and every other member is parsed
 * into a small root.  The scanner only finds boundaries: jansson still
 * validates every byte (each span must parse exactly).  Anything unusual
 * (a syntax error, a repeated streamed member) makes the caller parse the
 * whole document instead, so messages and results are the same.
 */
static size_t
lt_scan_ws(const char *p, size_t i, size_t n)
{
	while (i < n &&
	    (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
		i++;
	return i;
}

/* End of the JSON value starting at p[i] (not validated), or 0. */
static size_t
lt_scan_skip(const char *p, size_t i, size_t n)
{
	size_t depth = 0;

	for (; i < n; i++) {
		char c = p[i];

		if (c == '"') {
			for (i++; i < n && p[i] != '"'; i++)
				if (p[i] == '\\')
					i++;
			if (i >= n)
				return 0;
			if (depth == 0)
				return i + 1;
		} else if (c == '[' || c == '{') {
			/* deep nesting: let the whole parse apply its limit */
			if (++depth > 1000)
				return 0;
		} else if (c == ']' || c == '}') {
			if (depth == 0)
				return 0;
			if (--depth == 0)
				return i + 1;
		} else if (depth == 0) {
			while (i < n && p[i] != ',' && p[i] != ']' &&
			    p[i] != '}' && p[i] != ' ' && p[i] != '\t' &&
			    p[i] != '\n' && p[i] != '\r')
				i++;
			return i;
		}
	}
	return 0;
}

/* Spans of the elements of the array at p[i]; the end, or 0. */
static size_t
lt_scan_array(const char *p, size_t i, size_t n, struct lt_elems *e)
{
	size_t alloc = 0;

	i = lt_scan_ws(p, i + 1, n);
	if (i < n && p[i] == ']')
		return i + 1;
	for (;;) {
		size_t end = lt_scan_skip(p, i, n);

		if (end == 0)
			return 0;
		if (e->n * 2 + 2 > alloc) {
			size_t *t;

			alloc = alloc ? alloc * 2 : 256;
			t = realloc(e->span, alloc * sizeof(*t));
			if (t == NULL)
				return 0;
			e->span = t;
		}
		e->span[e->n * 2] = i;
		e->span[e->n * 2 + 1] = end;
		e->n++;
		i = lt_scan_ws(p, end, n);
		if (i < n && p[i] == ']')
			return i + 1;
		if (i >= n || p[i] != ',')
			return 0;
		i = lt_scan_ws(p, i + 1, n);
	}
}

/* Splits text into root (all members but eps and tl) and spans: 0 or -1. */
int
lt_scan_doc(const char *p, size_t n, json_t *root, struct lt_elems *eps,
    struct lt_elems *tl)
{
	size_t i = lt_scan_ws(p, 0, n);

	if (i >= n || p[i] != '{')
		return -1;
	i = lt_scan_ws(p, i + 1, n);
	if (i < n && p[i] == '}')
		return lt_scan_ws(p, i + 1, n) == n ? 0 : -1;
	for (;;) {
		size_t kend, vend;
		json_t *key, *v;
		const char *k;
		struct lt_elems *e = NULL;
		int rc;

		if (i >= n || p[i] != '"' ||
		    (kend = lt_scan_skip(p, i, n)) == 0)
			return -1;
		key = json_loadb(p + i, kend - i, JSON_DECODE_ANY, NULL);
		if (key == NULL || !json_is_string(key) ||
		    strlen(json_string_value(key)) != json_string_length(key)) {
			json_decref(key);
			return -1;
		}
		k = json_string_value(key);
		i = lt_scan_ws(p, kend, n);
		if (i >= n || p[i] != ':') {
			json_decref(key);
			return -1;
		}
		i = lt_scan_ws(p, i + 1, n);
		if (strcmp(k, "endpoints") == 0)
			e = eps;
		else if (strcmp(k, "timeline") == 0)
			e = tl;
		if (e &&
		    (e->present || json_object_get(root, k) || i >= n ||
		        p[i] != '[')) {
			json_decref(key); /* repeated, or not an array */
			return -1;
		}
		if (e) {
			e->present = 1;
			e->text = p;
			vend = lt_scan_array(p, i, n, e);
			rc = vend ? 0 : -1;
		} else {
			vend = lt_scan_skip(p, i, n);
			v = vend ? json_loadb(p + i, vend - i,
			               JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL)
			         : NULL;
			rc = v ? json_object_set_new(root, k, v) : -1;
		}
		json_decref(key);
		if (rc == -1)
			return -1;
		i = lt_scan_ws(p, vend, n);
		if (i < n && p[i] == '}')
			return lt_scan_ws(p, i + 1, n) == n ? 0 : -1;
		if (i >= n || p[i] != ',')
			return -1;
		i = lt_scan_ws(p, i + 1, n);
	}
}
