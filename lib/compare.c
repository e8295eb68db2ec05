/* compare.c - baseline deltas and their verdicts; see compare.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"

const char *const lt_cmp_metric_name[LT_CMP_N] = { "p50", "p95", "p99",
	"requests/s", "failure ratio" };

/* The smallest failure-ratio increase that can count as a regression. */
#define FAIL_RATIO_FLOOR 0.001
/*
 * The smallest latency change that can count (QA F19): below a
 * millisecond, two runs of the same build differ by more than any
 * sensible tolerance (0.4 -> 0.7 ms on a shared machine), so a nightly
 * comparison would flap.
 */
#define LATENCY_FLOOR_MS 1.0

static void
values(const struct lt_rep_ep *e, double *v)
{
	v[LT_CMP_P50] = e->pct_ms[0];
	v[LT_CMP_P95] = e->pct_ms[5];
	v[LT_CMP_P99] = e->pct_ms[7];
	v[LT_CMP_RPS] = e->rps;
	v[LT_CMP_FAIL] = e->fail_ratio;
}

static int
verdict(int m, double o, double n, double tol)
{
	switch (m) {
	case LT_CMP_RPS:
		if (n < o * (1 - tol))
			return 1;
		return n > o * (1 + tol) ? -1 : 0;
	case LT_CMP_FAIL:
		if (n - o > FAIL_RATIO_FLOOR && n > o * (1 + tol))
			return 1;
		return o - n > FAIL_RATIO_FLOOR && n < o * (1 - tol) ? -1 : 0;
	default:
		if (n - o >= LATENCY_FLOOR_MS && n > o * (1 + tol))
			return 1;
		return o - n >= LATENCY_FLOOR_MS && n < o * (1 - tol) ? -1 : 0;
	}
}

static void
fill(struct lt_cmp *c, const struct lt_rep_ep *o, const struct lt_rep_ep *n,
    double tol)
{
	struct lt_cmp_row *row = &c->rows[c->n_rows++];
	int m;

	memset(row, 0, sizeof(*row));
	row->old_ep = o;
	row->new_ep = n;
	if (o != NULL)
		values(o, row->old_v);
	if (n != NULL)
		values(n, row->new_v);
	if (o == NULL || n == NULL || o->requests == 0 || n->requests == 0)
		return;
	for (m = 0; m < LT_CMP_N; m++) {
		row->verdict[m] = verdict(m, row->old_v[m], row->new_v[m], tol);
		if (row->verdict[m] > 0)
			c->regressions++;
	}
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
