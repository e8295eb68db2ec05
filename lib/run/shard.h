/*
 * shard.h - one event loop's share of a run (the engine's private header,
 * used by runner.c and user.c).
 *
 * A shard owns a libev loop, a libcurl multi handle, an event writer and
 * the users it runs.  lt-run -j N runs N shards on N threads: sharing
 * nothing but the read-only scenario and the atomic counters of struct
 * lt_shared, they never lock on the request path.  The runner on shard 0
 * steers the others (targets, stop) through ev_async.
 */
#ifndef LT_SHARD_H
#define LT_SHARD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include <ev.h>

#include "run/evout.h"
#include "run/http.h"
#include "run/runner.h"
#include "run/scenario.h"

struct lt_user;

#define LT_MAX_CLASSES   64
#define LT_MAX_ENDPOINTS 512

/* State every shard reads and updates with atomics. */
struct lt_shared {
	atomic_long users[LT_MAX_CLASSES]; /* running, per class */
	atomic_long users_total;
	atomic_long iterations; /* started (for -i) */
	atomic_ullong requests;
	atomic_int stop; /* a stop was requested */
	atomic_int shards_done;
};

/* What a shard records per request, under its stats lock. */
struct lt_shard_stats {
	pthread_mutex_t lock; /* guards the interval fields (live line) */
	uint64_t requests, failures, drops;
	struct lt_hist total; /* counts NULL until the first request */
	struct lt_run_endpoint ep[LT_MAX_ENDPOINTS];
	int nep;
	uint64_t i_requests, i_failures; /* since the last tick */
	struct lt_lathist i_hist;
};

enum lt_stop_kind { LT_STOP_NONE, LT_STOP_GRACEFUL, LT_STOP_NOW };

struct lt_shard {
	int index;
	int stripe, stripes; /* its stripe of the whole run (segment.h) */
	struct ev_loop *loop;
	struct lt_http_multi http;
	struct lt_evout out;
	const struct lt_scenario *sc;
	const struct lt_run_opts *opts;
	struct lt_shared *shared;
	const char *host; /* --host, else scenario host */
	/* what the test's setup saved and set (runner.c), or NULL; read-only
	   once the users start */
	const struct lt_vars *globals;
	int hook_done; /* the setup or teardown user died (testhook.c) */
	int open_model;

	struct lt_user **users; /* all created users, by slot */
	long nusers, users_cap;
	long running;         /* users not dead */
	long busy;            /* open model: users in an iteration */
	long active;          /* users alive and not stopping */
	long ended;           /* users whose flow ended (not revived) */
	struct lt_user *idle; /* open model: idle users (a stack) */

	/* Targets, set by the runner (maybe from another thread). */
	atomic_long target_users;
	_Atomic double spawn_rate;
	_Atomic double rate;
	double rate_applied;
	atomic_int stop_kind;
	const char *stop_why; /* "run stopped (signal)"... */
	ev_async wake;

	ev_timer spawn_timer;
	ev_timer sched_timer;
	ev_timer drop_timer;
	ev_timer grace_timer;
	ev_timer users_timer;       /* coalesces users events */
	int64_t users_last_us;      /* monotonic time of the last one */
	int64_t next_sched_us;      /* monotonic */
	int64_t mono0_us, real0_us; /* run start, for open-model ts */
	uint64_t drops_pending;
	long next_id; /* next user id (global: index + k*N) */
	long fixed_spawned[LT_MAX_CLASSES];
	double swrr[LT_MAX_CLASSES]; /* smooth weighted round robin */
	long swrr_at, swrr_picks;    /* global steps done, own picks */
	int stopping, done, grace_started;
	struct lt_rng rng;

	/* Scratch for expanding a request, reused by every user. */
	struct lt_buf url, tmp, reason;
	struct lt_buf mask; /* scratch of secret masking */
	char errline[256];

	struct lt_shard_stats st;
	pthread_t thread;
	struct lt_err err;
	void (*on_done)(struct lt_shard *sh); /* runner: shard finished */
};

/* user.c: called by the runner */
struct lt_user *lt_user_new(
    struct lt_shard *sh, const struct lt_class *c, long id);
void lt_user_free(struct lt_user *u);
void lt_user_start(struct lt_user *u);
/* Open model: runs one iteration scheduled at sched_mono_us. */
void lt_user_iterate(struct lt_user *u, int64_t sched_mono_us);
/* Stops a user: skip its wait, finish the request in flight, run on_stop
 * (unless now), then die. */
void lt_user_stop(struct lt_user *u, int now);
/* Ends the request or command in flight with an "interrupted" event. */
void lt_user_interrupt(struct lt_user *u, const char *why);
int lt_user_alive(const struct lt_user *u);
const struct lt_class *lt_user_class(const struct lt_user *u);

/* runner.c: called by users */
void lt_shard_user_idle(struct lt_shard *sh, struct lt_user *u);
void lt_shard_user_dead(struct lt_shard *sh, struct lt_user *u);
/* Records a finished request in the shard's statistics. */
void lt_shard_record(struct lt_shard *sh, const char *method, const char *name,
    int64_t latency_us, int failed);
/* Writes a users event with the global per-class counts. */
void lt_shard_users_event(struct lt_shard *sh);
/* Called when the event output broke (stdout closed). */
void lt_shard_output_broken(struct lt_shard *sh);

#endif
