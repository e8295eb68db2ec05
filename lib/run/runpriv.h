/*
 * runpriv.h - the runner's private header: struct run (the whole run, on
 * shard 0's loop) and what the runner's files share.  runner.c sets a run
 * up and tears it down; runstats.c records statistics and writes the
 * run's events; runspawn.c spawns, ramps and counts users; runopen.c
 * starts open-model iterations; runstop.c stops shards and the run;
 * runctl.c steers targets, rates and the shape.  Nothing outside these
 * files includes it, and it does not include runner.h (the runner's
 * public header) so that the two never include each other.
 */
#ifndef LT_RUNPRIV_H
#define LT_RUNPRIV_H

#include <stdint.h>

#include <ev.h>

#include "core/err.h"
#include "run/runopts.h"
#include "run/shape.h"
#include "run/shard.h"
#include "run/user.h"

/* runner.h is not included: runner.c includes this header, and to
 * tests/layering.sh runner.c with runner.h is one module */
struct lt_run_stats;
struct lt_run_tick;

#define USERS_EVENT_S 0.1 /* users events at most this often */

/* A shard's current ramp toward its target (that shard's thread only). */
struct ramp {
	int64_t t0_us; /* when it began, monotonic */
	long from;     /* the shard's active users then */
};

struct run {
	const struct lt_run_opts *o;
	const struct lt_scenario *sc;
	struct lt_shared shared;
	struct lt_shard *sh; /* jobs shards */
	struct ramp *ramp;   /* jobs ramps */
	int jobs;
	long users;  /* after the open-file cap */
	long budget; /* users the open-file limit allows */
	const char *reason;
	const char *why; /* for "interrupted: ..." */
	int64_t mono0_us, real0_us;
	/* control, on shard 0's loop */
	ev_signal sigint, sigterm, sighup;
	int hup;      /* SIGHUP watched (not ignored, as under nohup) */
	ev_io out_io; /* the event pipe: its reader going away */
	ev_timer runtime, progress, stage_timer;
	ev_io shape_io;
	struct lt_shape *shape;
	struct lt_stage pending;
	int has_pending;
	int signals;
	void (*progress_fn)(const struct lt_run_tick *t, void *arg);
	void *progress_arg;
	double last_tick_s;
	struct lt_err err;
	int failed;
	struct lt_vars globals; /* what the test's setup left (testhook.h) */
	int signals0;           /* signals when teardown began */
};

/* runner.c */

struct run *run_of(struct lt_shard *sh);

/* runstats.c */

void run_shard_record(struct lt_shard *sh, const char *method, const char *name,
    int64_t latency_us, int failed);

void run_shard_users_event(struct lt_shard *sh);

void run_drop_event(struct lt_shard *sh);

void run_event_start(struct run *r);

void run_event_end(struct run *r, uint64_t requests);

void run_users_fire(struct ev_loop *loop, ev_timer *w, int revents);

void run_progress_fire(struct ev_loop *loop, ev_timer *w, int revents);

void run_merge_stats(struct run *r, struct lt_run_stats *st);

/* runspawn.c */

/*
 * Adds up to n users: creates and counts them, writes the users event
 * (the process-wide count, every shard's users included), then starts
 * them, so the event precedes their first requests.  Returns how many
 * were added (fewer than n: no class to draw from, or no memory).
 */
long run_spawn_batch(struct lt_shard *sh, long n);

extern const struct lt_user_ops run_user_ops;

void run_spawn_fire(struct ev_loop *loop, ev_timer *w, int revents);

/* Starts moving toward the shard's target users. */
void run_shard_retarget(struct lt_shard *sh);

/* runopen.c */

void run_sched_fire(struct ev_loop *loop, ev_timer *w, int revents);

void run_drop_fire(struct ev_loop *loop, ev_timer *w, int revents);

void run_shard_set_rate(struct lt_shard *sh, double rate);

/* runstop.c */

void run_grace_fire(struct ev_loop *loop, ev_timer *w, int revents);

/* Applies a stop request on the shard's own loop. */
void run_shard_stop(struct lt_shard *sh, int now);

void run_shard_output_broken(struct lt_shard *sh);

/* The -i budget is spent: the run ends once in-flight work is done. */
void run_iterations_done(struct lt_shard *sh);

void run_shard_check_done(struct lt_shard *sh);

void run_request_stop(
    struct run *r, const char *reason, const char *why, int now);

void run_sig_fire(struct ev_loop *loop, ev_signal *w, int revents);

void run_out_fire(struct ev_loop *loop, ev_io *w, int revents);

void run_runtime_fire(struct ev_loop *loop, ev_timer *w, int revents);

/* runctl.c */

void run_wake_fire(struct ev_loop *loop, ev_async *w, int revents);

/* Splits a total across shards: shard i's share. */
long run_share(long total, int jobs, int i);

void run_stage_fire(struct ev_loop *loop, ev_timer *w, int revents);

/* Applies due stages; holds the first future one on the stage timer. */
void run_shape_drain(struct run *r);

void run_shape_fire(struct ev_loop *loop, ev_io *w, int revents);

int run_shape_start(struct run *r, struct lt_err *err);

#endif
