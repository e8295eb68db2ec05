/*
 * compare.c - baseline deltas for lt-report; the verdicts are
 * baseline.c's, the rules lt-agg --baseline applies.  See compare.h.
 */
#include <stdlib.h>
#include <string.h>

#include "report/compare.h"

const char *const lt_cmp_metric_name[LT_CMP_N] = { "p50", "p95", "p99",
	"requests/s", "failure ratio" };

/* e->rps is already requests over the exact duration (report.c). */
static void
figures(const struct lt_rep_ep *e, struct lt_bl_figures *f, double *v)
{
	lt_baseline_figures(f, e->requests, e->failures, e->rps, e->pct_ms);
	memcpy(v, f->v, sizeof(f->v));
}

static void
fill(struct lt_cmp *c, const struct lt_rep_ep *o, const struct lt_rep_ep *n,
    double tol)
{
	struct lt_cmp_row *row = &c->rows[c->n_rows++];
	struct lt_bl_figures fo, fn;

	memset(row, 0, sizeof(*row));
	row->old_ep = o;
	row->new_ep = n;
	if (o != NULL)
		figures(o, &fo, row->old_v);
	if (n != NULL)
		figures(n, &fn, row->new_v);
	if (o != NULL && n != NULL)
		c->regressions +=
		    lt_baseline_judge(&fo, &fn, tol, row->verdict);
}

int
lt_compare(struct lt_cmp *c, const struct lt_report *old_r,
    const struct lt_report *new_r, double tol)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	c->rows = calloc(old_r->n_eps + new_r->n_eps + 1, sizeof(*c->rows));
	if (c->rows == NULL)
		return -1;
	for (i = 0; i < new_r->n_eps; i++) {
		const struct lt_rep_ep *n = &new_r->eps[i];

		fill(c, lt_report_find(old_r, n->method, n->name), n, tol);
	}
	for (i = 0; i < old_r->n_eps; i++) {
		const struct lt_rep_ep *o = &old_r->eps[i];

		if (lt_report_find(new_r, o->method, o->name) == NULL)
			fill(c, o, NULL, tol);
	}
	fill(c, &old_r->total, &new_r->total, tol);
	return 0;
}

void
lt_compare_fini(struct lt_cmp *c)
{
	free(c->rows);
	c->rows = NULL;
	c->n_rows = 0;
}

unsigned char *
lt_compare_regressed(
    const struct lt_report *old_r, const struct lt_report *new_r, double tol)
{
	unsigned char *f = calloc(new_r->n_eps + 1, 1);
	struct lt_cmp c;
	size_t i;
	int m;

	if (f == NULL || lt_compare(&c, old_r, new_r, tol) != 0) {
		free(f);
		return NULL;
	}
	for (i = 0; i < c.n_rows; i++) {
		const struct lt_rep_ep *e = c.rows[i].new_ep;

		if (e == NULL || e < new_r->eps ||
		    e >= new_r->eps + new_r->n_eps)
			continue;
		for (m = 0; m < LT_CMP_N; m++)
			if (c.rows[i].verdict[m] > 0)
				f[e - new_r->eps] = 1;
	}
	lt_compare_fini(&c);
	return f;
}
