/*
 * baseline.h - comparing an aggregate with an older one (lt-agg
 * --baseline OLD --tolerance T) so a nightly job can fail on regression.
 *
 * For the total and every endpoint present in both, the deltas of p50,
 * p95, p99 (ms), rps and fail_ratio.  A metric regressed when, with t the
 * tolerance as a ratio (10% = 0.1):
 *	latency (p50, p95, p99):  new > old * (1 + t) and new - old >= 1 ms
 *	rps:                      new < old * (1 - t)
 *	fail_ratio:               new - old > t * max(old, 0.01)
 * The latency floor keeps sub-millisecond noise of fast endpoints (0.4 ->
 * 0.7 ms) from failing a nightly job, as the 0.01 floor does for ratios.
 * Endpoints only in one of the two are listed ("new", "gone") but never
 * count as regressions.
 */
#ifndef LT_BASELINE_H
#define LT_BASELINE_H

#include <stdio.h>

#include "agg.h"
#include "buf.h"
#include "err.h"

#define LT_BASELINE_FLOOR_MS 1.0 /* smallest latency regression, ms */

/*
 * Loads old_path, compares it with the finished agg, appends the
 * "baseline" JSON object to json and sets *regressed.  When diag is not
 * NULL, writes one line per regressed metric and a summary to it.
 * Returns 0 or -1 with err (a bad old aggregate: LT_EXIT_USAGE).
 */
int lt_baseline_compare(const struct lt_agg *agg, const char *old_path,
    double tolerance, struct lt_buf *json, int *regressed, FILE *diag,
    struct lt_err *err);

#endif
