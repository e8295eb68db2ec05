/*
 * chartep.c - the per-endpoint charts: response time percentiles per
 * endpoint (bars) and p95 per endpoint over time (lines); see chart.h.
 * Both show a bounded number of endpoints: every endpoint with failures
 * first, then the busiest, and their captions say which.  Endpoint names
 * enter the scripts only as datablock fields (esc.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/chart.h"
#include "report/esc.h"

/* The bar chart shows at most this many endpoints, the lines this many. */
#define MAX_BARS  20
#define MAX_LINES 8
/* Longer axis labels are cut (on a UTF-8 character boundary) with "...". */
#define LABEL_MAX 40

#define C_BLUE   "#1f77b4"
#define C_ORANGE "#ff7f0e"
#define C_RED    "#d62728"

static const char *const line_color[MAX_LINES] = { C_BLUE, C_ORANGE, "#2ca02c",
	C_RED, "#9467bd", "#8c564b", "#e377c2", "#17becf" };

void
lt_chart_shorten(char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return;
	n = max - 3;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	memcpy(s + n, "...", 4);
}

/*
 * Picks at most max endpoints into out (lt_report_pick) and writes the
 * caption: title alone when every endpoint is shown, else which ones are.
 * Returns the number picked, or -1 when memory ran out.
 */
static int
pick(struct lt_chart *c, const struct lt_report *r, size_t max,
    const struct lt_rep_ep **out, const char *title)
{
	struct lt_rep_pick p;
	int k = lt_report_pick(r, max, c->flag, out, &p);
	const char *what = c->flag ? "failures or regressions" : "failures";

	if (k < 0)
		return -1;
	if (p.picked == p.with_requests)
		snprintf(c->caption, sizeof(c->caption), "%s", title);
	else if (p.picked_failing == 0)
		snprintf(c->caption, sizeof(c->caption),
		    "%s: the %zu busiest of %zu endpoints", title, p.picked,
		    p.with_requests);
	else if (p.picked > p.picked_failing)
		snprintf(c->caption, sizeof(c->caption),
		    "%s: %zu of %zu endpoints, the %zu with %s and the %zu "
		    "busiest others",
		    title, p.picked, p.with_requests, p.picked_failing, what,
		    p.picked - p.picked_failing);
	else
		snprintf(c->caption, sizeof(c->caption),
		    "%s: the %zu busiest of the %zu endpoints with %s (%zu "
		    "endpoints in all)",
		    title, p.picked, p.failing, what, p.with_requests);
	return k;
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
	int m = (int)(0.9 * len + 0.999) - 4;

	return m < 10 ? 10 : m > 45 ? 45 : m;
}

/* The "METHOD name" label of e, cut to LABEL_MAX bytes. */
static void
label_of(char *label, size_t cap, const struct lt_rep_ep *e)
{
	snprintf(label, cap, "%s %s", e->method, e->name);
	lt_chart_shorten(label, LABEL_MAX);
}

int
lt_chart_endpoints(struct lt_chart *c, const struct lt_report *r)
{
	const struct lt_rep_ep *shown[MAX_BARS];
	struct lt_buf *b = &c->gp;
	int n = pick(c, r, MAX_BARS, shown, lt_chart_title[LT_CHART_ENDPOINTS]);
	int k, rc, last_len = 0, longest = 0, bm;
	double lo = 0, hi = 0;

	if (n < 0)
		return -1;
	rc = lt_chart_preamble(b, LT_CHART_W_FULL, 440);
	rc |= lt_buf_adds(b, "$ep << EOD\n");
	for (k = 0; k < n; k++) {
		const struct lt_rep_ep *e = shown[k];
		char label[300];

		label_of(label, sizeof(label), e);
		rc |= lt_gp_field(b, label);
		rc |= lt_buf_printf(b, " %.3f %.3f %.3f\n", e->pct_ms[0],
		    e->pct_ms[5], e->pct_ms[7]);
		last_len = utf8_len(label);
		if (last_len > longest)
			longest = last_len;
		if (e->pct_ms[0] > 0 && (lo == 0 || e->pct_ms[0] < lo))
			lo = e->pct_ms[0];
		if (e->pct_ms[7] > hi)
			hi = e->pct_ms[7];
	}
	rc |= lt_buf_adds(b, "EOD\n");
	rc |= lt_buf_printf(b, "set rmargin %d\n", label_margin(last_len));
	/*
	 * A label slanted by 25 degrees reaches about 0.2 line heights per
	 * character below the axis: the bottom margin fits the longest, no
	 * more (no blank band under short names).
	 */
	bm = (int)(0.2 * longest + 0.999) + 1;
	rc |= lt_buf_printf(b, "set bmargin %d\n", bm < 4 ? 4 : bm);
	/*
	 * Latencies of endpoints often differ by orders of magnitude: a log
	 * axis keeps the fast ones visible.  Bars start at the axis floor.
	 */
	if (lo > 0 && hi / lo >= 20)
		rc |= lt_chart_log_y(b, lo) |
		    lt_buf_adds(b, "set ylabel \"ms (log scale)\"\n");
	else
		rc |= lt_buf_adds(b, "set yrange [0:*]\nset ylabel \"ms\"\n");
	rc |= lt_buf_adds(b,
	    "set style data histograms\n"
	    "set style histogram clustered gap 1\n"
	    "set style fill solid 0.85 border -1\n"
	    "set boxwidth 0.9\n"
	    "set xtics rotate by -25 left\nset grid noxtics\n"
	    "set key outside top center horizontal\n"
	    "plot $ep using 2:xtic(1) lc rgb \"" C_BLUE "\" title \"p50\", "
	    "'' using 3 lc rgb \"" C_ORANGE "\" title \"p95\", "
	    "'' using 4 lc rgb \"" C_RED "\" title \"p99\"\n");
	rc |= lt_chart_series(c, "p50") | lt_chart_series(c, "p95") |
	    lt_chart_series(c, "p99");
	return rc;
}

/* Endpoint e within second s, or NULL when it had no request. */
static const struct lt_doc_sec_ep *
sec_ep(const struct lt_rep_sec *s, const struct lt_rep_ep *e)
{
	size_t i;

	if (s->src == NULL)
		return NULL;
	for (i = 0; i < s->src->n_eps; i++) {
		const struct lt_doc_sec_ep *x = &s->src->eps[i];

		if (x->requests > 0 && strcmp(x->method, e->method) == 0 &&
		    strcmp(x->name, e->name) == 0)
			return x;
	}
	return NULL;
}

/* The p95 of endpoint e in second s, or -1 when it had no request. */
static double
sec_ep_p95(const struct lt_rep_sec *s, const struct lt_rep_ep *e)
{
	const struct lt_doc_sec_ep *x = sec_ep(s, e);

	return x ? (double)x->p95_us / 1000.0 : -1;
}

/*
 * One "x p95" datablock, the worst p95 of each window of step seconds,
 * under a header row naming the series (read by `title columnheader(1)`:
 * the name stays data).
 */
static int
eptime_block(struct lt_buf *b, int k, const struct lt_report *r,
    const struct lt_rep_ep *e, int64_t step)
{
	int64_t t0 = r->secs[0].t;
	size_t i = 0;
	char label[300];
	int rc = lt_buf_printf(b, "$e%d << EOD\n", k);

	label_of(label, sizeof(label), e);
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

int
lt_chart_eptime(
    struct lt_chart *c, const struct lt_report *r, const struct lt_report *base)
{
	int64_t t0 = r->secs[0].t, t1 = r->secs[r->n_secs - 1].t, step;
	const struct lt_rep_ep *shown[MAX_LINES];
	struct lt_buf *b = &c->gp;
	int n = pick(c, r, MAX_LINES, shown, lt_chart_title[LT_CHART_EPTIME]);
	int k, rc, rows;

	if (n < 0)
		return -1;
	/* The key under the plot, two columns: room for its rows. */
	rows = (n + 1) / 2;
	rc = lt_chart_preamble(b, LT_CHART_W_FULL, 380 + 26 * rows);
	step = (t1 - t0 + 1 + 1500 - 1) / 1500;
	if (step < 1)
		step = 1;
	for (k = 0; k < n; k++) {
		char label[300];

		rc |= eptime_block(b, k, r, shown[k], step);
		label_of(label, sizeof(label), shown[k]);
		rc |= lt_chart_series(c, label);
	}
	/* The same time axis as the run's other time charts. */
	rc |= lt_chart_time_axis(b, r,
	    base != NULL && base->n_secs > 0 && lt_report_timeline_ok(base)
	        ? base
	        : NULL);
	rc |= lt_buf_adds(b,
	    "set ylabel \"ms (log scale)\"\nset logscale y\n"
	    "set key at screen 0.5, screen 0.01 center bottom horizontal "
	    "maxcols 2\n");
	rc |= lt_buf_printf(b, "set bmargin %d\nplot ", 4 + (rows * 5 + 3) / 4);
	for (k = 0; k < n; k++)
		rc |= lt_buf_printf(b,
		    "%s$e%d using 1:2 with linespoints pt 7 "
		    "ps 0.5 lw 2 lc rgb \"%s\" title columnheader(1)",
		    k ? ", " : "", k, line_color[k]);
	return rc | lt_buf_adds(b, "\n");
}

int
lt_chart_ep_hist(struct lt_chart *c, const struct lt_rep_ep *e)
{
	lt_buf_reset(&c->gp);
	lt_buf_reset(&c->series);
	snprintf(c->caption, sizeof(c->caption),
	    "Response time distribution (share of requests)");
	if (e->hist == NULL || e->hist->count == 0)
		return 1;
	return lt_chart_hist(c, e->hist, NULL) ? -1 : 0;
}

/*
 * "x p50 p95 p99 rps" rows of endpoint e: each second's percentiles (the
 * worst of a window of step seconds) and requests per second.
 */
static int
ep_time_block(struct lt_buf *b, const struct lt_report *r,
    const struct lt_rep_ep *e, int64_t step, double *lo, double *hi)
{
	int64_t t0 = r->secs[0].t;
	size_t i = 0;
	int rc = lt_buf_adds(b, "$t << EOD\n");

	while (i < r->n_secs) {
		int64_t w = (r->secs[i].t - t0) / step, n = 0;
		double p[3] = { -1, -1, -1 };
		int k;

		for (; i < r->n_secs && (r->secs[i].t - t0) / step == w; i++) {
			const struct lt_doc_sec_ep *x = sec_ep(&r->secs[i], e);
			const int64_t us[3] = { x ? x->p50_us : 0,
				x ? x->p95_us : 0, x ? x->p99_us : 0 };

			if (x == NULL)
				continue;
			n += x->requests;
			for (k = 0; k < 3; k++)
				if ((double)us[k] / 1000.0 > p[k])
					p[k] = (double)us[k] / 1000.0;
		}
		rc |= lt_buf_printf(b, "%lld", (long long)(w * step));
		for (k = 0; k < 3; k++) {
			if (p[k] > 0 && (*lo == 0 || p[k] < *lo))
				*lo = p[k];
			if (p[k] > *hi)
				*hi = p[k];
			rc |= p[k] > 0 ? lt_buf_printf(b, " %.3f", p[k])
			               : lt_buf_adds(b, " ?");
		}
		rc |= lt_buf_printf(b, " %.3f\n", (double)n / (double)step);
	}
	return rc | lt_buf_adds(b, "EOD\n");
}

int
lt_chart_ep_time(
    struct lt_chart *c, const struct lt_report *r, const struct lt_rep_ep *e)
{
	struct lt_buf *b = &c->gp;
	int64_t step;
	double lo = 0, hi = 0;
	int rc;

	lt_buf_reset(&c->gp);
	lt_buf_reset(&c->series);
	snprintf(c->caption, sizeof(c->caption),
	    "Response time percentiles and requests per second over time");
	if (!r->has_sec_eps || !lt_report_timeline_ok(r) || e->requests == 0)
		return 1;
	step = (r->secs[r->n_secs - 1].t - r->secs[0].t + 1 + 1500 - 1) / 1500;
	if (step < 1)
		step = 1;
	rc = lt_chart_preamble(b, LT_CHART_W_HALF, 380);
	rc |= ep_time_block(b, r, e, step, &lo, &hi);
	rc |= lt_chart_time_axis(b, r, NULL);
	rc |=
	    lt_buf_adds(b, "set key outside top center horizontal maxcols 2\n");
	if (lo > 0 && hi / lo >= 100)
		rc |= lt_chart_log_y(b, lo) |
		    lt_buf_adds(b, "set ylabel \"ms (log scale)\"\n");
	else
		rc |= lt_buf_adds(b, "set yrange [0:*]\nset ylabel \"ms\"\n");
	rc |= lt_buf_adds(b,
	    "set y2label \"requests/s\"\nset y2tics\nset y2range [0:*]\n"
	    "plot $t using 1:2 with lines lw 2 lc rgb \"" C_BLUE
	    "\" title \"p50\", $t using 1:3 with lines lw 2 lc rgb "
	    "\"" C_ORANGE "\" title \"p95\", $t using 1:4 with lines lw 2 "
	    "lc rgb \"" C_RED "\" title \"p99\", $t using 1:5 axes x1y2 "
	    "with steps lw 1 lc rgb \"#2ca02c\" title \"requests/s "
	    "(right)\"\n");
	rc |= lt_chart_series(c, "p50") | lt_chart_series(c, "p95") |
	    lt_chart_series(c, "p99") | lt_chart_series(c, "requests/s");
	return rc ? -1 : 0;
}
