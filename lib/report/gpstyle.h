/*
 * gpstyle.h - how every chart of the report page is drawn and framed, so
 * that its text is readable at any page width: the gnuplot terminal and
 * common settings, and the <figure> around the SVG.
 *
 * Charts are drawn for the width they are shown at: the half-width ones
 * LT_CHART_W_HALF units wide, the full-width ones LT_CHART_W_FULL, both
 * with LT_CHART_FONT-unit text, and the page (html.c's style sheet) never
 * shows a chart narrower than LT_CHART_MIN_PX(width) CSS pixels (it
 * scrolls in its frame instead), so that no chart text is smaller than
 * 11 CSS px at any page width.
 */
#ifndef LT_GPSTYLE_H
#define LT_GPSTYLE_H

#include "core/buf.h"

#define LT_CHART_W_HALF 540
#define LT_CHART_W_FULL 1000
#define LT_CHART_FONT   17
/* The narrowest a chart of width w is shown: its text at 11 CSS px. */
#define LT_CHART_MIN_PX(w) (((w)*11 + LT_CHART_FONT - 1) / LT_CHART_FONT)

/*
 * The terminal and the common settings, for a chart width x height: the
 * legend (key) draws each colour sample before its label.  0 or -1.
 */
int lt_chart_preamble(struct lt_buf *b, int width, int height);

/*
 * Opens the figure of chart id (full: spanning the page's chart grid)
 * and its scrolling frame; the SVG goes next, then lt_chart_fig_close
 * with the caption (escaped there).  0 or -1.
 */
int lt_chart_fig_open(struct lt_buf *b, const char *id, int full);
int lt_chart_fig_close(struct lt_buf *b, const char *caption);

#endif
