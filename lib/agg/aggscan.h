/*
 * aggscan.h - splitting an aggregate's text into its top-level members
 * without parsing them, so that "endpoints" and "timeline" are parsed one
 * element at a time (aggread.c, the streamed path).
 */
#ifndef LT_AGGSCAN_H
#define LT_AGGSCAN_H

#include <stddef.h>

#include <jansson.h>

/*
 * The elements of "endpoints" or "timeline": a parsed array (the whole
 * document was parsed), or spans of the text to parse one at a time (the
 * streamed path of lt_aggdoc_parse), so that only one element's DOM lives
 * at a time.
 */
struct lt_elems {
	const json_t *arr; /* or NULL: spans */
	const char *text;
	size_t *span; /* 2 per element: start, end */
	size_t n;
	int present; /* the member was seen (streamed path) */
};

/* Number of elements. */
size_t lt_elems_n(const struct lt_elems *e);

/* Element i, a new reference (json_decref it); NULL: syntax (streamed). */
json_t *lt_elems_get(const struct lt_elems *e, size_t i);

/*
 * Splits text into root (all members but "endpoints" and "timeline") and
 * the spans of those two arrays' elements: 0, or -1 for anything unusual
 * (the caller then parses the whole text).
 */
int lt_scan_doc(const char *p, size_t n, json_t *root, struct lt_elems *eps,
    struct lt_elems *tl);

#endif
