/*
 * mdsec.c - the report sections beyond the Locust-style tables; see
 * mdsec.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/compare.h"
#include "report/mdsec.h"

/* ---- thresholds ---- */

/* The comparison operator of a threshold: its op, else from its expr. */
static const char *
thr_op(const struct lt_doc_thresh *t)
{
	static const char *const ops[] = { "<=", ">=", "<", ">", "==" };
	size_t i;

	if (t->op != NULL && *t->op != '\0')
		return t->op;
	for (i = 0; t->expr != NULL && i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strstr(t->expr, ops[i]) != NULL)
			return ops[i];
	return "";
}

/* A ratio metric (fail_ratio...): shown in percent, as the expr has it. */
static int
is_ratio(const struct lt_doc_thresh *t)
{
	return t->metric != NULL && strstr(t->metric, "ratio") != NULL;
}

/* v with the threshold's unit: "2.24%", "20.3 ms", "140 1/s". */
static const char *
thr_fmt(char *s, size_t cap, const struct lt_doc_thresh *t, double v)
{
	char ms[32];

	if (is_ratio(t))
		snprintf(s, cap, "%.4g%%", 100 * v);
	else if (t->unit != NULL && strcmp(t->unit, "ms") == 0)
		snprintf(s, cap, "%s ms", lt_md_ms(ms, sizeof(ms), v));
	else if (t->unit == NULL && t->metric != NULL &&
	    (t->metric[0] == 'p' || strcmp(t->metric, "mean") == 0 ||
	        strcmp(t->metric, "max") == 0 ||
	        strcmp(t->metric, "min") == 0 ||
	        strcmp(t->metric, "median") == 0))
		snprintf(s, cap, "%s ms", lt_md_ms(ms, sizeof(ms), v));
	else if (t->unit != NULL && *t->unit != '\0')
		snprintf(s, cap, "%.6g %s", v, t->unit);
	else
		snprintf(s, cap, "%.6g", v);
	return s;
}

void
lt_mdsec_thresholds(struct lt_md *d, const struct lt_report *r)
{
	static const char *const heads[] = { "Threshold", "Endpoint", ">Value",
		">Limit", "Result" };
	size_t i, failed = 0;
	char v[64], l[80], lim[64];

	if (r->doc.n_thresholds == 0)
		return;
	for (i = 0; i < r->doc.n_thresholds; i++)
		failed += !r->doc.thresholds[i].ok;
	lt_md_text(d, "## Thresholds\n\n");
	if (failed)
		lt_md_text(d, "**%zu of %zu thresholds failed.**\n\n", failed,
		    r->doc.n_thresholds);
	else
		lt_md_text(
		    d, "All %zu thresholds passed.\n\n", r->doc.n_thresholds);
	lt_md_table(
	    d, "t-thresholds", "Thresholds and their results", 5, heads);
	for (i = 0; i < r->doc.n_thresholds; i++) {
		const struct lt_doc_thresh *t = &r->doc.thresholds[i];

		lt_md_cell(d, LT_MD_ROWHEAD, "%s", t->expr ? t->expr : "");
		lt_md_cell(d, 0, "%s", t->endpoint ? t->endpoint : "all");
		if (t->has_value)
			lt_md_cell(d, LT_MD_NUM, "%s",
			    thr_fmt(v, sizeof(v), t, t->value));
		else
			lt_md_cell(d, LT_MD_NUM, "none (%s)",
			    t->reason ? t->reason : "no value");
		snprintf(l, sizeof(l), "%s %s", thr_op(t),
		    thr_fmt(lim, sizeof(lim), t, t->limit));
		lt_md_cell(d, LT_MD_NUM, "%s", l);
		lt_md_cell(d, t->ok ? LT_MD_PASS : LT_MD_FAIL, "%s",
		    t->ok ? "PASS" : "FAIL");
		lt_md_row_end(d);
	}
	lt_md_table_end(d);
}

/* ---- the comparison with a baseline ---- */

/* "12.3 → 14.1 (+14.6%)" for one compared metric, into s. */
static const char *
delta_text(char *s, size_t cap, const struct lt_cmp_row *row, int m)
{
	double o = row->old_v[m], n = row->new_v[m];
	char a[32], b[32], pct[32] = "";

	if (row->old_ep == NULL || row->new_ep == NULL) {
		snprintf(s, cap, "%s", row->old_ep ? "removed" : "new");
		return s;
	}
	if (o != 0)
		snprintf(pct, sizeof(pct), " (%+.1f%%)", 100.0 * (n - o) / o);
	if (m == LT_CMP_FAIL)
		snprintf(s, cap, "%.2f%% → %.2f%%%s", 100 * o, 100 * n, pct);
	else if (m == LT_CMP_RPS)
		snprintf(s, cap, "%.2f → %.2f%s", o, n, pct);
	else
		snprintf(s, cap, "%s → %s%s", lt_md_ms(a, sizeof(a), o),
		    lt_md_ms(b, sizeof(b), n), pct);
	return s;
}

static void
delta_cell(struct lt_md *d, const struct lt_cmp_row *row, int m)
{
	int flags = LT_MD_NUM | (row->verdict[m] > 0 ? LT_MD_WORSE : 0) |
	    (row->verdict[m] < 0 ? LT_MD_BETTER : 0);
	char s[128];

	delta_text(s, sizeof(s), row, m);
	lt_md_cell(d, row->old_ep && row->new_ep ? flags : LT_MD_NUM, "%s", s);
}

/* The regressions alone, narrow enough to read on a phone. */
static void
regressions(struct lt_md *d, const struct lt_cmp *c)
{
	static const char *const heads[] = { "Endpoint", "Metric",
		">Baseline → this run" };
	static const char *const metric[LT_CMP_N] = { "p50", "p95", "p99",
		"requests/s", "failure ratio" };
	size_t i;
	int m;
	char s[128];

	lt_md_table(
	    d, "t-regressions", "Regressions beyond the tolerance", 3, heads);
	for (i = 0; i < c->n_rows; i++) {
		const struct lt_cmp_row *row = &c->rows[i];
		const struct lt_rep_ep *e =
		    row->new_ep ? row->new_ep : row->old_ep;

		for (m = 0; m < LT_CMP_N; m++) {
			if (row->verdict[m] <= 0)
				continue;
			lt_md_cell(d, LT_MD_ROWHEAD, "%s%s%s", e->method,
			    *e->method ? " " : "", e->name);
			lt_md_cell(d, 0, "%s", metric[m]);
			lt_md_cell(d, LT_MD_NUM | LT_MD_WORSE, "%s",
			    delta_text(s, sizeof(s), row, m));
			lt_md_row_end(d);
		}
	}
	lt_md_table_end(d);
}

int
lt_mdsec_compare(struct lt_md *d, const struct lt_report *r,
    const struct lt_report *base, const char *label, double tol)
{
	static const char *const heads[] = { "Endpoint", ">p50 (ms)",
		">p95 (ms)", ">p99 (ms)", ">Requests/s", ">Failure ratio" };
	struct lt_cmp c;
	size_t i;
	int m;

	if (base == NULL)
		return 0;
	if (lt_compare(&c, base, r, tol) != 0)
		return -1;
	lt_md_text(d, "\n## Comparison with the baseline\n\nBaseline: ");
	lt_md_esc(d, label ? label : "baseline");
	lt_md_text(d,
	    ". Tolerance %g%% (latencies also by 1 ms or more, the failure "
	    "ratio by 0.1 point or more): ",
	    100 * tol);
	if (c.regressions > 0) {
		lt_md_text(d, "**%d regression%s beyond the tolerance.**\n\n",
		    c.regressions, c.regressions > 1 ? "s" : "");
		regressions(d, &c);
		lt_md_text(d, "\n");
	} else {
		lt_md_text(d, "no regression beyond the tolerance.\n\n");
	}
	lt_md_table(
	    d, "t-compare+", "Baseline → this run, per endpoint", 6, heads);
	for (i = 0; i < c.n_rows; i++) {
		const struct lt_cmp_row *row = &c.rows[i];
		const struct lt_rep_ep *e =
		    row->new_ep ? row->new_ep : row->old_ep;

		lt_md_cell(d, LT_MD_ROWHEAD, "%s%s%s", e->method,
		    *e->method ? " " : "", e->name);
		for (m = 0; m < LT_CMP_N; m++)
			delta_cell(d, row, m);
		lt_md_row_end(d);
	}
	lt_md_table_end(d);
	lt_compare_fini(&c);
	return 0;
}

/* ---- time to first byte ---- */

void
lt_mdsec_ttfb(struct lt_md *d, const struct lt_report *r)
{
	static const char *const heads[] = { "Type", "Name", ">Mean", ">50%",
		">90%", ">95%", ">99%", ">100%" };
	static const int ks[] = { 0, 4, 5, 7, 10 };
	size_t i;
	int k;
	char a[32];

	if (!r->doc.total.has_ttfb || r->doc.total.requests == 0)
		return;
	lt_md_text(d, "\n## Time to first byte\n\n");
	lt_md_table(d, "t-ttfb+",
	    "Time from the start of a request to the first byte of its "
	    "response, per endpoint (ms)",
	    8, heads);
	for (i = 0; i <= r->doc.n_eps; i++) {
		const struct lt_doc_ep *e =
		    i < r->doc.n_eps ? &r->doc.eps[i] : &r->doc.total;

		if (!e->has_ttfb || e->requests == 0)
			continue;
		lt_md_cell(d, 0, "%s", e->method);
		lt_md_cell(d, LT_MD_ROWHEAD, "%s", e->name);
		lt_md_cell(d, LT_MD_NUM, "%s",
		    lt_md_ms(a, sizeof(a), e->ttfb_mean_us / 1000.0));
		for (k = 0; k < 5; k++)
			lt_md_cell(d, LT_MD_NUM, "%s",
			    lt_md_ms(a, sizeof(a),
			        (double)e->ttfb_pct_us[ks[k]] / 1000.0));
		lt_md_row_end(d);
	}
	lt_md_table_end(d);
}

/* ---- response time ranges ---- */

/* Requests of h under lo_us, from lo_us to under hi_us, and above. */
static void
split(const struct lt_hist *h, double lo_us, double hi_us, int64_t n[3])
{
	size_t i;

	n[0] = n[1] = n[2] = 0;
	for (i = 0; h != NULL && h->counts != NULL && i < h->counts_len; i++) {
		double v;

		if (h->counts[i] == 0)
			continue;
		v = (double)lt_hist_value_at(h, i);
		n[v < lo_us ? 0 : v < hi_us ? 1 : 2] += h->counts[i];
	}
}

static void
range_cell(struct lt_md *d, int64_t n, int64_t all, int flags)
{
	if (all > 0)
		lt_md_cell(d, LT_MD_NUM | (n > 0 ? flags : 0), "%lld (%.1f%%)",
		    (long long)n, 100.0 * (double)n / (double)all);
	else
		lt_md_cell(d, LT_MD_NUM, "0");
}

void
lt_mdsec_ranges(
    struct lt_md *d, const struct lt_report *r, double lo, double hi)
{
	char h1[48], h2[64], h3[48], cap[160];
	const char *heads[] = { "Type", "Name", h1, h2, h3, ">Failed" };
	size_t i;

	if (r->total.requests == 0 || r->total.hist == NULL)
		return;
	snprintf(h1, sizeof(h1), ">Under %g ms", lo);
	snprintf(h2, sizeof(h2), ">%g to %g ms", lo, hi);
	snprintf(h3, sizeof(h3), ">%g ms or more", hi);
	snprintf(cap, sizeof(cap),
	    "Requests per response time range (every request, failed ones "
	    "too) and failed requests");
	lt_md_text(d, "\n## Response time ranges\n\n");
	lt_md_table(d, "t-ranges+", cap, 6, heads);
	for (i = 0; i <= r->n_eps; i++) {
		const struct lt_rep_ep *e =
		    i < r->n_eps ? &r->eps[i] : &r->total;
		int64_t n[3];

		split(e->hist, lo * 1000, hi * 1000, n);
		lt_md_cell(d, 0, "%s", e->method);
		lt_md_cell(d, LT_MD_ROWHEAD, "%s", e->name);
		range_cell(d, n[0], e->requests, 0);
		range_cell(d, n[1], e->requests, 0);
		range_cell(d, n[2], e->requests, LT_MD_FAIL);
		range_cell(d, e->failures, e->requests, LT_MD_FAIL);
		lt_md_row_end(d);
	}
	lt_md_table_end(d);
}

/* ---- bytes ---- */

/* n bytes as "1234567 (1.2 MB)". */
static const char *
bytes_text(char *s, size_t cap, double n)
{
	static const char *const unit[] = { "B", "kB", "MB", "GB", "TB" };
	double v = n;
	int u = 0;

	while (v >= 1000 && u < 4) {
		v /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(s, cap, "%.0f B", n);
	else
		snprintf(s, cap, "%.0f (%.1f %s)", n, v, unit[u]);
	return s;
}

/* The Sent and its Per second cells of e; empty when e has none. */
static void
sent_cells(struct lt_md *d, const struct lt_rep_ep *e, double duration_s)
{
	char a[64];

	if (!e->has_sent) {
		lt_md_cell(d, LT_MD_NUM, "%s", "");
		lt_md_cell(d, LT_MD_NUM, "%s", "");
		return;
	}
	lt_md_cell(d, LT_MD_NUM, "%s",
	    bytes_text(a, sizeof(a), (double)e->bytes_sent));
	lt_md_cell(d, LT_MD_NUM, "%s",
	    duration_s > 0
	        ? bytes_text(a, sizeof(a), (double)e->bytes_sent / duration_s)
	        : "");
}

void
lt_mdsec_bytes(struct lt_md *d, const struct lt_report *r)
{
	static const char *const heads[] = { "Type", "Name", ">Received",
		">Per request", ">Per second", ">Sent", ">Per second" };
	size_t i;
	int sent = r->total.has_sent;
	char a[64], b[64];

	if (r->total.requests == 0)
		return;
	lt_md_text(d,
	    sent ? "\n## Bytes received and sent\n\nReceived: response "
	           "bodies; sent: request lines, headers and bodies; as "
	           "lt-run counted them.\n\n"
	         : "\n## Bytes received\n\nResponse bodies, as lt-run "
	           "counted them; bytes sent were not recorded (events "
	           "without bytes_sent).\n\n");
	lt_md_table(d, "t-bytes+",
	    sent ? "Bytes received and sent per endpoint (per second over "
	           "the whole run)"
	         : "Bytes received per endpoint (per second over the whole "
	           "run)",
	    sent ? 7 : 5, heads);
	for (i = 0; i <= r->n_eps; i++) {
		const struct lt_rep_ep *e =
		    i < r->n_eps ? &r->eps[i] : &r->total;

		lt_md_cell(d, 0, "%s", e->method);
		lt_md_cell(d, LT_MD_ROWHEAD, "%s", e->name);
		lt_md_cell(d, LT_MD_NUM, "%s",
		    bytes_text(a, sizeof(a), (double)e->bytes));
		lt_md_cell(d, LT_MD_NUM, "%.0f", e->avg_bytes);
		lt_md_cell(d, LT_MD_NUM, "%s",
		    r->duration_s > 0 ? bytes_text(b, sizeof(b),
		                            (double)e->bytes / r->duration_s)
		                      : "");
		if (sent)
			sent_cells(d, e, r->duration_s);
		lt_md_row_end(d);
	}
	lt_md_table_end(d);
}

/* ---- a section per endpoint ---- */

void
lt_mdsec_detail(struct lt_md *d, const struct lt_report *r,
    const struct lt_rep_ep *const *eps, const struct lt_rep_pick *pick,
    const char *const *html)
{
	size_t i;
	char a[32], b[32], c[32], m[32], t[32];

	if (pick->picked == 0)
		return;
	lt_md_text(d, "\n## Endpoints\n\n");
	if (pick->picked < pick->with_requests)
		lt_md_text(d,
		    "%zu of %zu endpoints: those with failures (or "
		    "regressions) first, then the busiest.\n\n",
		    pick->picked, pick->with_requests);
	for (i = 0; i < pick->picked; i++) {
		const struct lt_rep_ep *e = eps[i];
		const struct lt_doc_ep *x =
		    lt_aggdoc_find(&r->doc, e->method, e->name);

		lt_md_text(d, "### ");
		lt_md_esc(d, e->method);
		lt_md_text(d, " ");
		lt_md_esc(d, e->name);
		lt_md_text(d,
		    "\n\n%lld requests, %lld failed (%.2f%%), %.2f "
		    "requests/s. Response time p50 %s ms, p95 %s ms, p99 %s "
		    "ms, max %s ms",
		    (long long)e->requests, (long long)e->failures,
		    100.0 * e->fail_ratio, e->rps,
		    lt_md_ms(a, sizeof(a), e->pct_ms[0]),
		    lt_md_ms(b, sizeof(b), e->pct_ms[5]),
		    lt_md_ms(c, sizeof(c), e->pct_ms[7]),
		    lt_md_ms(m, sizeof(m), e->max_ms));
		if (x != NULL && x->has_ttfb)
			lt_md_text(d, "; time to first byte p95 %s ms",
			    lt_md_ms(t, sizeof(t),
			        (double)x->ttfb_pct_us[5] / 1000.0));
		lt_md_text(d, "; %.0f bytes per response.\n\n", e->avg_bytes);
		if (html != NULL && html[i] != NULL)
			lt_md_block(d, html[i]);
	}
}
