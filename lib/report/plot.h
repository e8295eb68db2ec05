/*
 * plot.h - running gnuplot as a program and splicing its SVG into HTML.
 *
 * gnuplot is driven through pipes only: the script (with the data inside
 * it as datablocks) goes to its stdin, the SVG comes back on its stdout,
 * its stderr is kept for the error message.  No temporary files exist at
 * any point.  The caller must ignore SIGPIPE (lt-report's main does), so
 * that a gnuplot dying early is an error return, not a signal.
 */
#ifndef LT_PLOT_H
#define LT_PLOT_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

/* lt_plot_run's return when the program cannot be found or executed. */
#define LT_PLOT_MISSING (-2)

/*
 * Runs prog (looked up in PATH; "gnuplot" normally) with script[0..len)
 * on its stdin and appends its stdout to svg.  Waits at most timeout_ms.
 * Returns 0; LT_PLOT_MISSING when prog cannot be started; -1 with err
 * set (the first line of gnuplot's stderr) when it fails or times out.
 */
int lt_plot_run(const char *prog, const char *script, size_t len,
    struct lt_buf *svg, int timeout_ms, struct lt_err *err);

/*
 * Appends gnuplot's SVG document svg[0..len) to html as an inline <svg>
 * element: drops the XML prolog and the xmlns attributes (implied in
 * HTML), prefixes every id and every reference to one with "prefix-" so
 * that several charts can share a page, adds role="img" and aria-label,
 * and replaces gnuplot's <title> by title (HTML-escaped here).  Each
 * series' <title> (gnuplot writes "gnuplot_plot_N", the tooltip of its
 * lines) becomes the N-th line of series ('\n'-ended titles; NULL: none),
 * HTML-escaped.  Returns 0, or -1 when svg holds no <svg element or
 * memory runs out.
 */
int lt_plot_splice(struct lt_buf *html, const char *svg, size_t len,
    const char *prefix, const char *title, const char *series);

#endif
