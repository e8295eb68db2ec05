/*
 * mddoc.h - the document API the report is written through.
 *
 * A document is Markdown text; in html mode tables and other HTML blocks,
 * which cmark cannot express, are kept aside and the text holds a
 * placeholder paragraph for each (html.c splices them in after cmark).
 * The section writers (md.c, mdsec.c) use only this API, so one builder
 * writes both report.md and the page.
 */
#ifndef LT_MDDOC_H
#define LT_MDDOC_H

#include <stddef.h>

#include "core/buf.h"

/* Cell flags. */
#define LT_MD_NUM     1 /* a number: right-aligned */
#define LT_MD_WORSE   2 /* a regression beyond the tolerance */
#define LT_MD_BETTER  4 /* an improvement beyond it */
#define LT_MD_PASS    8
#define LT_MD_FAIL    16
#define LT_MD_ROWHEAD 32 /* <th scope="row"> */

struct lt_md {
	int html;         /* 1: pieces for the HTML page; 0: Markdown */
	struct lt_buf md; /* Markdown text (placeholders in html mode) */
	char **blocks;    /* html mode: HTML for placeholder i */
	size_t n_blocks, cap_blocks;
	struct lt_buf tbl;  /* the table being built */
	struct lt_buf cell; /* scratch: one cell's text */
	int ncols, col;
	int failed; /* out of memory somewhere: the result is void */
};

void lt_md_init(struct lt_md *d, int html);
void lt_md_fini(struct lt_md *d);

/* Appends printf-formatted Markdown (the caller escapes what it inserts). */
void lt_md_text(struct lt_md *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends s with Markdown's special characters backslash-escaped. */
void lt_md_esc(struct lt_md *d, const char *s);

/* html mode: a paragraph placeholder for an HTML block (owned copy). */
void lt_md_block(struct lt_md *d, const char *html);

/*
 * Tables: begin with a caption and ncols header texts (plain text, escaped
 * here; a header starting with '>' is a number column, the '>' dropped),
 * then cells row by row (lt_md_cell, lt_md_row_end), then end.  id is
 * the HTML id; a table whose id ends in "+" has a totals row last (shown
 * in bold), the "+" not being part of the id.
 */
void lt_md_table(struct lt_md *d, const char *id, const char *caption,
    int ncols, const char *const *heads);
void lt_md_cell(struct lt_md *d, int flags, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void lt_md_row_end(struct lt_md *d);
void lt_md_table_end(struct lt_md *d);

/*
 * Formats ms the way every table and the summary show it (about four
 * significant digits: 0.148, 1.70, 18.4, 184.0) into s; returns s.
 */
const char *lt_md_ms(char *s, size_t cap, double ms);

#endif
