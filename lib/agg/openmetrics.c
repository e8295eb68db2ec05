/*
 * openmetrics.c - the Prometheus exposition of an aggregate; see
 * openmetrics.h.
 *
 * Families (label method and name on each; the total is left to PromQL's
 * sum(), as exporters do):
 *	lt_requests_total, lt_failures_total, lt_response_bytes_total,
 *	lt_checks_total (when the events had checks),
 *	lt_request_bytes_total (when bytes sent were recorded)
 *	                          counters
 *	lt_latency_seconds        histogram over fixed le bounds (0.1 ms to
 *	                          60 s), so that histogram_quantile() in
 *	                          Grafana works across endpoints and runs
 *	lt_latency_percentile_seconds{percentile}
 *	                          gauges: lt's exact percentiles (p50 p95 p99
 *	                          p99.9 p100; not
 *	                          "quantile", which belongs to summaries)
 *	lt_requests_per_second    gauge: over the live interval, or the run
 *	lt_run_duration_seconds, lt_users_max, lt_events_total,
 *	lt_rejected_lines_total   run-level figures
 * The le buckets are summed from the sig-3 histogram slots whose lowest
 * value is <= le, so a bucket is exact to the histogram's 0.1 %.  Values
 * carry no timestamps: the Pushgateway refuses pushed samples with one.
 */
#include <string.h>

#include "agg/aggcheck.h"
#include "agg/openmetrics.h"
#include "core/utf8.h"

/* Bucket bounds in microseconds and as written (no float printing). */
static const struct {
	int64_t us;
	const char *text;
} les[] = {
	{ 100, "0.0001" },
	{ 250, "0.00025" },
	{ 500, "0.0005" },
	{ 1000, "0.001" },
	{ 2500, "0.0025" },
	{ 5000, "0.005" },
	{ 10000, "0.01" },
	{ 25000, "0.025" },
	{ 50000, "0.05" },
	{ 100000, "0.1" },
	{ 250000, "0.25" },
	{ 500000, "0.5" },
	{ 1000000, "1.0" },
	{ 2500000, "2.5" },
	{ 5000000, "5.0" },
	{ 10000000, "10.0" },
	{ 30000000, "30.0" },
	{ 60000000, "60.0" },
};
#define N_LES (sizeof(les) / sizeof(les[0]))

static const struct {
	int idx; /* into lt_pct_list */
	const char *q;
} quantiles[] = {
	{ 0, "50" },
	{ 5, "95" },
	{ 7, "99" },
	{ 8, "99.9" },
	{ 10, "100" },
};

int
lt_om_label(struct lt_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	int rc = 0;

	/* OpenMetrics 1.0, ABNF escaped-string: \\ \" \n */
	for (size_t i = 0; i < n;) {
		size_t l = lt_utf8_len(p + i, n - i, NULL);

		if (l == 0) {
			rc |= lt_buf_adds(b, "\xef\xbf\xbd");
			i++;
		} else if (p[i] == '\\') {
			rc |= lt_buf_adds(b, "\\\\"), i++;
		} else if (p[i] == '"') {
			rc |= lt_buf_adds(b, "\\\""), i++;
		} else if (p[i] == '\n') {
			rc |= lt_buf_adds(b, "\\n"), i++;
		} else {
			rc |= lt_buf_add(b, p + i, l);
			i += l;
		}
	}
	return rc;
}

/* name{method="..",name=".."[,extra] */
static int
labels(struct lt_buf *b, const char *metric, const struct lt_ep *ep)
{
	int rc = lt_buf_adds(b, metric);

	rc |= lt_buf_adds(b, "{method=\"");
	rc |= lt_om_label(b, ep->key.p[0], ep->key.n[0]);
	rc |= lt_buf_adds(b, "\",name=\"");
	rc |= lt_om_label(b, ep->key.p[1], ep->key.n[1]);
	rc |= lt_buf_addc(b, '"');
	return rc;
}

/* "# TYPE", "# UNIT" and "# HELP" of a family. */
static int
family(struct lt_buf *b, enum lt_om_flavour fl, const char *name,
    const char *type, const char *unit, const char *help)
{
	int counter = strcmp(type, "counter") == 0;
	int rc = 0;

	if (fl == LT_OM_PROMETHEUS && counter) {
		rc |= lt_buf_printf(b, "# HELP %s_total %s\n", name, help);
		rc |= lt_buf_printf(b, "# TYPE %s_total %s\n", name, type);
		return rc;
	}
	rc |= lt_buf_printf(b, "# HELP %s %s\n", name, help);
	rc |= lt_buf_printf(b, "# TYPE %s %s\n", name, type);
	if (fl == LT_OM_OPENMETRICS && unit)
		rc |= lt_buf_printf(b, "# UNIT %s %s\n", name, unit);
	return rc;
}

/* Microseconds as exact decimal seconds. */
static int
secs(struct lt_buf *b, int64_t us)
{
	if (us < 0)
		return lt_buf_printf(b, "-%lld.%06lld",
		    (long long)(-us / 1000000), (long long)(-us % 1000000));
	return lt_buf_printf(b, "%lld.%06lld", (long long)(us / 1000000),
	    (long long)(us % 1000000));
}

static int
counters(const struct lt_agg *agg, enum lt_om_flavour fl, struct lt_buf *b)
{
	int rc = 0, sent;

	rc |= family(b, fl, "lt_requests", "counter", NULL,
	    "Requests completed or failed.");
	for (size_t i = 0; i < agg->n_eps; i++)
		rc |= labels(b, "lt_requests_total", agg->eps[i]) |
		    lt_buf_printf(
		        b, "} %lld\n", (long long)agg->eps[i]->requests);
	rc |= family(
	    b, fl, "lt_failures", "counter", NULL, "Requests that failed.");
	for (size_t i = 0; i < agg->n_eps; i++)
		rc |= labels(b, "lt_failures_total", agg->eps[i]) |
		    lt_buf_printf(
		        b, "} %lld\n", (long long)agg->eps[i]->failures);
	rc |= family(b, fl, "lt_response_bytes", "counter", NULL,
	    "Response body bytes received.");
	for (size_t i = 0; i < agg->n_eps; i++)
		rc |= labels(b, "lt_response_bytes_total", agg->eps[i]) |
		    lt_buf_printf(b, "} %lld\n", (long long)agg->eps[i]->bytes);
	sent = 0;
	for (size_t i = 0; i < agg->n_eps; i++)
		sent |= agg->eps[i]->has_sent;
	if (!sent) /* not recorded (lt-run before bytes_sent) */
		return rc;
	rc |= family(b, fl, "lt_request_bytes", "counter", NULL,
	    "Request bytes sent: request lines, headers and bodies.");
	for (size_t i = 0; i < agg->n_eps; i++)
		if (agg->eps[i]->has_sent)
			rc |= labels(b, "lt_request_bytes_total", agg->eps[i]) |
			    lt_buf_printf(b, "} %lld\n",
			        (long long)agg->eps[i]->bytes_sent);
	return rc;
}

static int
histogram(const struct lt_ep *ep, struct lt_buf *b)
{
	const struct lt_hist *h = &ep->hist;
	int64_t cum = 0;
	size_t slot = 0;
	int rc = 0;

	for (size_t k = 0; k < N_LES; k++) {
		while (h->counts && slot < h->counts_len &&
		    lt_hist_value_at(h, slot) <= les[k].us)
			cum += h->counts[slot++];
		rc |= labels(b, "lt_latency_seconds_bucket", ep);
		rc |= lt_buf_printf(
		    b, ",le=\"%s\"} %lld\n", les[k].text, (long long)cum);
	}
	rc |= labels(b, "lt_latency_seconds_bucket", ep);
	rc |= lt_buf_printf(b, ",le=\"+Inf\"} %lld\n", (long long)h->count);
	rc |= labels(b, "lt_latency_seconds_count", ep);
	rc |= lt_buf_printf(b, "} %lld\n", (long long)h->count);
	rc |= labels(b, "lt_latency_seconds_sum", ep) | lt_buf_adds(b, "} ");
	rc |= secs(b, h->sum) | lt_buf_addc(b, '\n');
	return rc;
}

static int
gauges(const struct lt_agg *agg, enum lt_om_flavour fl, double interval_s,
    struct lt_buf *b)
{
	int rc = 0;

	rc |= family(b, fl, "lt_latency_percentile_seconds", "gauge", "seconds",
	    "Exact latency percentiles of the run so far.");
	for (size_t i = 0; i < agg->n_eps; i++) {
		struct lt_ep_stats st;

		if (agg->eps[i]->hist.count == 0)
			continue;
		lt_agg_stats(agg, agg->eps[i], &st);
		for (size_t q = 0; q < sizeof(quantiles) / sizeof(quantiles[0]);
		     q++) {
			rc |= labels(
			    b, "lt_latency_percentile_seconds", agg->eps[i]);
			rc |= lt_buf_printf(
			    b, ",percentile=\"%s\"} ", quantiles[q].q);
			rc |= secs(b, st.pct_us[quantiles[q].idx]);
			rc |= lt_buf_addc(b, '\n');
		}
	}
	rc |= family(b, fl, "lt_requests_per_second", "gauge", NULL,
	    interval_s > 0 ? "Requests per second over the last interval."
	                   : "Requests per second over the run.");
	for (size_t i = 0; i < agg->n_eps; i++) {
		const struct lt_ep *ep = agg->eps[i];
		double r;

		if (interval_s > 0) {
			r = (double)(ep->requests - ep->live_requests) /
			    interval_s;
		} else {
			struct lt_ep_stats st;

			lt_agg_stats(agg, ep, &st);
			r = st.rps;
		}
		rc |= labels(b, "lt_requests_per_second", ep);
		rc |= lt_buf_printf(b, "} %.6f\n", r);
	}
	return rc;
}

static int
run_figures(const struct lt_agg *agg, enum lt_om_flavour fl, struct lt_buf *b)
{
	int rc = 0;

	rc |= family(b, fl, "lt_run_duration_seconds", "gauge", "seconds",
	    "Duration of the run so far.");
	rc |= lt_buf_adds(b, "lt_run_duration_seconds ");
	rc |= secs(b, lt_agg_duration_us(agg)) | lt_buf_addc(b, '\n');
	rc |= family(
	    b, fl, "lt_users_max", "gauge", NULL, "Highest user count seen.");
	rc |=
	    lt_buf_printf(b, "lt_users_max %lld\n", (long long)agg->max_users);
	rc |= family(b, fl, "lt_events", "counter", NULL, "Events used.");
	rc |=
	    lt_buf_printf(b, "lt_events_total %lld\n", (long long)agg->events);
	rc |= family(b, fl, "lt_rejected_lines", "counter", NULL,
	    "Input lines rejected.");
	rc |= lt_buf_printf(
	    b, "lt_rejected_lines_total %lld\n", (long long)agg->rejected);
	return rc;
}

/* lt_checks_total{method,name,check,result="pass"|"fail"}: k6's checks. */
static int
checks(const struct lt_agg *agg, enum lt_om_flavour fl, struct lt_buf *b)
{
	const struct lt_aggchk *c = agg->chk;
	int rc = 0;

	if (c == NULL)
		return 0;
	rc |= family(b, fl, "lt_checks", "counter", NULL,
	    "Check evaluations by result.");
	for (size_t i = 0; i <= c->t.n; i++) {
		const struct lt_chk *k = lt_aggchk_at(c, i);
		int folded = i == c->t.n;

		for (int pass = 1; k != NULL && pass >= 0; pass--) {
			rc |= lt_buf_adds(b, "lt_checks_total{method=\"");
			rc |= lt_om_label(
			    b, k->key.p[0], folded ? 0 : k->key.n[0]);
			rc |= lt_buf_adds(b, "\",name=\"");
			rc |= folded ? lt_buf_adds(b, "(other)")
			             : lt_om_label(b, k->key.p[1], k->key.n[1]);
			rc |= lt_buf_adds(b, "\",check=\"");
			rc |= folded ? lt_buf_adds(b, "(other)")
			             : lt_om_label(b, k->key.p[2], k->key.n[2]);
			rc |= lt_buf_printf(b, "\",result=\"%s\"} %lld\n",
			    pass ? "pass" : "fail",
			    (long long)(pass ? k->passes : k->fails));
		}
	}
	return rc;
}

int
lt_om_write(const struct lt_agg *agg, enum lt_om_flavour fl, double interval_s,
    struct lt_buf *b)
{
	int rc = 0;

	rc |= counters(agg, fl, b);
	rc |= checks(agg, fl, b);
	rc |= family(b, fl, "lt_latency_seconds", "histogram", "seconds",
	    "Response time.");
	for (size_t i = 0; i < agg->n_eps; i++)
		rc |= histogram(agg->eps[i], b);
	rc |= gauges(agg, fl, interval_s, b);
	rc |= run_figures(agg, fl, b);
	/* a comment to 0.0.4 parsers; marks the end in a live stream */
	rc |= lt_buf_adds(b, "# EOF\n");
	return rc ? -1 : 0;
}
