/*
 * compare.h - deltas between a baseline aggregate and a new one.
 *
 * Endpoints are matched by method and name.  Each metric gets the verdict
 * of lt_baseline_judge() (baseline.h), the rules lt-agg --baseline gates
 * on, so the report and a CI gate agree about the same two runs.
 */
#ifndef LT_COMPARE_H
#define LT_COMPARE_H

#include <stddef.h>

#include "agg/baseline.h"
#include "report/report.h"

enum lt_cmp_metric {
	LT_CMP_P50 = LT_BL_P50,
	LT_CMP_P95 = LT_BL_P95,
	LT_CMP_P99 = LT_BL_P99,
	LT_CMP_RPS = LT_BL_RPS,
	LT_CMP_FAIL = LT_BL_FAIL,
	LT_CMP_N = LT_BL_N
};

extern const char *const lt_cmp_metric_name[LT_CMP_N];

struct lt_cmp_row {
	const struct lt_rep_ep *old_ep, *new_ep; /* either may be NULL */
	double old_v[LT_CMP_N], new_v[LT_CMP_N];
	int verdict[LT_CMP_N]; /* 1 worse, -1 better, 0 within tolerance */
};

struct lt_cmp {
	size_t n_rows; /* endpoints of either run, then the total */
	struct lt_cmp_row *rows;
	int regressions; /* verdicts of 1 over all rows */
};

/*
 * Compares new_r against old_r with tolerance tol (0.10 for 10%).
 * Rows: every endpoint of new_r in its order, then endpoints only in
 * old_r, then the totals.  Returns 0, or -1 when memory runs out.
 */
int lt_compare(struct lt_cmp *c, const struct lt_report *old_r,
    const struct lt_report *new_r, double tol);

/*
 * Flags per endpoint of new_r (index in new_r->eps): 1 when any of its
 * metrics regressed against old_r beyond tol.  Returns a new array (free
 * it; n_eps + 1 bytes), or NULL when memory runs out.
 */
unsigned char *lt_compare_regressed(
    const struct lt_report *old_r, const struct lt_report *new_r, double tol);

/* Frees the rows. */
void lt_compare_fini(struct lt_cmp *c);

#endif
