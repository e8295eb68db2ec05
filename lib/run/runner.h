/*
 * runner.h - one lt-run run: users spawned in a closed model, iterations
 * started on a schedule in an open model, or a shape steering either; the
 * run's lifecycle (start, -t, iterations, signals, shape end, stdout
 * closed), the graceful stop that gives every started request exactly one
 * event, and the statistics behind the live line and the final table.
 *
 * lt_run() owns its loops and returns when the run is over.  It never
 * prints: the caller passes a progress callback for the live line and
 * reads the final statistics from struct lt_run_stats.
 */
#ifndef LT_RUNNER_H
#define LT_RUNNER_H

#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/hist.h"
#include "run/lathist.h" /* lt_lathist, part of this API (lib/fanout) */
#include "run/runep.h"
#include "run/runopts.h"

struct lt_scenario;

struct lt_run_stats {
	double elapsed_s;
	const char *reason; /* time, iterations, shape, signal, stdout */
	uint64_t requests, failures, drops;
	uint64_t check_passes, check_fails; /* the events' "checks" */
	long users_max;
	long users_capped; /* users refused because of RLIMIT_NOFILE */
	int n_endpoints;
	struct lt_run_endpoint *endpoints; /* owned; lt_run_stats_fini;
	                                      sorted as lt-agg sorts them */
	struct lt_hist total;              /* every endpoint's latencies */
	char out_error[128]; /* write error on the event output, or "" */
};

/* One live line's worth of numbers (the last interval). */
struct lt_run_tick {
	double elapsed_s;
	long users;
	double rps, fails_per_s;
	uint64_t requests, failures;
	double p50_ms, p95_ms;
};

typedef void lt_run_progress_fn(const struct lt_run_tick *t, void *arg);

/*
 * Runs sc with options o.  progress (may be NULL) is called every 2 s
 * from the main thread.  Fills st (caller's storage, freed with
 * lt_run_stats_fini).  Returns 0 when the run happened (whatever the
 * failures of the target), or -1 with err set (LT_EXIT_USAGE for a bad
 * option combination before anything was sent, LT_EXIT_RUNTIME).
 */
int lt_run(const struct lt_scenario *sc, const struct lt_run_opts *o,
    lt_run_progress_fn *progress, void *arg, struct lt_run_stats *st,
    struct lt_err *err);

void lt_run_stats_fini(struct lt_run_stats *st);

/* Appends the live line for t to out (runsum.c).  Returns 0 or -1. */
int lt_run_tick_format(const struct lt_run_tick *t, struct lt_buf *out);

/*
 * Appends the final summary (a table per endpoint, then the totals and
 * drops) to out.  Returns 0 or -1.
 */
int lt_run_stats_format(const struct lt_run_stats *st, struct lt_buf *out);

#endif
