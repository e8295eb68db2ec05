/*
 * segment.h - lt-run --segment I/N: this process's deterministic share of
 * a run split over N processes (lt-fanout's workers), like k6's execution
 * segments, and --start-at (start at an absolute time).
 *
 * The run is cut into N x jobs stripes; shard s of segment I is stripe
 * I + s*N.  A stripe gets total/stripes users (+1 for the first
 * total%stripes stripes), the same of every fixed count, 1/stripes of the
 * spawn rate and of the arrival rate, user ids stripe, stripe+stripes...,
 * and in the open model the arrivals stripe, stripe+stripes, ... of the
 * single-process schedule.  -i is split the same way over the N segments.
 * Without --segment there is one segment and stripes are the shards.
 */
#ifndef LT_SEGMENT_H
#define LT_SEGMENT_H

#include <stdint.h>

#include "core/err.h"

#define LT_SEGMENT_MAX 100000

/* Parses "I/N" (0 <= I < N <= LT_SEGMENT_MAX). Returns 0 or -1 (err). */
int lt_segment_parse(const char *s, int *index, int *count, struct lt_err *err);

/* Part i of total split into parts: they add up to total exactly. */
long lt_segment_share(long total, long parts, long i);

/* Number of stripes of a run of jobs shards per segment (seg_count 0:
 * no --segment), and the stripe of shard in segment seg_index. */
int lt_segment_stripes(int jobs, int seg_count);
int lt_segment_stripe(int seg_index, int seg_count, int shard);

/* The -i budget of this segment: 0 unlimited, -1 when the segment's share
 * of a limited run is empty (it runs nothing). */
long lt_segment_iterations(long iterations, int seg_index, int seg_count);

/* Deals sc's data rows to this segment: its draw k takes row
 * seg_index + k * seg_count, so segments never share a row (until the
 * rows wrap around) and, when each takes its share of the draws, their
 * rows together are a single process's rows 0, 1, 2, ... */
struct lt_scenario;
void lt_segment_data(
    const struct lt_scenario *sc, int seg_index, int seg_count);

/* Sleeps until the wall clock reads epoch_ms (returns at once when it is
 * past).  Returns 0, or -1 when interrupted by a signal (err set). */
int lt_segment_wait_until(int64_t epoch_ms, struct lt_err *err);

#endif
