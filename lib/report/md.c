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

#include "report/html.h"
#include "report/md.h"
#include "core/version.h"

/* ---- the document API ---- */

void
lt_md_init(struct lt_md *d, int html)
{
	memset(d, 0, sizeof(*d));
	d->html = html;
	lt_buf_init(&d->md, 0);
	lt_buf_init(&d->tbl, 0);
	lt_buf_init(&d->cell, 0);
}

void
lt_md_fini(struct lt_md *d)
{
	size_t i;

	for (i = 0; i < d->n_blocks; i++)
		free(d->blocks[i]);
	free(d->blocks);
	lt_buf_fini(&d->md);
	lt_buf_fini(&d->tbl);
	lt_buf_fini(&d->cell);
}

void
lt_md_text(struct lt_md *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	d->failed |= lt_buf_vprintf(&d->md, fmt, ap) != 0;
	va_end(ap);
}

/* Markdown escaping of text into b: the characters that start markup. */
static int
md_esc(struct lt_buf *b, const char *s)
{
	int rc = 0;

	for (; *s != '\0'; s++) {
		if (strchr("\\`*_[]<>&|!~#", *s) != NULL)
			rc |= lt_buf_addc(b, '\\');
		if (*s == '\n' || *s == '\r')
			rc |= lt_buf_addc(b, ' ');
		else
			rc |= lt_buf_addc(b, *s);
	}
	return rc;
}

void
lt_md_esc(struct lt_md *d, const char *s)
{
	d->failed |= md_esc(&d->md, s) != 0;
}

void
lt_md_block(struct lt_md *d, const char *html)
{
	char **nb;
	char *copy;

	if (!d->html)
		return;
	if (d->n_blocks == d->cap_blocks) {
		size_t nc = d->cap_blocks ? d->cap_blocks * 2 : 16;

		nb = realloc(d->blocks, nc * sizeof(*nb));
		if (nb == NULL) {
			d->failed = 1;
			return;
		}
		d->blocks = nb;
		d->cap_blocks = nc;
	}
	copy = strdup(html);
	if (copy == NULL) {
		d->failed = 1;
		return;
	}
	d->blocks[d->n_blocks] = copy;
	lt_md_text(d, "\n@@lt-block-%zu@@\n\n", d->n_blocks);
	d->n_blocks++;
}

void
lt_md_table(struct lt_md *d, const char *id, const char *caption, int ncols,
    const char *const *heads)
{
	struct lt_buf *t = &d->tbl;
	int i, rc = 0;

	lt_buf_reset(t);
	d->ncols = ncols;
	d->col = 0;
	if (d->html) {
		size_t idlen = strlen(id);
		int tot = idlen > 0 && id[idlen - 1] == '+';

		rc |= lt_buf_printf(t,
		    "<div class=\"tw\"><table id=\"%.*s\"%s>"
		    "\n<caption>",
		    (int)(idlen - (size_t)tot), id,
		    tot ? " class=\"tot\"" : "");
		rc |= lt_html_esc(t, caption);
		rc |= lt_buf_adds(t, "</caption>\n<thead><tr>");
		for (i = 0; i < ncols; i++) {
			const char *h = heads[i];
			int num = h[0] == '>';

			rc |= lt_buf_printf(t, "<th scope=\"col\"%s>",
			    num ? " class=\"n\"" : "");
			rc |= lt_html_esc(t, h + num);
			rc |= lt_buf_adds(t, "</th>");
		}
		rc |= lt_buf_adds(t, "</tr></thead>\n<tbody>\n<tr>");
	} else {
		rc |= lt_buf_adds(t, "\n|");
		for (i = 0; i < ncols; i++) {
			rc |= lt_buf_addc(t, ' ');
			rc |= md_esc(t, heads[i] + (heads[i][0] == '>'));
			rc |= lt_buf_adds(t, " |");
		}
		rc |= lt_buf_adds(t, "\n|");
		for (i = 0; i < ncols; i++)
			rc |= lt_buf_adds(
			    t, heads[i][0] == '>' ? "---:|" : "---|");
		rc |= lt_buf_adds(t, "\n|");
	}
	d->failed |= rc != 0;
}

void
lt_md_cell(struct lt_md *d, int flags, const char *fmt, ...)
{
	struct lt_buf *t = &d->tbl;
	const char *cls = flags & LT_MD_WORSE ? "worse"
	    : flags & LT_MD_BETTER            ? "better"
	    : flags & LT_MD_PASS              ? "pass"
	    : flags & LT_MD_FAIL              ? "fail"
	                                      : NULL;
	const char *tag = flags & LT_MD_ROWHEAD ? "th" : "td";
	const char *text;
	va_list ap;
	int rc;

	lt_buf_reset(&d->cell);
	va_start(ap, fmt);
	rc = lt_buf_vprintf(&d->cell, fmt, ap);
	va_end(ap);
	if (rc != 0) {
		d->failed = 1;
		return;
	}
	text = lt_buf_cstr(&d->cell);
	if (d->html) {
		rc |= lt_buf_printf(t, "<%s%s", tag,
		    flags & LT_MD_ROWHEAD ? " scope=\"row\"" : "");
		if (cls != NULL || (flags & LT_MD_NUM))
			rc |= lt_buf_printf(t, " class=\"%s%s%s\"",
			    flags & LT_MD_NUM ? "n" : "",
			    cls && (flags & LT_MD_NUM) ? " " : "",
			    cls ? cls : "");
		rc |= lt_buf_addc(t, '>');
		rc |= lt_html_esc(t, text);
		rc |= lt_buf_printf(t, "</%s>", tag);
	} else {
		rc |= lt_buf_addc(t, ' ');
		if (flags & (LT_MD_WORSE | LT_MD_FAIL))
			rc |= lt_buf_adds(t, "**");
		rc |= md_esc(t, text);
		if (flags & (LT_MD_WORSE | LT_MD_FAIL))
			rc |= lt_buf_adds(t, "**");
		if (flags & LT_MD_WORSE)
			rc |= lt_buf_adds(t, " (worse)");
		else if (flags & LT_MD_BETTER)
			rc |= lt_buf_adds(t, " (better)");
		rc |= lt_buf_adds(t, " |");
	}
	d->col++;
	d->failed |= rc != 0;
}

void
lt_md_row_end(struct lt_md *d)
{
	d->failed |= lt_buf_adds(&d->tbl, d->html ? "</tr>\n<tr>" : "\n|") != 0;
	d->col = 0;
}

/* Drops the row opened after the last lt_md_row_end. */
static void
trim_open_row(struct lt_md *d)
{
	const char *open = d->html ? "<tr>" : "|";
	size_t n = strlen(open);

	if (d->tbl.len >= n &&
	    memcmp(d->tbl.data + d->tbl.len - n, open, n) == 0)
		d->tbl.len -= n;
}

void
lt_md_table_end(struct lt_md *d)
{
	trim_open_row(d);
	if (d->html) {
		d->failed |=
		    lt_buf_adds(&d->tbl, "</tbody></table></div>") != 0;
		lt_md_block(d, lt_buf_cstr(&d->tbl));
	} else {
		d->failed |= lt_buf_adds(&d->tbl, "\n") != 0;
		d->failed |= lt_buf_add(&d->md, d->tbl.data, d->tbl.len) != 0;
	}
	lt_buf_reset(&d->tbl);
}

/* ---- formatting helpers ---- */

const char *
lt_md_ms(char *s, size_t cap, double ms)
{
	if (ms < 1)
		snprintf(s, cap, "%.3f", ms);
	else if (ms < 10)
		snprintf(s, cap, "%.2f", ms);
	else if (ms < 1000)
		snprintf(s, cap, "%.1f", ms);
	else
		snprintf(s, cap, "%.0f", ms);
	return s;
}

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
	size_t i, failed = 0;
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
	for (i = 0; i < r->n_thrs; i++)
		failed += !r->thrs[i].ok;
	if (r->n_thrs > 0 && failed == 0)
		lt_md_text(d, "All %zu thresholds passed.\n\n", r->n_thrs);
	else if (r->n_thrs > 0)
		lt_md_text(d, "**%zu of %zu thresholds failed.**\n\n", failed,
		    r->n_thrs);
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

/* "12.3 → 14.1 (+14.6%)" for one compared metric. */
static void
delta_cell(struct lt_md *d, const struct lt_cmp_row *row, int m)
{
	double o = row->old_v[m], n = row->new_v[m];
	int flags = LT_MD_NUM | (row->verdict[m] > 0 ? LT_MD_WORSE : 0) |
	    (row->verdict[m] < 0 ? LT_MD_BETTER : 0);
	char a[32], b[32], pct[32] = "";

	if (row->old_ep == NULL || row->new_ep == NULL) {
		lt_md_cell(d, LT_MD_NUM, "%s", row->old_ep ? "removed" : "new");
		return;
	}
	if (o != 0)
		snprintf(pct, sizeof(pct), " (%+.1f%%)", 100.0 * (n - o) / o);
	if (m == LT_CMP_FAIL)
		lt_md_cell(
		    d, flags, "%.2f%% → %.2f%%%s", 100 * o, 100 * n, pct);
	else if (m == LT_CMP_RPS)
		lt_md_cell(d, flags, "%.2f → %.2f%s", o, n, pct);
	else
		lt_md_cell(d, flags, "%s → %s%s", lt_md_ms(a, sizeof(a), o),
		    lt_md_ms(b, sizeof(b), n), pct);
}

static int
sec_compare(
    struct lt_md *d, const struct lt_report *r, const struct lt_md_opts *o)
{
	static const char *const heads[] = { "Type", "Name", ">p50 (ms)",
		">p95 (ms)", ">p99 (ms)", ">Requests/s", ">Failure ratio" };
	struct lt_cmp c;
	size_t i;
	int m;

	if (o->base == NULL)
		return 0;
	if (lt_compare(&c, o->base, r, o->tolerance) != 0)
		return -1;
	lt_md_text(d, "\n## Comparison with the baseline\n\nBaseline: ");
	lt_md_esc(d, o->base_label ? o->base_label : "baseline");
	lt_md_text(d,
	    ". Tolerance %g%% (latencies also by 1 ms or more, the failure "
	    "ratio by 0.1 point or more): ",
	    100 * o->tolerance);
	if (c.regressions > 0)
		lt_md_text(d, "**%d regression%s beyond the tolerance.**\n\n",
		    c.regressions, c.regressions > 1 ? "s" : "");
	else
		lt_md_text(d, "no regression beyond the tolerance.\n\n");
	lt_md_table(
	    d, "t-compare+", "Baseline → this run, per endpoint", 7, heads);
	for (i = 0; i < c.n_rows; i++) {
		const struct lt_cmp_row *row = &c.rows[i];
		const struct lt_rep_ep *e =
		    row->new_ep ? row->new_ep : row->old_ep;

		lt_md_cell(d, 0, "%s", e->method);
		lt_md_cell(d, LT_MD_ROWHEAD, "%s", e->name);
		for (m = 0; m < LT_CMP_N; m++)
			delta_cell(d, row, m);
		lt_md_row_end(d);
	}
	lt_md_table_end(d);
	lt_compare_fini(&c);
	return 0;
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

static void
sec_thresholds(struct lt_md *d, const struct lt_report *r)
{
	static const char *const heads[] = { "Threshold", "Endpoint", ">Value",
		">Limit", "Result" };
	size_t i;

	if (r->n_thrs == 0)
		return;
	lt_md_text(d, "\n## Thresholds\n\n");
	lt_md_table(
	    d, "t-thresholds", "Thresholds and their results", 5, heads);
	for (i = 0; i < r->n_thrs; i++) {
		const struct lt_rep_thr *t = &r->thrs[i];

		lt_md_cell(d, LT_MD_ROWHEAD, "%s", t->expr);
		lt_md_cell(d, 0, "%s", t->endpoint ? t->endpoint : "all");
		/* as lt-agg decided: no samples is no value, not 0 */
		if (t->has_value)
			lt_md_cell(d, LT_MD_NUM, "%.6g", t->value);
		else
			lt_md_cell(d, LT_MD_NUM, "%s", "none");
		lt_md_cell(d, LT_MD_NUM, "%.6g", t->limit);
		lt_md_cell(d, t->ok ? LT_MD_PASS : LT_MD_FAIL, "%s",
		    t->ok ? "pass" : "FAIL");
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

static void
sec_options(struct lt_md *d, const struct lt_report *r)
{
	static const char *const heads[] = { "Option", "Value" };
	size_t i;

	if (r->n_opts == 0)
		return;
	lt_md_text(d, "\n## Run options\n\n");
	lt_md_table(d, "t-options",
	    "Options of the run, as lt-run recorded "
	    "them",
	    2, heads);
	for (i = 0; i < r->n_opts; i++) {
		lt_md_cell(d, LT_MD_ROWHEAD, "%s", r->opts[i].key);
		lt_md_cell(d, 0, "%s", r->opts[i].value);
		lt_md_row_end(d);
	}
	lt_md_table_end(d);
}

int
lt_md_build(
    struct lt_md *d, const struct lt_report *r, const struct lt_md_opts *o)
{
	sec_header(d, r, o);
	sec_summary(d, r, o);
	if (o->notes_md != NULL)
		lt_md_text(d, "## Notes\n\n%s\n\n", o->notes_md);
	sec_charts(d, o);
	if (sec_compare(d, r, o) != 0)
		d->failed = 1;
	sec_endpoints(d, r);
	sec_co(d, r);
	sec_failures(d, r);
	sec_thresholds(d, r);
	sec_status(d, r);
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
