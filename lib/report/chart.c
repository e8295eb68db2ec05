/*
 * chart.c - gnuplot scripts for the report's run-wide charts and what
 * all charts share; see chart.h.  Timelines are drawn against seconds
 * since the run's first second, so a baseline run overlays the new one
 * whenever it ran.  Long timelines are averaged into at most MAX_POINTS
 * points per series (apis.md 4: SVG size grows with points).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/chart.h"
#include "report/esc.h"

#define MAX_POINTS 1500

const char *const lt_chart_id[LT_CHART_N] = { "rps", "users", "latency", "dist",
	"hist", "endpoints", "eptime" };
const char *const lt_chart_title[LT_CHART_N] = {
	"Requests and failures per second",
	"Users over time",
	"Response time percentiles and active users over time",
	"Response time percentile distribution",
	"Response time distribution (share of requests)",
	"Response time percentiles per endpoint",
	"p95 response time per endpoint over time",
};
const int lt_chart_full[LT_CHART_N] = { 0, 0, 1, 0, 0, 1, 1 };

#define C_BLUE   "#1f77b4"
#define C_ORANGE "#ff7f0e"
#define C_RED    "#d62728"
#define C_GREEN  "#2ca02c"
#define C_PURPLE "#9467bd"
#define C_GREY   "#7f7f7f"

void
lt_chart_init(struct lt_chart *c)
{
	lt_buf_init(&c->gp, 0);
	lt_buf_init(&c->series, 0);
	c->caption[0] = '\0';
	c->flag = NULL;
}

void
lt_chart_fini(struct lt_chart *c)
{
	lt_buf_fini(&c->gp);
	lt_buf_fini(&c->series);
}

int
lt_chart_series(struct lt_chart *c, const char *title)
{
	int rc = 0;

	for (; *title != '\0'; title++)
		rc |= lt_buf_addc(&c->series,
		    *title == '\n' || *title == '\r' ? ' ' : *title);
	rc |= lt_buf_addc(&c->series, '\n');
	return rc;
}

int
lt_chart_time_axis(
    struct lt_buf *b, const struct lt_report *r, const struct lt_report *base)
{
	int64_t span = r->secs[r->n_secs - 1].t - r->secs[0].t;

	if (base != NULL && base->n_secs > 0 && lt_report_timeline_ok(base) &&
	    base->secs[base->n_secs - 1].t - base->secs[0].t > span)
		span = base->secs[base->n_secs - 1].t - base->secs[0].t;
	if (span < 1)
		span = 1;
	return lt_buf_printf(b,
	    "set xrange [0:%lld]\nset xlabel \"seconds since start\"\n",
	    (long long)span);
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

int
lt_chart_log_y(struct lt_buf *b, double lo)
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
timeline_block(struct lt_buf *b, const char *name, const struct lt_report *r,
    int logy, int *n_rate, int *n_lat)
{
	int64_t t0 = r->secs[0].t, t1 = r->secs[r->n_secs - 1].t, t, step;
	size_t i = 0;
	double users = 0;
	int rc = lt_buf_printf(b, "$%s << EOD\n", name);
	/*
	 * A run of half a second to a second may cover under half of each
	 * second it touches: then every covered part counts, or the chart
	 * would have no rate at all (under half a second is too little).
	 */
	double span = r->end - r->start;
	double need = span >= 0.5 && span < 1 ? 1e-6 : 0.5;

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
		*n_rate += n >= need;
		*n_lat += nl > 0 && (!logy || p.p99 > 0);
		if (n >= need)
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
		if (n >= need)
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

/* Appends ", " before every plot element but the first. */
static int
sep(struct lt_buf *b, int *n)
{
	return (*n)++ ? lt_buf_adds(b, ", ") : 0;
}

/* One plot element with a fixed title (no outside text). */
static int
elem(struct lt_chart *c, int *n, const char *spec, const char *title)
{
	int rc = sep(&c->gp, n);

	rc |= lt_buf_printf(&c->gp, "%s title \"%s\"", spec, title);
	return rc | lt_chart_series(c, title);
}

static int
timeline_chart(struct lt_chart *c, int kind, const struct lt_report *r,
    const struct lt_report *base)
{
	struct lt_buf *b = &c->gp;
	int rc = 0, logy = 0, n = 0, n_rate = 0, n_lat = 0, ob_rate = 0;
	int ob_lat = 0, has_base = base != NULL && base->n_secs > 0;
	double lo = 0, hi = 0;

	has_base = has_base && lt_report_timeline_ok(base);
	if (kind == LT_CHART_LATENCY) {
		latency_span(r, &lo, &hi);
		if (has_base)
			latency_span(base, &lo, &hi);
		logy = want_log(lo, hi);
	}
	rc |= kind == LT_CHART_LATENCY
	    ? lt_chart_preamble(b, LT_CHART_W_FULL, 420)
	    : lt_chart_preamble(b, LT_CHART_W_HALF, 380);
	rc |= timeline_block(b, "new", r, logy, &n_rate, &n_lat);
	if (has_base)
		rc |= timeline_block(b, "old", base, logy, &ob_rate, &ob_lat);
	/*
	 * A run with no covered part has no rate to draw, one without a
	 * latency no percentile: gnuplot refuses a plot with no point.
	 */
	if ((kind == LT_CHART_RPS && n_rate == 0) ||
	    (kind == LT_CHART_LATENCY && n_lat == 0))
		return rc ? -1 : 1;
	/* The same x span in every time chart, empty last seconds included. */
	rc |= lt_chart_time_axis(b, r, has_base ? base : NULL);
	rc |= lt_buf_adds(b,
	    kind == LT_CHART_LATENCY
	        ? "set key outside top center horizontal\n"
	        : "set key outside top center horizontal maxcols 2\n");
	rc |=
	    logy ? lt_chart_log_y(b, lo) : lt_buf_adds(b, "set yrange [0:*]\n");
	switch (kind) {
	case LT_CHART_RPS:
		rc |= lt_buf_adds(b, "set ylabel \"per second\"\nplot ");
		rc |= elem(c, &n,
		    "$new using 1:2 with lines lw 2 lc rgb \"" C_BLUE "\"",
		    "requests/s");
		rc |= elem(c, &n,
		    "$new using 1:3 with lines lw 2 lc rgb \"" C_RED "\"",
		    "failures/s");
		if (has_base)
			rc |= elem(c, &n,
			    "$old using 1:2 with lines dt 2 lw 2 lc rgb "
			    "\"" C_GREY "\"",
			    "baseline requests/s");
		if (r->dropped > 0)
			rc |= elem(c, &n,
			    "$new using 1:9 with lines lw 2 dt 3 lc rgb "
			    "\"" C_PURPLE "\"",
			    "dropped/s");
		break;
	case LT_CHART_USERS:
		rc |= lt_buf_adds(b, "set ylabel \"users\"\nplot ");
		rc |= elem(c, &n,
		    "$new using 1:4 with steps lw 2 lc rgb \"" C_GREEN "\"",
		    "users");
		if (has_base)
			rc |= elem(c, &n,
			    "$old using 1:4 with steps dt 2 lw 2 lc rgb "
			    "\"" C_GREY "\"",
			    "baseline users");
		break;
	default:
		/* Active users on the right axis, as Gatling draws them. */
		rc |= lt_buf_adds(b,
		    logy ? "set ylabel \"ms (log scale)\"\n"
		         : "set ylabel \"ms\"\n");
		rc |= lt_buf_adds(b,
		    "set y2label \"users\"\nset y2tics\nset y2range [0:*]\n"
		    "plot ");
		rc |= elem(c, &n,
		    "$new using 1:5 with lines lw 2 lc rgb \"" C_BLUE "\"",
		    "p50");
		rc |= elem(c, &n,
		    "$new using 1:6 with lines lw 2 lc rgb \"" C_ORANGE "\"",
		    "p95");
		rc |= elem(c, &n,
		    "$new using 1:7 with lines lw 2 lc rgb \"" C_RED "\"",
		    "p99");
		if (r->has_co)
			rc |= elem(c, &n,
			    "$new using 1:8 with lines lw 2 dt 3 lc rgb "
			    "\"" C_PURPLE "\"",
			    "p99 CO-corrected");
		if (has_base)
			rc |= elem(c, &n,
			    "$old using 1:6 with lines dt 2 lw 2 lc rgb "
			    "\"" C_GREY "\"",
			    "baseline p95");
		rc |= elem(c, &n,
		    "$new using 1:4 axes x1y2 with steps lw 1 lc rgb "
		    "\"" C_GREEN "\"",
		    "users (right)");
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
    struct lt_chart *c, const struct lt_report *r, const struct lt_report *base)
{
	struct lt_buf *b = &c->gp;
	const struct lt_rep_ep *t = &r->total;
	int has_base = base != NULL && base->total.requests > 0;
	int rc = lt_chart_preamble(b, LT_CHART_W_HALF, 380), logy, n = 0;
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
	rc |=
	    logy ? lt_chart_log_y(b, lo) : lt_buf_adds(b, "set yrange [0:*]\n");
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
	rc |= lt_buf_adds(b, "plot ");
	rc |=
	    elem(c, &n, "$raw using 1:2 with lines lw 2 lc rgb \"" C_BLUE "\"",
	        "response time");
	if (t->has_co)
		rc |= elem(c, &n,
		    "$co using 1:2 with lines lw 2 lc rgb \"" C_PURPLE "\"",
		    "CO-corrected");
	if (has_base)
		rc |= elem(c, &n,
		    "$old using 1:2 with lines dt 2 lw 2 lc rgb \"" C_GREY "\"",
		    "baseline");
	return rc | lt_buf_adds(b, "\n");
}

/*
 * The histogram: the share of requests per response-time bin, 10 bins a
 * decade on a log x axis (ms), from the run's histogram; the baseline's
 * as an outline.  Bin k spans [10^(k/10), 10^((k+1)/10)) ms.
 */
static int
hist_block(
    struct lt_buf *b, const char *name, const struct lt_hist *h, int k0, int k1)
{
	int rc = lt_buf_printf(b, "$%s << EOD\n", name), k;
	size_t i = 0;

	for (k = k0; k <= k1; k++) {
		double hi_us = 1000.0 * pow(10.0, (k + 1) / 10.0);
		int64_t n = 0;

		for (; i < h->counts_len; i++) {
			if (h->counts[i] == 0)
				continue;
			if ((double)lt_hist_value_at(h, i) >= hi_us && k < k1)
				break;
			n += h->counts[i];
		}
		rc |= lt_buf_printf(b, "%.6g %.6g %.4f\n", pow(10.0, k / 10.0),
		    pow(10.0, (k + 1) / 10.0),
		    100.0 * (double)n / (double)h->count);
	}
	return rc | lt_buf_adds(b, "EOD\n");
}

/*
 * The bin of value us of h: that of its slot's lowest value, as
 * hist_block counts it (values under 1 us fall in the first bin).
 */
static int
hist_bin(const struct lt_hist *h, int64_t us)
{
	double ms;

	us = lt_hist_value_at(h, lt_hist_index(h, us));
	ms = (double)(us < 1 ? 1 : us) / 1000.0;
	return (int)floor(10.0 * log10(ms));
}

int
lt_chart_hist(
    struct lt_chart *c, const struct lt_hist *h, const struct lt_hist *bh)
{
	struct lt_buf *b = &c->gp;
	int rc, n = 0, k0, k1;

	if (bh != NULL && (bh->count == 0 || bh->sig != h->sig))
		bh = NULL;
	k0 = hist_bin(h, h->min);
	k1 = hist_bin(h, h->max);
	if (bh != NULL) {
		if (hist_bin(bh, bh->min) < k0)
			k0 = hist_bin(bh, bh->min);
		if (hist_bin(bh, bh->max) > k1)
			k1 = hist_bin(bh, bh->max);
	}
	if (k1 < k0) /* a document with min > max */
		k1 = k0;
	rc = lt_chart_preamble(b, LT_CHART_W_HALF, 380);
	rc |= hist_block(b, "h", h, k0, k1);
	if (bh != NULL)
		rc |= hist_block(b, "o", bh, k0, k1);
	rc |= lt_buf_printf(b,
	    "set logscale x\nset xrange [%.6g:%.6g]\nset yrange [0:*]\n"
	    "set xlabel \"response time, ms (log scale)\"\n"
	    "set ylabel \"%% of requests\"\n"
	    "set key outside top center horizontal\n"
	    "set style fill solid 0.8 border lc rgb \"#ffffff\"\nplot ",
	    pow(10.0, k0 / 10.0), pow(10.0, (k1 + 1) / 10.0));
	rc |= elem(c, &n,
	    "$h using (sqrt($1*$2)):3:1:2 with boxes lc rgb \"" C_BLUE "\"",
	    "requests");
	if (bh != NULL)
		rc |= elem(c, &n,
		    "$o using (sqrt($1*$2)):3:1:2 with boxes fs empty "
		    "lw 2 dt 2 lc rgb \"" C_GREY "\"",
		    "baseline");
	return rc | lt_buf_adds(b, "\n");
}

int
lt_chart_make(struct lt_chart *c, int kind, const struct lt_report *r,
    const struct lt_report *base)
{
	int rc;

	lt_buf_reset(&c->gp);
	lt_buf_reset(&c->series);
	snprintf(c->caption, sizeof(c->caption), "%s", lt_chart_title[kind]);
	switch (kind) {
	case LT_CHART_RPS:
	case LT_CHART_USERS:
	case LT_CHART_LATENCY:
		if (!lt_report_timeline_ok(r))
			return 1;
		rc = timeline_chart(c, kind, r, base);
		if (rc == 1)
			return 1;
		break;
	case LT_CHART_DIST:
		if (r->total.requests == 0)
			return 1;
		rc = dist_chart(c, r, base);
		break;
	case LT_CHART_HIST:
		if (r->total.hist == NULL || r->total.hist->count == 0)
			return 1;
		rc = lt_chart_hist(
		    c, r->total.hist, base != NULL ? base->total.hist : NULL);
		break;
	case LT_CHART_EPTIME:
		if (!r->has_sec_eps || !lt_report_timeline_ok(r) ||
		    r->n_eps == 0)
			return 1;
		rc = lt_chart_eptime(c, r, base);
		break;
	default:
		if (r->n_eps == 0 || r->total.requests == 0)
			return 1;
		rc = lt_chart_endpoints(c, r);
		break;
	}
	return rc ? -1 : 0;
}

int
lt_chart_script(struct lt_buf *gp, int kind, const struct lt_report *r,
    const struct lt_report *base)
{
	struct lt_chart c;
	int rc;

	lt_chart_init(&c);
	rc = lt_chart_make(&c, kind, r, base);
	if (rc == 0 && lt_buf_add(gp, c.gp.data, c.gp.len) != 0)
		rc = -1;
	lt_chart_fini(&c);
	return rc;
}
