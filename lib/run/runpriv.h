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

/* The run sh belongs to (its loop's user data). */
struct run *run_of(struct lt_shard *sh);

/* runstats.c */

/* Records a finished request in sh's statistics (its thread only). */
void run_shard_record(struct lt_shard *sh, const char *method, const char *name,
    int64_t latency_us, int failed);

/* Writes a users event with the process-wide counts per class. */
void run_shard_users_event(struct lt_shard *sh);

/* Writes a drop event for the drops counted since the last one, if any. */
void run_drop_event(struct lt_shard *sh);

/* Writes the run's start event (options, host) on shard 0. */
void run_event_start(struct run *r);

/* Writes the run's end event with its reason and request count on shard 0. */
void run_event_end(struct run *r, uint64_t requests);

/* users_timer: the coalesced users event. */
void run_users_fire(struct ev_loop *loop, ev_timer *w, int revents);

/* progress timer (shard 0): the live line, every 2 s. */
void run_progress_fire(struct ev_loop *loop, ev_timer *w, int revents);

/* Adds up the shards' statistics into st at the end of the run,
 * endpoints sorted as lt-agg sorts them. */
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

/* spawn_timer: the next batch of users toward the target. */
void run_spawn_fire(struct ev_loop *loop, ev_timer *w, int revents);

/* Starts moving toward the shard's target users. */
void run_shard_retarget(struct lt_shard *sh);

/* runopen.c */

/* sched_timer: starts the iterations due, on idle users or as drops. */
void run_sched_fire(struct ev_loop *loop, ev_timer *w, int revents);

/* drop_timer: writes the pending drop event. */
void run_drop_fire(struct ev_loop *loop, ev_timer *w, int revents);

/* Sets sh's arrival rate (open model) and reschedules its next start. */
void run_shard_set_rate(struct lt_shard *sh, double rate);

/* runstop.c */

/* grace_timer: --stop-timeout is over; the stop becomes immediate. */
void run_grace_fire(struct ev_loop *loop, ev_timer *w, int revents);

/* Applies a stop request on the shard's own loop. */
void run_shard_stop(struct lt_shard *sh, int now);

/* Writing an event failed: the run stops (shard 0 is told by others). */
void run_shard_output_broken(struct lt_shard *sh);

/* The -i budget is spent: the run ends once in-flight work is done. */
void run_iterations_done(struct lt_shard *sh);

/*
 * Once sh is stopping and no user runs: writes its last drop event and
 * ends its loop (shard 0's when every other shard is done too).
 */
void run_shard_check_done(struct lt_shard *sh);

/* Stops the run (on shard 0): reason for the end event, why for interrupted
 * requests, now without on_stop. */
void run_request_stop(
    struct run *r, const char *reason, const char *why, int now);

/* SIGINT, SIGTERM, SIGHUP: a graceful stop; a second skips the grace. */
void run_sig_fire(struct ev_loop *loop, ev_signal *w, int revents);

/* The reader of the event pipe went away: the run stops. */
void run_out_fire(struct ev_loop *loop, ev_io *w, int revents);

/* -t is over: the run stops. */
void run_runtime_fire(struct ev_loop *loop, ev_timer *w, int revents);

/* runctl.c */

/* ev_async: on shard 0, stops asked by the other shards; on those,
 * the targets and stops shard 0 sent. */
void run_wake_fire(struct ev_loop *loop, ev_async *w, int revents);

/* stage_timer: the held shape stage is due. */
void run_stage_fire(struct ev_loop *loop, ev_timer *w, int revents);

/* Applies due stages; holds the first future one on the stage timer. */
void run_shape_drain(struct run *r);

/* The shape command or FIFO has lines to read. */
void run_shape_fire(struct ev_loop *loop, ev_io *w, int revents);

/* Opens --shape (if any) and watches it; 0 or -1 with err. */
int run_shape_start(struct run *r, struct lt_err *err);

#endif
