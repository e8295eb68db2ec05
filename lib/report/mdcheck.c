/*
 * mdcheck.c - the "Checks" section; see mdcheck.h.  Check labels are the
 * scenario's text and endpoint names come from events: both are data and
 * go through the table cells, which escape them for Markdown and HTML.
 */
#include <stdlib.h>
#include <string.h>

#include "report/mdcheck.h"

static void
totals(const struct lt_aggdoc *doc, int64_t *passes, int64_t *fails,
    size_t *failing)
{
	*passes = *fails = 0;
	*failing = 0;
	for (size_t i = 0; i < doc->n_checks; i++) {
		*passes += doc->checks[i].passes;
		*fails += doc->checks[i].fails;
		*failing += doc->checks[i].fails > 0;
	}
}

void
lt_mdcheck_summary(struct lt_md *d, const struct lt_report *r)
{
	const struct lt_aggdoc *doc = &r->doc;
	int64_t p, f;
	size_t failing;

	if (doc->checks == NULL || doc->n_checks == 0)
		return;
	totals(doc, &p, &f, &failing);
	if (p + f == 0)
		return;
	lt_md_text(d, "Checks: %.2f%% passed (%lld of %lld)",
	    100.0 * (double)p / (double)(p + f), (long long)p,
	    (long long)(p + f));
	if (f > 0)
		lt_md_text(d, "; %zu of %zu checks failed at least once",
		    failing, doc->n_checks);
	lt_md_text(d, ".\n\n");
}

/* Failing checks first (most failures first); then the aggregate's
 * order (endpoint name, method, order written). */
static int
cmp_fails(const void *x, const void *y)
{
	const struct lt_doc_check *a = *(const struct lt_doc_check *const *)x;
	const struct lt_doc_check *b = *(const struct lt_doc_check *const *)y;

	if (a->fails != b->fails)
		return a->fails > b->fails ? -1 : 1;
	return a < b ? -1 : a > b;
}

static void
by_check(struct lt_md *d, const struct lt_aggdoc *doc)
{
	static const char *const heads[] = { "Endpoint", "Check", ">Passes",
		">Failures", ">Passed %" };
	const struct lt_doc_check **v = calloc(doc->n_checks, sizeof(*v));

	if (v == NULL) {
		d->failed = 1;
		return;
	}
	for (size_t i = 0; i < doc->n_checks; i++)
		v[i] = &doc->checks[i];
	qsort(v, doc->n_checks, sizeof(*v), cmp_fails);
	lt_md_text(d,
	    "\n## Checks\n\nEvery check of every endpoint, failing ones "
	    "first. A check counts once per response it was evaluated "
	    "on; a request that got no response has none.\n\n");
	lt_md_table(
	    d, "t-checks", "Passes and failures of each check", 5, heads);
	for (size_t i = 0; i < doc->n_checks; i++) {
		const struct lt_doc_check *c = v[i];
		int64_t n = c->passes + c->fails;

		lt_md_cell(d, LT_MD_ROWHEAD, "%s%s%s", c->method,
		    *c->method ? " " : "", c->name);
		lt_md_cell(d, 0, "%s", c->check);
		lt_md_cell(d, LT_MD_NUM, "%lld", (long long)c->passes);
		lt_md_cell(d, LT_MD_NUM | (c->fails ? LT_MD_FAIL : 0), "%lld",
		    (long long)c->fails);
		lt_md_cell(d, LT_MD_NUM | (c->fails ? LT_MD_FAIL : LT_MD_PASS),
		    "%.2f", n ? 100.0 * (double)c->passes / (double)n : 0.0);
		lt_md_row_end(d);
	}
	lt_md_table_end(d);
	if (doc->checks[doc->n_checks - 1].folded)
		lt_md_text(d,
		    "Checks beyond the first 1000 (endpoint, check) pairs are "
		    "counted together as (other).\n\n");
	free(v);
}

/* Aggregates without per-check counts: what the failure groups say. */
static void
from_failures(struct lt_md *d, const struct lt_report *r)
{
	static const char *const heads[] = { "Endpoint", "Check", ">Failures",
		">Of requests" };
	size_t i, n = 0;

	for (i = 0; i < r->n_fails; i++)
		n += strncmp(r->fails[i].error, "check:", 6) == 0;
	if (n == 0)
		return;
	lt_md_text(d,
	    "\n## Checks\n\nResponse checks that failed. The aggregate has "
	    "no per-check counts (its events came from an lt-run that "
	    "recorded failed checks only), so passes are not known.\n\n");
	lt_md_table(d, "t-checks", "Failed checks by endpoint", 4, heads);
	for (i = 0; i < r->n_fails; i++) {
		const struct lt_rep_fail *f = &r->fails[i];
		const struct lt_rep_ep *e;

		if (strncmp(f->error, "check:", 6) != 0)
			continue;
		e = lt_report_find(r, f->method, f->name);
		lt_md_cell(d, LT_MD_ROWHEAD, "%s%s%s", f->method,
		    *f->method ? " " : "", f->name);
		lt_md_cell(d, 0, "%s", f->error + 6 + (f->error[6] == ' '));
		lt_md_cell(d, LT_MD_NUM | LT_MD_FAIL, "%lld",
		    (long long)f->occurrences);
		lt_md_cell(
		    d, LT_MD_NUM, "%lld", e ? (long long)e->requests : 0LL);
		lt_md_row_end(d);
	}
	lt_md_table_end(d);
}

void
lt_mdcheck_section(struct lt_md *d, const struct lt_report *r)
{
	if (r->doc.checks != NULL && r->doc.n_checks > 0)
		by_check(d, &r->doc);
	else
		from_failures(d, r);
}
