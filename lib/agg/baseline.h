/*
 * baseline.h - comparing an aggregate with an older one: the one set of
 * regression rules for lt-agg --baseline (a nightly gate) and lt-report
 * --baseline (the report's comparison), so the two never disagree about
 * the same pair of runs.
 *
 * For the total and every endpoint present in both, p50, p95, p99 (ms),
 * requests/s and the failure ratio.  With t the tolerance as a ratio
 * (10% = 0.1), a metric is worse when:
 *	latency (p50, p95, p99):  new > old * (1 + t) and new - old >= 1 ms
 *	requests/s:               new < old * (1 - t)
 *	failure ratio:            new > old * (1 + t) and new - old > 0.001
 * and better in the mirror image.  The floors keep noise from failing a
 * nightly job: two runs of one build differ by more than any sensible
 * tolerance below a millisecond (0.4 -> 0.7 ms on a shared machine), and
 * 0 -> 0.0001 failures is one request in ten thousand.  Nothing is judged
 * when either side has no requests.  Figures are computed from what the
 * aggregate carries exactly (histogram percentiles in whole
 * microseconds, requests over the duration, failures over requests), not
 * from its rounded rates, so the in-memory aggregate of lt-agg and the
 * file lt-report reads give the same verdicts.  Endpoints only in one of
 * the two are listed ("new", "gone") but never count as regressions.
 */
#ifndef LT_BASELINE_H
#define LT_BASELINE_H

#include <stdint.h>
#include <stdio.h>

#include "agg/agg.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/hist.h"

#define LT_BASELINE_FLOOR_MS    1.0   /* smallest latency change, ms */
#define LT_BASELINE_FLOOR_RATIO 0.001 /* smallest failure-ratio change */

enum lt_bl_metric {
	LT_BL_P50,
	LT_BL_P95,
	LT_BL_P99,
	LT_BL_RPS,
	LT_BL_FAIL,
	LT_BL_N
};

/* One side of a comparison. */
struct lt_bl_figures {
	int64_t requests;
	double v[LT_BL_N]; /* ms, ms, ms, per second, ratio */
};

/*
 * Fills f.  pct_ms: the aggregate's percentiles in ms (whole
 * microseconds / 1000), in the order of lt_pct_list (hist.h); rps:
 * requests over the exact duration.
 */
void lt_baseline_figures(struct lt_bl_figures *f, int64_t requests,
    int64_t failures, double rps, const double pct_ms[LT_PCT_N]);

/* The verdict on one metric: 1 worse, -1 better, 0 within tolerance. */
int lt_baseline_verdict(
    enum lt_bl_metric m, double old, double new, double tolerance);

/*
 * Fills verdict[] for every metric (all 0 when either side has no
 * requests) and returns how many are worse.
 */
int lt_baseline_judge(const struct lt_bl_figures *old,
    const struct lt_bl_figures *new, double tolerance, int verdict[LT_BL_N]);

/*
 * Parses a --tolerance argument, the same for every program: "10%",
 * "10" (percent) or "0.5%", any finite percentage >= 0.  Sets *ratio
 * (0.1 for 10%) and returns 0, or -1 (nan, inf, negative, garbage).
 */
int lt_baseline_tolerance(const char *s, double *ratio);

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
