/*
 * md.c - the report's content, written once through a document API that
 * renders as Markdown or as pieces of the HTML page; see md.h.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/llmrep.h"
#include "report/mdcheck.h"
#include "report/mdclass.h"
#include "report/md.h"
#include "report/mdsec.h"
#include "core/version.h"

static const char *
ftime(char *s, size_t cap, double ts)
{
	time_t t = (time_t)ts;
	struct tm tm;

	if (ts <= 0 || gmtime_r(&t, &tm) == NULL)
		snprintf(s, cap, "unknown");
	else
		strftime(s, cap, "%Y-%m-%d %H:%M:%S UTC", &tm);
	return s;
}

static const char *
opt_get(const struct lt_report *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->n_opts; i++)
		if (strcmp(r->opts[i].key, key) == 0)
			return r->opts[i].value;
	return NULL;
}

/* "- **Label:** value" with value escaped; skipped when value is NULL. */
static void
item(struct lt_md *d, const char *label, const char *value)
{
	if (value == NULL)
		return;
	lt_md_text(d, "- **%s:** ", label);
	lt_md_esc(d, value);
	lt_md_text(d, "\n");
}

/* ---- the sections ---- */

static void
sec_header(
    struct lt_md *d, const struct lt_report *r, const struct lt_md_opts *o)
{
	const char *users = opt_get(r, "users"), *rate = opt_get(r, "rate");
	const char *spawn = opt_get(r, "spawn_rate");
	const char *shape = opt_get(r, "shape");
	char a[64], b[64], line[256];

	lt_md_text(d, "# ");
	lt_md_esc(d, o->title ? o->title : "Load test report");
	lt_md_text(d, "\n\n");
	item(d, "Scenario", r->scenario);
	item(d, "Host", r->host);
	if (rate != NULL && strtod(rate, NULL) > 0) {
		snprintf(line, sizeof(line),
		    "%s iterations per second "
		    "(open model)%s%s%s",
		    rate, users ? ", at most " : "", users ? users : "",
		    users ? " concurrent users" : "");
		item(d, "Arrival rate", line);
	} else if (shape == NULL && users != NULL) {
		snprintf(line, sizeof(line), "%s, spawning %s per second",
		    users, spawn ? spawn : "?");
		item(d, "Users", line);
	}
	if (shape != NULL) {
		snprintf(
		    line, sizeof(line), "%s (users as the shape says)", shape);
		item(d, "Shape", line);
	}
	snprintf(line, sizeof(line), "%.1f s, from %s to %s", r->duration_s,
	    ftime(a, sizeof(a), r->start), ftime(b, sizeof(b), r->end));
	item(d, "Duration", line);
	item(d, "Ended by", r->end_reason);
	if (r->max_users > 0) {
		snprintf(line, sizeof(line), "%lld", (long long)r->max_users);
		item(d, "Peak users", line);
	}
	if (r->runs > 1) {
		snprintf(
		    line, sizeof(line), "%lld runs merged", (long long)r->runs);
		item(d, "Runs", line);
	}
	snprintf(line, sizeof(line), "%s (aggregate), %s (report)",
	    r->lt_version ? r->lt_version : "unknown", LT_VERSION);
	item(d, "lt version", line);
	lt_md_text(d, "\n");
}

/* Input lines lt-agg could not use, with the first reasons it kept. */
static void
sec_rejects(struct lt_md *d, const struct lt_report *r)
{
	static const char *const heads[] = { "File", ">Line", "Reason" };
	size_t i;

	lt_md_text(d, "%lld of %lld input lines were rejected by lt-agg.\n\n",
	    (long long)r->in_rejected, (long long)r->in_lines);
	if (r->doc.n_rejects == 0)
		return;
	lt_md_table(d, "t-rejects", "The first rejected input lines", 3, heads);
	for (i = 0; i < r->doc.n_rejects; i++) {
		const struct lt_doc_reject *x = &r->doc.rejects[i];

		lt_md_cell(d, 0, "%s", x->file ? x->file : "-");
		lt_md_cell(d, LT_MD_NUM, "%lld", (long long)x->line);
		lt_md_cell(d, 0, "%s", x->reason ? x->reason : "");
		lt_md_row_end(d);
	}
	lt_md_table_end(d);
}

/* The baseline verdict, for the summary at the top (QA F32c). */
static void
summary_verdict(
    struct lt_md *d, const struct lt_report *r, const struct lt_md_opts *o)
{
	struct lt_cmp c;

	if (o->base == NULL)
		return;
	if (lt_compare(&c, o->base, r, o->tolerance) != 0) {
		d->failed = 1;
		return;
	}
	if (c.regressions > 0)
		lt_md_text(d,
		    "**%d regression%s against the baseline** (tolerance "
		    "%g%%): see Comparison with the baseline.\n\n",
		    c.regressions, c.regressions > 1 ? "s" : "",
		    100 * o->tolerance);
	else
		lt_md_text(d,
		    "No regression against the baseline (tolerance "
		    "%g%%).\n\n",
		    100 * o->tolerance);
	lt_compare_fini(&c);
}

static void
sec_summary(
    struct lt_md *d, const struct lt_report *r, const struct lt_md_opts *o)
{
	const struct lt_rep_ep *t = &r->total;
	char a[32], b[32], c[32], m[32];

	lt_md_text(d, "## Summary\n\n");
	/* A run where nothing succeeded must not read like a normal one. */
	if (t->requests > 0 && t->failures >= t->requests)
		lt_md_text(d,
		    "**Every request failed** (%lld of %lld); see "
		    "Failures.\n\n",
		    (long long)t->failures, (long long)t->requests);
	summary_verdict(d, r, o);
	if (t->requests == 0) {
		lt_md_text(d, "No requests were recorded.\n\n");
	} else {
		lt_md_text(d,
		    "%lld requests, %lld failed (%.2f%%), %.2f "
		    "requests/s. Response time p50 %s ms, p95 %s ms, p99 %s "
		    "ms, "
		    "max %s ms.\n\n",
		    (long long)t->requests, (long long)t->failures,
		    100.0 * t->fail_ratio, t->rps,
		    lt_md_ms(a, sizeof(a), t->pct_ms[0]),
		    lt_md_ms(b, sizeof(b), t->pct_ms[5]),
		    lt_md_ms(c, sizeof(c), t->pct_ms[7]),
		    lt_md_ms(m, sizeof(m), t->max_ms));
	}
	lt_mdcheck_summary(d, r);
	if (r->dropped > 0)
		lt_md_text(d,
		    "%lld scheduled iterations could not start (the "
		    "concurrency cap was reached).\n\n",
		    (long long)r->dropped);
	if (r->in_rejected > 0)
		sec_rejects(d, r);
}

static void
sec_charts(struct lt_md *d, const struct lt_md_opts *o)
{
	int i, any = 0;

	if (!d->html)
		return;
	for (i = 0; i < LT_CHART_N; i++)
		any |= o->chart_html[i] != NULL;
	if (!any && o->charts_note == NULL)
		return;
	lt_md_text(d, "## Charts\n\n");
	if (o->charts_note != NULL) {
		lt_md_esc(d, o->charts_note);
		lt_md_text(d, "\n\n");
	}
	if (!any)
		return;
	lt_buf_reset(&d->tbl);
	d->failed |= lt_buf_adds(&d->tbl, "<div class=\"charts\">\n") != 0;
	for (i = 0; i < LT_CHART_N; i++)
		if (o->chart_html[i] != NULL)
			d->failed |=
			    lt_buf_adds(&d->tbl, o->chart_html[i]) != 0;
	d->failed |= lt_buf_adds(&d->tbl, "</div>") != 0;
	lt_md_block(d, lt_buf_cstr(&d->tbl));
	lt_buf_reset(&d->tbl);
}

static void
ep_stats_row(struct lt_md *d, const struct lt_rep_ep *e)
{
	char a[32];
	int have = e->requests > 0;

	lt_md_cell(d, 0, "%s", e->method);
	lt_md_cell(d, LT_MD_ROWHEAD, "%s", e->name);
	lt_md_cell(d, LT_MD_NUM, "%lld", (long long)e->requests);
	lt_md_cell(d, LT_MD_NUM | (e->failures ? LT_MD_FAIL : 0), "%lld",
	    (long long)e->failures);
	lt_md_cell(d, LT_MD_NUM, "%s",
	    have ? lt_md_ms(a, sizeof(a), e->median_ms) : "");
	lt_md_cell(
	    d, LT_MD_NUM, "%s", have ? lt_md_ms(a, sizeof(a), e->mean_ms) : "");
	lt_md_cell(
	    d, LT_MD_NUM, "%s", have ? lt_md_ms(a, sizeof(a), e->min_ms) : "");
	lt_md_cell(
	    d, LT_MD_NUM, "%s", have ? lt_md_ms(a, sizeof(a), e->max_ms) : "");
	lt_md_cell(d, LT_MD_NUM, "%.0f", e->avg_bytes);
	lt_md_cell(d, LT_MD_NUM, "%.2f", e->rps);
	lt_md_cell(d, LT_MD_NUM, "%.2f", e->fps);
	lt_md_row_end(d);
}

static void
sec_endpoints(struct lt_md *d, const struct lt_report *r)
{
	static const char *const heads[] = { "Type", "Name", ">Requests",
		">Fails", ">Median (ms)", ">Average (ms)", ">Min (ms)",
		">Max (ms)", ">Average size (bytes)", ">RPS", ">Failures/s" };
	static const char *const pheads[] = { "Type", "Name", ">50%", ">66%",
		">75%", ">80%", ">90%", ">95%", ">98%", ">99%", ">99.9%",
		">99.99%", ">100%" };
	size_t i;
	int k;
	char a[32];

	lt_md_text(d, "## Requests\n\n");
	lt_md_table(d, "t-requests+",
	    "Request statistics per endpoint "
	    "(RPS over the whole run)",
	    11, heads);
	for (i = 0; i < r->n_eps; i++)
		ep_stats_row(d, &r->eps[i]);
	ep_stats_row(d, &r->total);
	lt_md_table_end(d);
	lt_md_text(d, "\n## Response time percentiles\n\n");
	lt_md_table(d, "t-percentiles+",
	    "Response time percentiles per "
	    "endpoint (ms)",
	    13, pheads);
	for (i = 0; i <= r->n_eps; i++) {
		const struct lt_rep_ep *e =
		    i < r->n_eps ? &r->eps[i] : &r->total;

		lt_md_cell(d, 0, "%s", e->method);
		lt_md_cell(d, LT_MD_ROWHEAD, "%s", e->name);
		for (k = 0; k < LT_REP_NPCT; k++)
			lt_md_cell(d, LT_MD_NUM, "%s",
			    e->requests > 0
			        ? lt_md_ms(a, sizeof(a), e->pct_ms[k])
			        : "N/A");
		lt_md_row_end(d);
	}
	lt_md_table_end(d);
}

static void
sec_co(struct lt_md *d, const struct lt_report *r)
{
	static const char *const heads[] = { "Type", "Name", ">p50 raw",
		">p50 corrected", ">p99 raw", ">p99 corrected", ">p99.9 raw",
		">p99.9 corrected", ">max raw", ">max corrected" };
	static const int ks[] = { 0, 7, 8 };
	size_t i;
	int k;
	char a[32];

	if (!r->total.has_co)
		return;
	lt_md_text(d,
	    "\n## Coordinated omission\n\n"
	    "This run scheduled its requests (open model). *Raw* times "
	    "start when a request was sent; *corrected* times start when it "
	    "was scheduled, so they include the time a request waited for a "
	    "free user. Corrected times are what a client arriving on "
	    "schedule would have seen.\n\n");
	lt_md_table(
	    d, "t-co+", "Raw and CO-corrected response times (ms)", 10, heads);
	for (i = 0; i <= r->n_eps; i++) {
		const struct lt_rep_ep *e =
		    i < r->n_eps ? &r->eps[i] : &r->total;

		if (!e->has_co)
			continue;
		lt_md_cell(d, 0, "%s", e->method);
		lt_md_cell(d, LT_MD_ROWHEAD, "%s", e->name);
		for (k = 0; k < 3; k++) {
			lt_md_cell(d, LT_MD_NUM, "%s",
			    lt_md_ms(a, sizeof(a), e->pct_ms[ks[k]]));
			lt_md_cell(d, LT_MD_NUM, "%s",
			    lt_md_ms(a, sizeof(a), e->co_pct_ms[ks[k]]));
		}
		lt_md_cell(
		    d, LT_MD_NUM, "%s", lt_md_ms(a, sizeof(a), e->max_ms));
		lt_md_cell(
		    d, LT_MD_NUM, "%s", lt_md_ms(a, sizeof(a), e->co_max_ms));
		lt_md_row_end(d);
	}
	lt_md_table_end(d);
}

static void
sec_failures(struct lt_md *d, const struct lt_report *r)
{
	static const char *const heads[] = { ">Failures", "Method", "Name",
		"Message" };
	size_t i;

	lt_md_text(d, "\n## Failures\n\n");
	if (r->n_fails == 0) {
		lt_md_text(d, "No failures.\n\n");
		return;
	}
	lt_md_table(d, "t-failures",
	    "Failures grouped by endpoint and "
	    "error",
	    4, heads);
	for (i = 0; i < r->n_fails; i++) {
		const struct lt_rep_fail *f = &r->fails[i];

		lt_md_cell(d, LT_MD_NUM, "%lld", (long long)f->occurrences);
		lt_md_cell(d, 0, "%s", f->method);
		lt_md_cell(d, LT_MD_ROWHEAD, "%s", f->name);
		lt_md_cell(d, 0, "%s", f->error);
		lt_md_row_end(d);
	}
	lt_md_table_end(d);
}

/* Status codes, as columns: the union over the total, sorted. */
static void
sec_status(struct lt_md *d, const struct lt_report *r)
{
	const struct lt_rep_ep *t = &r->total;
	const char *heads[2 + 16];
	char labels[16][24];
	size_t i, j, n = t->n_status < 16 ? t->n_status : 16;

	if (n == 0)
		return;
	heads[0] = "Type";
	heads[1] = "Name";
	for (j = 0; j < n; j++) {
		snprintf(labels[j], sizeof(labels[j]), ">%s",
		    strcmp(t->status[j].code, "0") == 0 ? "no response"
		                                        : t->status[j].code);
		heads[2 + j] = labels[j];
	}
	lt_md_text(d, "\n## Status codes\n\n");
	lt_md_table(d, "t-status+", "Responses per HTTP status code",
	    (int)n + 2, heads);
	for (i = 0; i <= r->n_eps; i++) {
		const struct lt_rep_ep *e = i < r->n_eps ? &r->eps[i] : t;

		lt_md_cell(d, 0, "%s", e->method);
		lt_md_cell(d, LT_MD_ROWHEAD, "%s", e->name);
		for (j = 0; j < n; j++) {
			long long c = 0;
			size_t k;

			for (k = 0; k < e->n_status; k++)
				if (strcmp(e->status[k].code,
				        t->status[j].code) == 0)
					c = e->status[k].count;
			lt_md_cell(d, LT_MD_NUM, "%lld", c);
		}
		lt_md_row_end(d);
	}
	lt_md_table_end(d);
}

/*
 * The options lt-run recorded.  A shape run takes its users and duration
 * from the shape, not from users, spawn_rate and run_time_s: say so, and
 * what the shape drove.
 */
static void
sec_options(struct lt_md *d, const struct lt_report *r)
{
	static const char *const heads[] = { "Option", "Value" };
	static const char *const unused[] = { "users", "spawn_rate",
		"run_time_s" };
	const char *shape = opt_get(r, "shape");
	size_t i, k;

	if (r->n_opts == 0)
		return;
	lt_md_text(d, "\n## Run options\n\n");
	if (shape != NULL) {
		lt_md_text(d, "The shape ");
		lt_md_esc(d, shape);
		lt_md_text(d,
		    " set the number of users over time: it drove up to %lld "
		    "users for %.1f s; users, spawn_rate and run_time_s were "
		    "not used.\n\n",
		    (long long)r->max_users, r->duration_s);
	}
	lt_md_table(d, "t-options",
	    "Options of the run, as lt-run recorded "
	    "them",
	    2, heads);
	for (i = 0; i < r->n_opts; i++) {
		int skip = 0;

		for (k = 0; shape != NULL && k < 3; k++)
			skip |= strcmp(r->opts[i].key, unused[k]) == 0;
		lt_md_cell(d, LT_MD_ROWHEAD, "%s", r->opts[i].key);
		lt_md_cell(d, 0, "%s%s", r->opts[i].value,
		    skip ? " (not used: the shape sets users)" : "");
		lt_md_row_end(d);
	}
	lt_md_table_end(d);
}

/* A section per picked endpoint (the same pick as html.c's charts). */
static void
sec_detail(
    struct lt_md *d, const struct lt_report *r, const struct lt_md_opts *o)
{
	const struct lt_rep_ep *eps[LT_MD_DETAIL_MAX];
	struct lt_rep_pick p;
	unsigned char *flag = NULL;
	int rc;

	/* Regressed endpoints count as those with failures do (html.c). */
	if (o->base != NULL &&
	    (flag = lt_compare_regressed(o->base, r, o->tolerance)) == NULL) {
		d->failed = 1;
		return;
	}
	rc = lt_report_pick(r, LT_MD_DETAIL_MAX, flag, eps, &p);
	free(flag);
	if (rc < 0) {
		d->failed = 1;
		return;
	}
	lt_mdsec_detail(d, r, eps, &p, d->html ? o->detail_html : NULL);
}

int
lt_md_build(
    struct lt_md *d, const struct lt_report *r, const struct lt_md_opts *o)
{
	sec_header(d, r, o);
	sec_summary(d, r, o);
	lt_mdsec_thresholds(d, r);
	if (o->notes_md != NULL)
		lt_md_text(d, "## Notes\n\n%s\n\n", o->notes_md);
	sec_charts(d, o);
	if (lt_mdsec_compare(d, r, o->base, o->base_label, o->tolerance) != 0)
		d->failed = 1;
	sec_endpoints(d, r);
	lt_mdclass_section(d, r);
	lt_mdsec_ttfb(d, r);
	lt_mdsec_ranges(d, r, o->range_ms[0] > 0 ? o->range_ms[0] : 800,
	    o->range_ms[1] > 0 ? o->range_ms[1] : 1200);
	sec_co(d, r);
	sec_detail(d, r, o);
	if (lt_llmrep_has(r))
		lt_llmrep_section(d, r, o->llm_html);
	sec_failures(d, r);
	lt_mdcheck_section(d, r);
	sec_status(d, r);
	lt_mdsec_bytes(d, r);
	sec_options(d, r);
	lt_md_text(d,
	    "\n---\n\nWritten by lt-report %s from %lld events "
	    "(%lld input lines).\n",
	    LT_VERSION, (long long)r->in_events, (long long)r->in_lines);
	return d->failed ? -1 : 0;
}

int
lt_md_render(
    struct lt_buf *out, const struct lt_report *r, const struct lt_md_opts *o)
{
	struct lt_md d;
	int rc;

	lt_md_init(&d, 0);
	rc = lt_md_build(&d, r, o);
	if (rc == 0)
		rc = lt_buf_add(out, d.md.data, d.md.len);
	lt_md_fini(&d);
	return rc;
}
