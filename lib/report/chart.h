/*
 * chart.h - gnuplot scripts for the report's charts.
 *
 * Each script is self-contained: the data travel inside it as datablocks
 * ($name << EOD), so gnuplot reads nothing but its stdin (plot.c).  SVG
 * terminal in "dynamic" size (a viewBox that scales with the page) and
 * "noenhanced" text, so that endpoint names with _ ^ { } stay literal.
 */
#ifndef LT_CHART_H
#define LT_CHART_H

#include "core/buf.h"
#include "report/md.h"
#include "report/report.h"

extern const char *const lt_chart_id[LT_CHART_N]; /* "rps", ... */
extern const char *const lt_chart_title[LT_CHART_N];

/*
 * Appends the gnuplot script of chart kind for r (with base, the baseline
 * run, overlaid when not NULL) to gp.  Returns 0; 1 when r has nothing to
 * draw in that chart (no script written); -1 when memory runs out.
 */
int lt_chart_script(struct lt_buf *gp, int kind, const struct lt_report *r,
    const struct lt_report *base);

#endif
