/*
 * shard.h - one event loop's share of a run (the engine's private header,
 * used by the runner's files run*.c, the users' user*.c and testhook.c).
 * The runner owns the shards; users read their loop, HTTP multi handle,
 * event writer and scratch buffers, and report back only through struct
 * lt_user_ops (user.h), so this header needs nothing of runner.h or
 * user.h.
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
#include "run/lathist.h"
#include "run/runep.h"
#include "run/runopts.h"
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
	uint64_t check_passes, check_fails; /* as the events' "checks" */
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
	struct lt_buf mask;  /* scratch of secret masking */
	struct lt_buf marks; /* the last judged step's check marks (an
	                        enum lt_check_mark each); empty: none */
	char errline[256];

	struct lt_shard_stats st;
	pthread_t thread;
	struct lt_err err;
	void (*on_done)(struct lt_shard *sh); /* runner: shard finished */
};

#endif
