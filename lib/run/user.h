/*
 * user.h - a simulated user: a small state machine driven by its shard's
 * loop (scenario position, variables, PRNG, its easy handle with its own
 * cookie jar, a think timer, an exec child).  The runner creates, starts
 * and stops users; a user reports back only through the struct
 * lt_user_ops its creator hands it, so user.c knows nothing of runner.c.
 */
#ifndef LT_USER_H
#define LT_USER_H

#include <stdint.h>
#include <sys/types.h>

#include <ev.h>

#include "run/http.h"
#include "run/scenario.h"
#include "run/shard.h"

struct lt_user;

/*
 * How a user reports to whoever runs it (the runner), each called on the
 * user's shard's loop with the ctx given to lt_user_new().
 */
struct lt_user_ops {
	/* A request or command finished (or failed to start). */
	void (*record)(void *ctx, const char *method, const char *name,
	    int64_t latency_us, int failed);
	/* Open model: u waits for its next scheduled iteration. */
	void (*idle)(void *ctx, struct lt_user *u);
	/* u died: it will not run again (lt_user_free is the caller's). */
	void (*dead)(void *ctx, struct lt_user *u);
	/* Writing an event failed (stdout closed, disk full). */
	void (*output_broken)(void *ctx);
};

enum lt_user_state {
	LT_U_NEW,   /* created, not started */
	LT_U_BUSY,  /* a request or command in flight */
	LT_U_TIMER, /* thinking or sleeping (or a deferred step) */
	LT_U_IDLE,  /* open model: waiting for a scheduled iteration */
	LT_U_DEAD,
};

struct lt_user {
	struct lt_shard *sh;
	const struct lt_user_ops *ops;
	void *ops_ctx;
	const struct lt_class *c;
	long id;
	enum lt_user_state state;
	unsigned stopping : 1;    /* stop requested */
	unsigned stop_now : 1;    /* ... without on_stop */
	unsigned stop_done : 1;   /* lt_cursor_stop applied */
	unsigned in_iter : 1;     /* inside a task iteration */
	unsigned sched_first : 1; /* open model: next request is the
					   iteration's first */
	unsigned auth_set : 2;    /* basic auth on the easy: LT_UAUTH_* */
	unsigned tls_set : 1;     /* TLS file options are set on the easy */
	unsigned http_on : 1;     /* x is initialised */
	unsigned counted_out : 1;
	unsigned backoff : 1;
	unsigned idle_linked : 1; /* runner: on the shard's idle stack */
	/* a connection failed: pause a little */ /* runner: no longer counted active */
	int iter_reqs; /* requests started in this iteration */
	struct lt_cursor cur;
	struct lt_rng rng;
	struct lt_vars vars;
	struct lt_tmpl_ctx ctx;
	double iter_start_s; /* monotonic seconds */
	int64_t sched_us;    /* open model: scheduled start, monotonic */
	ev_timer timer;
	const struct lt_step *step; /* in flight */
	const struct lt_step *held; /* open model: next iteration's first */
	int64_t ts_us;              /* event ts of the step in flight */
	int64_t wait_us;            /* open model: lateness, -1 when closed */
	struct lt_http_xfer x;
	struct lt_buf reqbody; /* expanded request body */
	struct lt_buf hdrs;    /* expanded header lines, NUL-separated */
	struct curl_slist *hn; /* header nodes pointing into hdrs */
	size_t hn_cap;
	/* exec */
	pid_t pid;
	int pidfd, outfd;
	ev_io pid_io, out_io;
	ev_timer exec_timer;
	int exec_timed_out;
	int64_t exec_t0_us;
	int64_t exec_bytes; /* output bytes read (the body keeps 1 MiB) */
	struct lt_user *next_idle;
};

/*
 * Creates a user of class c with id (-1 for the test's setup and
 * teardown) on sh, not started; it reports through ops with ctx.
 * Returns NULL when out of memory.  Freed with lt_user_free.
 */
struct lt_user *lt_user_new(struct lt_shard *sh, const struct lt_class *c,
    long id, const struct lt_user_ops *ops, void *ctx);
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

#endif
