/*
 * html.h - the report as one self-contained HTML page.
 *
 * Inline CSS, inline SVG charts from gnuplot, no script, no external
 * reference of any kind: the page reads the same offline, from a mail
 * attachment or a CI artifact.  Prose is Markdown rendered by cmark (safe
 * mode: raw HTML in user notes is dropped); tables and charts are HTML
 * built by md.c and spliced in after rendering, because cmark has no
 * tables and mangles raw SVG (apis.md 3).
 */
#ifndef LT_HTML_H
#define LT_HTML_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"
#include "report/md.h"
#include "report/report.h"

struct lt_html_opts {
	const char *gnuplot; /* program to run; NULL: no charts */
	int timeout_ms;      /* per chart */
};

/*
 * Appends the page for r to out.  o->chart_html and o->charts_note are
 * filled here (and released before returning).  Charts that cannot be
 * drawn leave the report complete without them: warn (capacity
 * warn_cap) then holds one line saying why (gnuplot missing or failing),
 * otherwise warn is "".  Returns 0, or -1 with err set (out of memory).
 */
int lt_html_render(struct lt_buf *out, const struct lt_report *r,
    struct lt_md_opts *o, const struct lt_html_opts *ho, char *warn,
    size_t warn_cap, struct lt_err *err);

/* The report's stylesheet (lt-report --history uses it too). */
extern const char lt_html_css[];

#endif
