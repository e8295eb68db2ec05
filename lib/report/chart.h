/*
 * chart.h - gnuplot scripts for the report's charts.
 *
 * Each script is self-contained: the data travel inside it as datablocks
 * ($name << EOD), so gnuplot reads nothing but its stdin (plot.c).  SVG
 * terminal in "dynamic" size (a viewBox that scales with the page) and
 * "noenhanced" text, so that endpoint names with _ ^ { } stay literal.
 * Text from the aggregate enters a script only as datablock fields
 * (esc.h); series named by it take `title columnheader(1)`.
 *
 * Sizes and fonts: gpstyle.h.
 * Every time chart spans the same x range: the run's seconds.
 */
#ifndef LT_CHART_H
#define LT_CHART_H

#include "core/buf.h"
#include "report/gpstyle.h"
#include "report/md.h"
#include "report/report.h"

extern const char *const lt_chart_id[LT_CHART_N]; /* "rps", ... */
extern const char *const lt_chart_title[LT_CHART_N];
extern const int lt_chart_full[LT_CHART_N]; /* 1: full width */

/* One chart: its script, the titles of its series and its caption. */
struct lt_chart {
	struct lt_buf gp;     /* the gnuplot script */
	struct lt_buf series; /* series titles in plot order, '\n'-ended */
	char caption[256];    /* the figure caption (no outside text) */
	/* per r->eps[i]: shown like an endpoint with failures (regressed) */
	const unsigned char *flag; /* NULL: none; the caller's */
};

void lt_chart_init(struct lt_chart *c);
void lt_chart_fini(struct lt_chart *c);

/*
 * Writes chart kind for r (with base, the baseline run, overlaid when not
 * NULL) into c (reset first).  Returns 0; 1 when r has nothing to draw in
 * that chart (no script written); -1 when memory runs out.
 */
int lt_chart_make(struct lt_chart *c, int kind, const struct lt_report *r,
    const struct lt_report *base);

/* lt_chart_make's script alone, appended to gp (tests, fuzzing). */
int lt_chart_script(struct lt_buf *gp, int kind, const struct lt_report *r,
    const struct lt_report *base);

/* ---- shared by chart.c and chartep.c ---- */

/* "set logscale y" with the axis starting at the decade below lo. */
int lt_chart_log_y(struct lt_buf *b, double lo);

/* The run's time axis: "set xrange [0:span]" in seconds since start. */
int lt_chart_time_axis(
    struct lt_buf *b, const struct lt_report *r, const struct lt_report *base);

/* Records one series title (text from anywhere: escaped when shown). */
int lt_chart_series(struct lt_chart *c, const char *title);

/* Cuts s to at most max bytes on a UTF-8 boundary, ending in "...". */
void lt_chart_shorten(char *s, size_t max);

/*
 * The response time histogram of h, with bh (NULL: none) as an outline;
 * h holds at least one value.  0 or -1.
 */
int lt_chart_hist(
    struct lt_chart *c, const struct lt_hist *h, const struct lt_hist *bh);

/*
 * The charts of one endpoint's own section: its histogram, and its p50,
 * p95 and p99 with its requests per second over time (needs per-endpoint
 * timelines).  Reset c first.  0; 1 when there is nothing to draw; -1.
 */
int lt_chart_ep_hist(struct lt_chart *c, const struct lt_rep_ep *e);
int lt_chart_ep_time(
    struct lt_chart *c, const struct lt_report *r, const struct lt_rep_ep *e);

/* The scripts of the per-endpoint charts (chartep.c). */
int lt_chart_endpoints(struct lt_chart *c, const struct lt_report *r);
int lt_chart_eptime(struct lt_chart *c, const struct lt_report *r,
    const struct lt_report *base);

#endif
