/*
 * chart.c - gnuplot scripts for the report's charts; see chart.h.
 * Timelines are drawn against seconds since the run's first second, so
 * a baseline run overlays the new one whenever it ran.  Long timelines
 * are averaged into at most MAX_POINTS points per series (apis.md 4:
 * SVG size grows with points).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/chart.h"
#include "report/esc.h"

#define MAX_POINTS 1500

const char *const lt_chart_id[LT_CHART_N] = { "rps", "users", "latency", "dist",
	"endpoints", "eptime" };
const char *const lt_chart_title[LT_CHART_N] = {
	"Requests and failures per second",
	"Users over time",
	"Response time percentiles over time",
	"Response time percentile distribution",
	"Response time percentiles per endpoint",
	"p95 response time per endpoint over time",
};

#define C_BLUE   "#1f77b4"
#define C_ORANGE "#ff7f0e"
#define C_RED    "#d62728"
#define C_GREEN  "#2ca02c"
#define C_PURPLE "#9467bd"
#define C_GREY   "#7f7f7f"

static int
preamble(struct lt_buf *b, int kind, int width, int height)
{
	int rc = lt_buf_printf(b,
	    "set terminal svg dynamic noenhanced size %d,%d "
	    "font \"sans,11\" background \"#ffffff\"\n"
	    "set output\nset encoding utf8\n"
	    "set border 3 lc rgb \"#444444\"\nset tics nomirror\n"
	    "set grid lc rgb \"#dddddd\"\n"
	    "set key top left box lc rgb \"#cccccc\"\n"
	    "set datafile missing \"?\"\n",
	    width, height);

	(void)kind; /* the title is the figure's caption and SVG <title> */
	return rc;
}

/*
 * Latencies spanning two decades or more (p50 0.14 ms, p99 50 ms) get a
 * log y axis: on a linear one the fast part is a flat line at zero.
 * lo is the smallest positive value drawn, hi the largest.
 */
static int
want_log(double lo, double hi)
{
	return lo > 0 && hi / lo >= 100;
}

/* "set logscale y" with the axis starting at the decade below lo. */
static int
log_y(struct lt_buf *b, double lo)
{
	return lt_buf_printf(b, "set logscale y\nset yrange [%g:*]\n",
	    pow(10, floor(log10(lo))));
}

/* A latency column: "?" (missing) where a log axis cannot show it. */
static int
ms_col(struct lt_buf *b, double ms, int logy)
{
	if (logy && ms <= 0)
		return lt_buf_adds(b, "? ");
	return lt_buf_printf(b, "%.3f ", ms);
}

/* One point of a timeline series, averaged over `step` seconds. */
struct tl {
	double x, req, fail, users, p50, p95, p99, co99, drop;
};

/*
 * The part of second t within the run's span, 0..1; 1 when the span is
 * unknown.  The first and last seconds of a run are partial.
 */
static double
coverage(const struct lt_report *r, int64_t t)
{
	double lo = (double)t, hi = lo + 1;

	if (r->end <= r->start)
		return 1;
	if (r->start > lo)
		lo = r->start;
	if (r->end < hi)
		hi = r->end;
	return hi > lo ? hi - lo : 0;
}

/*
 * Walks r's timeline second by second (gaps count as zero requests and
 * unknown latency) into at most MAX_POINTS averaged points, appending
 * "x req fail users p50 p95 p99 co99 dropped" rows to b.
 */
static int
timeline_block(
    struct lt_buf *b, const char *name, const struct lt_report *r, int logy)
{
	int64_t t0 = r->secs[0].t, t1 = r->secs[r->n_secs - 1].t, t, step;
	size_t i = 0;
	double users = 0;
	int rc = lt_buf_printf(b, "$%s << EOD\n", name);

	step = (t1 - t0 + 1 + MAX_POINTS - 1) / MAX_POINTS;
	if (step < 1)
		step = 1;
	for (t = t0; t <= t1; t += step) {
		struct tl p = { 0 };
		double n = 0, nl = 0, nc = 0;
		int64_t u;

		for (u = t; u < t + step && u <= t1; u++) {
			n += coverage(r, u);
			if (i >= r->n_secs || r->secs[i].t != u)
				continue;
			const struct lt_rep_sec *s = &r->secs[i++];

			p.req += (double)s->requests;
			p.fail += (double)s->failures;
			p.drop += (double)s->dropped;
			if (s->users >= 0)
				users = (double)s->users;
			if (s->requests > 0) {
				nl++;
				p.p50 += s->p50_ms;
				p.p95 += s->p95_ms;
				p.p99 += s->p99_ms;
			}
			if (s->has_co && s->requests > 0) {
				nc++;
				p.co99 += s->co_p99_ms;
			}
		}
		/*
		 * Rates over the covered part of the window: a last half
		 * second is no dip (QA F32b); under half a second is too
		 * little to tell a rate.
		 */
		if (n >= 0.5)
			rc |= lt_buf_printf(b, "%lld %.3f %.3f %.0f ",
			    (long long)(t - t0), p.req / n, p.fail / n, users);
		else
			rc |= lt_buf_printf(
			    b, "%lld ? ? %.0f ", (long long)(t - t0), users);
		if (nl > 0) {
			rc |= ms_col(b, p.p50 / nl, logy);
			rc |= ms_col(b, p.p95 / nl, logy);
			rc |= ms_col(b, p.p99 / nl, logy);
		} else {
			rc |= lt_buf_adds(b, "? ? ? ");
		}
		if (nc > 0)
			rc |= ms_col(b, p.co99 / nc, logy);
		else
			rc |= lt_buf_adds(b, "? ");
		if (n >= 0.5)
			rc |= lt_buf_printf(b, "%.3f\n", p.drop / n);
		else
			rc |= lt_buf_adds(b, "?\n");
	}
	return rc | lt_buf_adds(b, "EOD\n");
}

/* Widens [*lo, *hi] by the per-second latencies of r's timeline. */
static void
latency_span(const struct lt_report *r, double *lo, double *hi)
{
	size_t i;

	for (i = 0; r != NULL && i < r->n_secs; i++) {
		const struct lt_rep_sec *s = &r->secs[i];

		if (s->requests == 0)
			continue;
		if (s->p50_ms > 0 && (*lo == 0 || s->p50_ms < *lo))
			*lo = s->p50_ms;
		if (s->p99_ms > *hi)
			*hi = s->p99_ms;
		if (s->has_co && s->co_p99_ms > *hi)
			*hi = s->co_p99_ms;
	}
}

static int
timeline_chart(struct lt_buf *b, int kind, const struct lt_report *r,
    const struct lt_report *base)
{
	int rc = 0, logy = 0;
	int has_base = base != NULL && base->n_secs > 0;
	double lo = 0, hi = 0;
	int64_t span;

	has_base = has_base && lt_report_timeline_ok(base);
	if (kind == LT_CHART_LATENCY) {
		latency_span(r, &lo, &hi);
		if (has_base)
			latency_span(base, &lo, &hi);
		logy = want_log(lo, hi);
	}
	rc |= preamble(b, kind, 640, 300);
	rc |= timeline_block(b, "new", r, logy);
	if (has_base)
		rc |= timeline_block(b, "old", base, logy);
	/* The same x span in the three charts, empty last seconds included. */
	span = r->secs[r->n_secs - 1].t - r->secs[0].t;
	if (has_base && base->secs[base->n_secs - 1].t - base->secs[0].t > span)
		span = base->secs[base->n_secs - 1].t - base->secs[0].t;
	if (span > 0)
		rc |=
		    lt_buf_printf(b, "set xrange [0:%lld]\n", (long long)span);
	rc |= lt_buf_adds(b,
	    "set xlabel \"seconds since start\"\n"
	    "set key outside top center horizontal\n");
	rc |= logy ? log_y(b, lo) : lt_buf_adds(b, "set yrange [0:*]\n");
	switch (kind) {
	case LT_CHART_RPS:
		rc |= lt_buf_adds(b,
		    "set ylabel \"per second\"\n"
		    "plot $new using 1:2 with lines lw 2 lc rgb \"" C_BLUE
		    "\" title \"requests/s\", $new using 1:3 with lines lw 2 "
		    "lc rgb \"" C_RED "\" title \"failures/s\"");
		if (has_base)
			rc |= lt_buf_adds(b,
			    ", $old using 1:2 with lines dt 2 "
			    "lw 2 lc rgb \"" C_GREY "\" title \"baseline "
			    "requests/s\"");
		if (r->dropped > 0)
			rc |= lt_buf_adds(b,
			    ", $new using 1:9 with lines lw 2 dt 3 "
			    "lc rgb \"" C_PURPLE "\" title \"dropped/s\"");
		break;
	case LT_CHART_USERS:
		rc |= lt_buf_adds(b,
		    "set ylabel \"users\"\n"
		    "plot $new using 1:4 with steps lw 2 lc rgb \"" C_GREEN
		    "\" title \"users\"");
		if (has_base)
			rc |= lt_buf_adds(b,
			    ", $old using 1:4 with steps dt 2 "
			    "lw 2 lc rgb \"" C_GREY "\" title \"baseline "
			    "users\"");
		break;
	default:
		rc |= lt_buf_adds(b,
		    logy ? "set ylabel \"ms (log scale)\"\n"
		         : "set ylabel \"ms\"\n");
		rc |= lt_buf_adds(b,
		    "plot $new using 1:5 with lines lw 2 lc rgb \"" C_BLUE
		    "\" title \"p50\", $new using 1:6 with lines lw 2 lc rgb "
		    "\"" C_ORANGE
		    "\" title \"p95\", $new using 1:7 with lines lw 2 "
		    "lc rgb \"" C_RED "\" title \"p99\"");
		if (r->has_co)
			rc |= lt_buf_adds(b,
			    ", $new using 1:8 with lines lw 2 "
			    "dt 3 lc rgb \"" C_PURPLE "\" title \"p99 "
			    "CO-corrected\"");
		if (has_base)
			rc |= lt_buf_adds(b,
			    ", $old using 1:6 with lines dt 2 "
			    "lw 2 lc rgb \"" C_GREY
			    "\" title \"baseline p95\"");
		break;
	}
	return rc | lt_buf_adds(b, "\n");
}

/*
 * A percentile distribution as "x ms" rows, x = 1/(1-q) on a log scale
 * (HdrHistogram's percentile plot), 20 points per decade up to the sample
 * count, then the maximum at x = count (the rank past which no percentile
 * is resolved), so that the curve ends where the summary's "max" does;
 * from the 11 percentiles when the histogram is absent.  Values <= 0 are
 * left out ("?") on a log axis.
 */
static int
dist_block(struct lt_buf *b, const char *name, const struct lt_hist *h,
    const double *pct, int64_t count, int logy)
{
	int rc = lt_buf_printf(b, "$%s << EOD\n", name);
	double x, lim = count < 2 ? 2 : (double)count;
	int i;

	if (lim > 1e7)
		lim = 1e7;
	if (h != NULL && h->count > 0) {
		rc |= lt_buf_adds(b, "1 ");
		rc |= ms_col(b, (double)h->min / 1000.0, logy);
		for (i = 1;; i++) {
			x = pow(10.0, i / 20.0);
			if (x >= lim)
				break;
			rc |= lt_buf_printf(b, "\n%.6g ", x);
			rc |= ms_col(
			    b, lt_rep_pct_ms(h, 100.0 * (1.0 - 1.0 / x)), logy);
		}
		rc |= lt_buf_printf(b, "\n%.6g ", lim);
		rc |= ms_col(b, (double)h->max / 1000.0, logy);
		rc |= lt_buf_adds(b, "\n");
	} else {
		for (i = 0; i < LT_REP_NPCT; i++) {
			x = i < LT_REP_NPCT - 1
			    ? 1.0 / (1.0 - lt_pct_list[i] / 100.0)
			    : lim;
			if (x > lim)
				continue;
			rc |= lt_buf_printf(b, "%.6g ", x);
			rc |= ms_col(b, pct[i], logy);
			rc |= lt_buf_adds(b, "\n");
		}
	}
	return rc | lt_buf_adds(b, "EOD\n");
}

/* Widens [*lo, *hi] by the distribution of e (hist or percentiles). */
static void
dist_span(const struct lt_rep_ep *e, const struct lt_hist *h, const double *pct,
    double *lo, double *hi)
{
	double mn = pct[0], mx = pct[LT_REP_NPCT - 1];

	if (e->requests == 0)
		return;
	if (h != NULL && h->count > 0) {
		mn = (double)h->min / 1000.0;
		mx = (double)h->max / 1000.0;
	}
	/* The curve's first positive point: min, else the median. */
	if (mn <= 0)
		mn = pct[0];
	if (mn > 0 && (*lo == 0 || mn < *lo))
		*lo = mn;
	if (mx > *hi)
		*hi = mx;
}

static int
dist_chart(
    struct lt_buf *b, const struct lt_report *r, const struct lt_report *base)
{
	const struct lt_rep_ep *t = &r->total;
	int has_base = base != NULL && base->total.requests > 0;
	int rc = preamble(b, LT_CHART_DIST, 640, 300), logy;
	double lo = 0, hi = 0;
	char mx[32];

	dist_span(t, t->hist, t->pct_ms, &lo, &hi);
	if (t->has_co)
		dist_span(t, t->co_hist, t->co_pct_ms, &lo, &hi);
	if (has_base)
		dist_span(&base->total, base->total.hist, base->total.pct_ms,
		    &lo, &hi);
	logy = want_log(lo, hi);
	rc |= dist_block(b, "raw", t->hist, t->pct_ms, t->requests, logy);
	if (t->has_co)
		rc |= dist_block(
		    b, "co", t->co_hist, t->co_pct_ms, t->requests, logy);
	if (has_base)
		rc |= dist_block(b, "old", base->total.hist, base->total.pct_ms,
		    base->total.requests, logy);
	rc |= logy ? log_y(b, lo) : lt_buf_adds(b, "set yrange [0:*]\n");
	/* The maximum, marked and labelled as in the summary. */
	if (t->max_ms > 0)
		rc |= lt_buf_printf(b,
		    "set label 1 \"max %s ms\" at %.6g,%.3f right "
		    "offset -0.8,0 point pt 7 ps 0.6 lc rgb \"" C_BLUE "\"\n",
		    lt_md_ms(mx, sizeof(mx), t->max_ms),
		    t->requests < 2         ? 2.0
		        : t->requests > 1e7 ? 1e7
		                            : (double)t->requests,
		    t->max_ms);
	rc |= lt_buf_adds(b,
	    "set logscale x\nset xrange [1:*]\n"
	    "set key outside top center horizontal\n"
	    "set xtics (\"0%%\" 1, \"50%%\" 2, \"90%%\" 10, \"99%%\" 100, "
	    "\"99.9%%\" 1000, \"99.99%%\" 10000, \"99.999%%\" 100000, "
	    "\"99.9999%%\" 1000000)\n"
	    "set xlabel \"percentile\"\n");
	rc |= lt_buf_adds(b,
	    logy ? "set ylabel \"ms (log scale)\"\n" : "set ylabel \"ms\"\n");
	rc |= lt_buf_adds(b,
	    "plot $raw using 1:2 with lines lw 2 lc rgb \"" C_BLUE
	    "\" title \"response time\"");
	if (t->has_co)
		rc |= lt_buf_adds(b,
		    ", $co using 1:2 with lines lw 2 lc rgb \"" C_PURPLE
		    "\" title \"CO-corrected\"");
	if (has_base)
		rc |= lt_buf_adds(b,
		    ", $old using 1:2 with lines dt 2 lw 2 "
		    "lc rgb \"" C_GREY "\" title \"baseline\"");
	return rc | lt_buf_adds(b, "\n");
}

/* The endpoints chart shows at most this many, the busiest. */
#define MAX_BARS 20
/* Longer axis labels are cut (on a UTF-8 character boundary) with "...". */
#define LABEL_MAX 40

static void
shorten(char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return;
	n = max - 3;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	memcpy(s + n, "...", 4);
}

static int
cmp_desc(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x < y) - (x > y);
}

/*
 * The request count of the max-th busiest endpoint: endpoints with fewer
 * requests are left out of a chart (ties may keep a few more out).
 */
static int64_t
top_floor_n(const struct lt_report *r, size_t max)
{
	int64_t *n, f;
	size_t i;

	if (r->n_eps <= max)
		return 0;
	n = malloc(r->n_eps * sizeof(*n));
	if (n == NULL)
		return 0;
	for (i = 0; i < r->n_eps; i++)
		n[i] = r->eps[i].requests;
	qsort(n, r->n_eps, sizeof(*n), cmp_desc);
	f = n[max - 1];
	free(n);
	return f;
}

/* Characters (not bytes) of a UTF-8 string. */
static int
utf8_len(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/*
 * The right margin, in characters, that shows the last x label whole: it
 * is slanted 25 degrees down to the right from its bar, so it reaches
 * about 0.9 of its length right of there (QA F32e).
 */
static int
label_margin(int len)
{
	int m = (int)ceil(0.9 * len) - 4;

	return m < 10 ? 10 : m > 45 ? 45 : m;
}

static int
endpoints_chart(struct lt_buf *b, const struct lt_report *r)
{
	size_t i;
	int rc = preamble(b, LT_CHART_ENDPOINTS, 1000, 360);
	int64_t floor_req = top_floor_n(r, MAX_BARS);
	int shown = 0, last_len = 0;
	double lo = 0, hi = 0;

	rc |= lt_buf_adds(b, "$ep << EOD\n");
	for (i = 0; i < r->n_eps && shown < MAX_BARS; i++) {
		const struct lt_rep_ep *e = &r->eps[i];
		char label[300];

		if (e->requests < floor_req || e->requests == 0)
			continue;
		shown++;
		snprintf(label, sizeof(label), "%s %s", e->method, e->name);
		shorten(label, LABEL_MAX);
		rc |= lt_gp_field(b, label);
		rc |= lt_buf_printf(b, " %.3f %.3f %.3f\n", e->pct_ms[0],
		    e->pct_ms[5], e->pct_ms[7]);
		last_len = utf8_len(label);
		if (e->requests > 0 && e->pct_ms[0] > 0 &&
		    (lo == 0 || e->pct_ms[0] < lo))
			lo = e->pct_ms[0];
		if (e->pct_ms[7] > hi)
			hi = e->pct_ms[7];
	}
	rc |= lt_buf_adds(b, "EOD\n");
	rc |= lt_buf_printf(b, "set rmargin %d\n", label_margin(last_len));
	/*
	 * Latencies of endpoints often differ by orders of magnitude: a log
	 * axis keeps the fast ones visible.  Bars start at the axis floor.
	 */
	if (lo > 0 && hi / lo >= 20)
		rc |= log_y(b, lo) |
		    lt_buf_adds(b, "set ylabel \"ms (log scale)\"\n");
	else
		rc |= lt_buf_adds(b, "set yrange [0:*]\nset ylabel \"ms\"\n");
	rc |= lt_buf_adds(b,
	    "set style data histograms\n"
	    "set style histogram clustered gap 1\n"
	    "set style fill solid 0.85 border -1\n"
	    "set boxwidth 0.9\n"
	    "set xtics rotate by -25 left\nset grid noxtics\n"
	    "set bmargin 7\n"
	    "set key outside top center horizontal\n"
	    "plot $ep using 2:xtic(1) lc rgb \"" C_BLUE "\" title \"p50\", "
	    "'' using 3 lc rgb \"" C_ORANGE "\" title \"p95\", "
	    "'' using 4 lc rgb \"" C_RED "\" title \"p99\"\n");
	return rc;
}

/* The per-endpoint timeline chart draws at most this many endpoints. */
#define MAX_LINES 8

static const char *const line_color[MAX_LINES] = { C_BLUE, C_ORANGE, C_GREEN,
	C_RED, C_PURPLE, "#8c564b", "#e377c2", "#17becf" };

/* The p95 of endpoint e in second s, or -1 when it had no request. */
static double
sec_ep_p95(const struct lt_rep_sec *s, const struct lt_rep_ep *e)
{
	size_t i;

	if (s->src == NULL)
		return -1;
	for (i = 0; i < s->src->n_eps; i++) {
		const struct lt_doc_sec_ep *x = &s->src->eps[i];

		if (x->requests > 0 && strcmp(x->method, e->method) == 0 &&
		    strcmp(x->name, e->name) == 0)
			return (double)x->p95_us / 1000.0;
	}
	return -1;
}

/* One "x p95" datablock: the worst p95 of each window of step seconds. */
static int
eptime_block(struct lt_buf *b, int k, const struct lt_report *r,
    const struct lt_rep_ep *e, int64_t step)
{
	int64_t t0 = r->secs[0].t;
	size_t i = 0;
	char label[300];
	int rc = lt_buf_printf(b, "$e%d << EOD\n", k);

	/* The series title, read by `title columnheader(1)`: data only. */
	snprintf(label, sizeof(label), "%s %s", e->method, e->name);
	shorten(label, LABEL_MAX);
	rc |= lt_gp_field(b, label) | lt_buf_adds(b, " \"p95\"\n");

	while (i < r->n_secs) {
		int64_t w = (r->secs[i].t - t0) / step;
		double worst = -1;

		for (; i < r->n_secs && (r->secs[i].t - t0) / step == w; i++) {
			double v = sec_ep_p95(&r->secs[i], e);

			if (v > worst)
				worst = v;
		}
		if (worst >= 0)
			rc |= lt_buf_printf(
			    b, "%lld %.3f\n", (long long)(w * step), worst);
	}
	return rc | lt_buf_adds(b, "EOD\n");
}

static int
eptime_chart(struct lt_buf *b, const struct lt_report *r)
{
	int64_t t0 = r->secs[0].t, t1 = r->secs[r->n_secs - 1].t, step;
	int64_t floor_req = top_floor_n(r, MAX_LINES);
	const struct lt_rep_ep *shown[MAX_LINES];
	int n = 0, k, rc = preamble(b, LT_CHART_EPTIME, 1000, 340);
	size_t i;

	step = (t1 - t0 + 1 + MAX_POINTS - 1) / MAX_POINTS;
	if (step < 1)
		step = 1;
	for (i = 0; i < r->n_eps && n < MAX_LINES; i++)
		if (r->eps[i].requests > 0 && r->eps[i].requests >= floor_req)
			shown[n++] = &r->eps[i];
	for (k = 0; k < n; k++)
		rc |= eptime_block(b, k, r, shown[k], step);
	rc |= lt_buf_adds(b,
	    "set xlabel \"seconds since start\"\n"
	    "set ylabel \"ms (log scale)\"\nset logscale y\n"
	    "set key outside right top vertical\nplot ");
	for (k = 0; k < n; k++)
		rc |= lt_buf_printf(b,
		    "%s$e%d using 1:2 with linespoints pt 7 "
		    "ps 0.4 lw 2 lc rgb \"%s\" title columnheader(1)",
		    k ? ", " : "", k, line_color[k]);
	return rc | lt_buf_adds(b, "\n");
}

int
lt_chart_script(struct lt_buf *gp, int kind, const struct lt_report *r,
    const struct lt_report *base)
{
	int rc;

	switch (kind) {
	case LT_CHART_RPS:
	case LT_CHART_USERS:
	case LT_CHART_LATENCY:
		if (!lt_report_timeline_ok(r))
			return 1;
		rc = timeline_chart(gp, kind, r, base);
		break;
	case LT_CHART_DIST:
		if (r->total.requests == 0)
			return 1;
		rc = dist_chart(gp, r, base);
		break;
	case LT_CHART_EPTIME:
		if (!r->has_sec_eps || !lt_report_timeline_ok(r) ||
		    r->n_eps == 0)
			return 1;
		rc = eptime_chart(gp, r);
		break;
	default:
		if (r->n_eps == 0 || r->total.requests == 0)
			return 1;
		rc = endpoints_chart(gp, r);
		break;
	}
	return rc ? -1 : 0;
}
