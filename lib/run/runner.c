/*
 * runner.c - the run (see runner.h): shards, spawning, the open-model
 * schedule, shapes, the run's end and the graceful stop.
 *
 * -j N: N shards, each a thread with its own libev loop, libcurl multi
 * handle and event writer (threads rather than processes: the parsed
 * scenario is shared read-only and the -i iteration budget and the user
 * counts are plain atomics; no fork, no exec, no second parse).  Every
 * shard writes whole lines with write(2) in chunks of at most PIPE_BUF,
 * which are atomic on pipes, and on regular files the kernel serialises
 * writes to one file description, so lines from shards never mix.
 * Shard 0 runs on the calling thread and also steers the run: signals,
 * -t, the shape, the live line.  It tells the other shards about new
 * targets and stops with ev_async.
 *
 * No loop is libev's default loop: that one reaps every child with its
 * own SIGCHLD handler, which would steal exec tasks' exit statuses.
 */
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "core/jsonw.h"
#include "run/runner.h"
#include "run/shape.h"
#include "run/shard.h"
#include "run/testhook.h"
#include "run/user.h"
#include "core/version.h"

#define PROGRESS_S    2.0
#define USERS_EVENT_S 0.1
/* Connections per loop at most: see lt_http_opts.max_total. */
#define LT_MAX_CONNS 1024

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
	lt_run_progress_fn *progress_fn;
	void *progress_arg;
	double last_tick_s;
	struct lt_err err;
	int failed;
	struct lt_vars globals; /* what the test's setup left (testhook.h) */
	int signals0;           /* signals when teardown began */
};

static void shard_output_broken(struct lt_shard *sh);
static const struct lt_user_ops user_ops;

static struct run *
run_of(struct lt_shard *sh)
{
	return ev_userdata(sh->loop);
}

/* --- statistics ---------------------------------------------------- */

static void
shard_record(struct lt_shard *sh, const char *method, const char *name,
    int64_t latency_us, int failed)
{
	struct lt_shard_stats *st = &sh->st;
	struct lt_run_endpoint *ep = NULL;
	int i;

	for (i = 0; i < st->nep; i++)
		if (strcmp(st->ep[i].name, name) == 0 &&
		    strcmp(st->ep[i].method, method) == 0) {
			ep = &st->ep[i];
			break;
		}
	if (ep == NULL && st->nep < LT_MAX_ENDPOINTS) {
		ep = &st->ep[st->nep++];
		snprintf(ep->method, sizeof(ep->method), "%s", method);
		snprintf(ep->name, sizeof(ep->name), "%s", name);
	}
	if (ep != NULL) {
		lt_lathist_add(&ep->h, latency_us);
		ep->fails += failed != 0;
	}
	lt_lathist_add(&st->total, latency_us);
	st->requests++;
	st->failures += failed != 0;
	atomic_fetch_add_explicit(
	    &sh->shared->requests, 1, memory_order_relaxed);
	pthread_mutex_lock(&st->lock);
	st->i_requests++;
	st->i_failures += failed != 0;
	lt_lathist_add(&st->i_hist, latency_us);
	pthread_mutex_unlock(&st->lock);
}

/* --- events -------------------------------------------------------- */

static void
event_end(struct lt_shard *sh)
{
	if (lt_evout_end(&sh->out) != 0)
		shard_output_broken(sh);
}

static void
shard_users_event(struct lt_shard *sh)
{
	const struct lt_scenario *sc = sh->sc;
	struct lt_buf *b = lt_evout_begin(&sh->out);
	size_t i;

	lt_buf_adds(b, "{\"type\":\"users\",\"ts\":");
	lt_jsonw_fixed(b, lt_http_real_us(), 6);
	lt_buf_adds(b, ",\"count\":");
	lt_jsonw_i64(b, atomic_load(&sh->shared->users_total));
	lt_buf_adds(b, ",\"classes\":{");
	for (i = 0; i < sc->nclasses && i < LT_MAX_CLASSES; i++) {
		if (i > 0)
			lt_buf_addc(b, ',');
		lt_jsonw_cstr(b, sc->classes[i].name);
		lt_buf_addc(b, ':');
		lt_jsonw_i64(b, atomic_load(&sh->shared->users[i]));
	}
	lt_buf_adds(b, "}}");
	event_end(sh);
}

static void
drop_event(struct lt_shard *sh)
{
	struct lt_buf *b;

	if (sh->drops_pending == 0)
		return;
	b = lt_evout_begin(&sh->out);
	lt_buf_adds(b, "{\"type\":\"drop\",\"ts\":");
	lt_jsonw_fixed(b, lt_http_real_us(), 6);
	lt_buf_adds(b, ",\"count\":");
	lt_jsonw_u64(b, sh->drops_pending);
	lt_buf_addc(b, '}');
	sh->drops_pending = 0;
	event_end(sh);
}

static void
run_event_start(struct run *r)
{
	struct lt_shard *sh = &r->sh[0];
	const struct lt_run_opts *o = r->o;
	struct lt_buf *b = lt_evout_begin(&sh->out);

	lt_buf_adds(b, "{\"type\":\"run\",\"ts\":");
	lt_jsonw_fixed(b, r->real0_us, 6);
	lt_buf_adds(b,
	    ",\"phase\":\"start\",\"lt_version\":\"" LT_VERSION "\",\"host\":");
	lt_jsonw_cstr(b, sh->host);
	lt_buf_adds(b, ",\"scenario\":");
	lt_jsonw_cstr(b, o->scenario_path);
	lt_buf_adds(b, ",\"options\":{\"users\":");
	lt_jsonw_i64(b, r->users);
	lt_buf_adds(b, ",\"spawn_rate\":");
	lt_jsonw_double(b, o->spawn_rate > 0 ? o->spawn_rate : 1, 3);
	lt_buf_adds(b, ",\"run_time_s\":");
	lt_jsonw_double(b, o->run_time_s, 3);
	lt_buf_adds(b, ",\"rate\":");
	lt_jsonw_double(b, o->rate, 3);
	lt_buf_adds(b, ",\"arrival\":");
	lt_jsonw_cstr(
	    b, o->arrival == LT_ARRIVAL_POISSON ? "poisson" : "constant");
	lt_buf_adds(b, ",\"iterations\":");
	lt_jsonw_i64(b, o->iterations);
	lt_buf_adds(b, ",\"stop_timeout_s\":");
	lt_jsonw_double(b, o->stop_timeout_s, 3);
	lt_buf_adds(b, ",\"shape\":");
	lt_jsonw_cstr(b, o->shape);
	lt_buf_adds(b, ",\"tags\":");
	lt_jsonw_cstr(b, o->tags);
	lt_buf_adds(b, ",\"exclude_tags\":");
	lt_jsonw_cstr(b, o->exclude_tags);
	lt_buf_adds(b, ",\"seed\":");
	lt_jsonw_u64(b, o->seed);
	lt_buf_adds(b, ",\"jobs\":");
	lt_jsonw_i64(b, r->jobs);
	lt_buf_adds(b, ",\"http2\":");
	lt_jsonw_bool(b, o->http2);
	lt_buf_adds(b, "}}");
	event_end(sh);
}

static void
run_event_end(struct run *r, uint64_t requests)
{
	struct lt_shard *sh = &r->sh[0];
	struct lt_buf *b = lt_evout_begin(&sh->out);

	lt_buf_adds(b, "{\"type\":\"run\",\"ts\":");
	lt_jsonw_fixed(b, lt_http_real_us(), 6);
	lt_buf_adds(b, ",\"phase\":\"end\",\"reason\":");
	lt_jsonw_cstr(b, r->reason);
	lt_buf_adds(b, ",\"requests\":");
	lt_jsonw_u64(b, requests);
	lt_buf_addc(b, '}');
	event_end(sh);
}

/* --- stopping ------------------------------------------------------ */

static void shard_check_done(struct lt_shard *sh);
static void request_stop(
    struct run *r, const char *reason, const char *why, int now);

static void
shard_stop_users(struct lt_shard *sh, int now)
{
	long i;
	struct lt_user *u;

	for (i = sh->nusers - 1; i >= 0; i--) {
		u = sh->users[i];
		if (!lt_user_alive(u))
			continue;
		lt_user_stop(u, now);
		if (now)
			lt_user_interrupt(u, sh->stop_why);
	}
}

static void
grace_fire(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct lt_shard *sh = w->data;

	(void)loop;
	(void)revents;
	shard_stop_users(sh, 1);
	shard_check_done(sh);
}

/* Applies a stop request on the shard's own loop. */
static void
shard_stop(struct lt_shard *sh, int now)
{
	if (!sh->stopping) {
		sh->stopping = 1;
		ev_timer_stop(sh->loop, &sh->spawn_timer);
		ev_timer_stop(sh->loop, &sh->sched_timer);
		shard_stop_users(sh, 0);
		if (!now) {
			ev_timer_set(
			    &sh->grace_timer, sh->opts->stop_timeout_s, 0.);
			ev_timer_start(sh->loop, &sh->grace_timer);
		}
	}
	if (now) {
		ev_timer_stop(sh->loop, &sh->grace_timer);
		shard_stop_users(sh, 1);
	}
	shard_check_done(sh);
}

static void
shard_output_broken(struct lt_shard *sh)
{
	struct run *r = run_of(sh);

	if (sh->index == 0) {
		if (sh->out.error != 0)
			request_stop(r, "error", "event output failed", 1);
		else
			request_stop(r, "stdout", "stdout closed", 1);
		return;
	}
	/* Tell shard 0, which steers the stop of every shard. */
	atomic_store(&sh->shared->stop, 2);
	ev_async_send(r->sh[0].loop, &r->sh[0].wake);
}

/* --- users --------------------------------------------------------- */

static void
users_changed(struct lt_shard *sh)
{
	/* Coalesced: one users event per 100 ms at most, per shard. */
	if (!ev_is_active(&sh->users_timer)) {
		ev_timer_set(&sh->users_timer, USERS_EVENT_S, 0.);
		ev_timer_start(sh->loop, &sh->users_timer);
	}
}

static int
pick_class(struct lt_shard *sh)
{
	const struct lt_scenario *sc = sh->sc;
	size_t i,
	    n = sc->nclasses < LT_MAX_CLASSES ? sc->nclasses : LT_MAX_CLASSES;
	long want;
	double total = 0;
	int best = -1;

	/* Fixed counts first (Locust), split across shards. */
	for (i = 0; i < n; i++) {
		if (sc->classes[i].fixed_count == 0)
			continue;
		want = (long)(sc->classes[i].fixed_count / sh->opts->jobs) +
		    ((long)(sc->classes[i].fixed_count % sh->opts->jobs) >
		        sh->index);
		if (sh->fixed_spawned[i] < want)
			return (int)i;
	}
	/* Then smooth weighted round robin over weighted classes. */
	for (i = 0; i < n; i++) {
		if (sc->classes[i].fixed_count != 0 ||
		    sc->classes[i].weight <= 0)
			continue;
		sh->swrr[i] += sc->classes[i].weight;
		total += sc->classes[i].weight;
		if (best < 0 || sh->swrr[i] > sh->swrr[best])
			best = (int)i;
	}
	if (best >= 0)
		sh->swrr[best] -= total;
	return best;
}

/*
 * Creates one user and counts it, without starting it: a batch of users
 * is counted and announced by a users event before any of them sends a
 * request (see spawn_batch).
 */
static int
add_user(struct lt_shard *sh)
{
	int k = pick_class(sh);
	struct lt_user *u, **nu;
	long id;

	if (k < 0)
		return -1;
	if (sh->nusers == sh->users_cap) {
		nu = realloc(
		    sh->users, sizeof(*nu) * (size_t)(sh->users_cap * 2 + 16));
		if (nu == NULL)
			return -1;
		sh->users = nu;
		sh->users_cap = sh->users_cap * 2 + 16;
	}
	id = sh->next_id;
	sh->next_id += sh->opts->jobs;
	u = lt_user_new(sh, &sh->sc->classes[k], id, &user_ops, sh);
	if (u == NULL)
		return -1;
	if (sh->sc->classes[k].fixed_count != 0)
		sh->fixed_spawned[k]++;
	sh->users[sh->nusers++] = u;
	sh->running++;
	sh->active++;
	atomic_fetch_add(&sh->shared->users[k], 1);
	atomic_fetch_add(&sh->shared->users_total, 1);
	return 0;
}

/*
 * Adds up to n users: creates and counts them, writes the users event
 * (the process-wide count, every shard's users included), then starts
 * them, so the event precedes their first requests.  Returns how many
 * were added (fewer than n: no class to draw from, or no memory).
 */
static long
spawn_batch(struct lt_shard *sh, long n)
{
	long first = sh->nusers, k;

	for (k = 0; k < n; k++)
		if (add_user(sh) != 0)
			break;
	if (k > 0)
		shard_users_event(sh);
	for (; first < sh->nusers; first++)
		lt_user_start(sh->users[first]);
	return k;
}

/* Gracefully stops the most recent active user (LIFO, like Locust). */
static void
remove_user(struct lt_shard *sh)
{
	long i;
	struct lt_user *u;

	for (i = sh->nusers - 1; i >= 0; i--) {
		u = sh->users[i];
		if (lt_user_alive(u) && !u->stopping) {
			if (sh->sc->classes[u->c->index].fixed_count != 0)
				sh->fixed_spawned[u->c->index]--;
			sh->active--;
			u->counted_out = 1;
			lt_user_stop(u, 0);
			return;
		}
	}
	/* Only users that ended on their own are left: forget one. */
	if (sh->ended > 0) {
		sh->ended--;
		sh->active--;
	}
}

/* The -i budget is spent: the run ends once in-flight work is done. */
static void
iterations_done(struct lt_shard *sh)
{
	struct run *r = run_of(sh);

	if (sh->stopping)
		return;
	if (sh->index == 0) {
		request_stop(r, "iterations", "iterations done", 0);
		return;
	}
	atomic_store(&sh->shared->stop, 3);
	ev_async_send(r->sh[0].loop, &r->sh[0].wake);
}

static void
shard_user_dead(struct lt_shard *sh, struct lt_user *u)
{
	long lim = sh->opts->iterations;

	if (u->c->index == LT_CLASS_TEST_HOOK) {
		sh->hook_done = 1; /* not one of the run's users */
		return;
	}

	if (u->idle_linked) {
		/* unlink from the idle stack (rare: a stop while idle) */
		struct lt_user **p = &sh->idle;

		while (*p != NULL && *p != u)
			p = &(*p)->next_idle;
		if (*p == u)
			*p = u->next_idle;
		u->next_idle = NULL;
		u->idle_linked = 0;
	}
	/* A user that ended on its own (its flow is over) still counts
	 * toward the target: users are not revived (Locust). */
	if (!u->counted_out && !sh->stopping)
		sh->ended++;
	else if (!u->counted_out)
		sh->active--;
	u->counted_out = 1;
	sh->running--;
	atomic_fetch_sub(&sh->shared->users[u->c->index], 1);
	atomic_fetch_sub(&sh->shared->users_total, 1);
	users_changed(sh);
	if (lim > 0 && atomic_load(&sh->shared->iterations) >= lim &&
	    sh->running == 0)
		iterations_done(sh);
	shard_check_done(sh);
}

static void
shard_user_idle(struct lt_shard *sh, struct lt_user *u)
{
	u->next_idle = sh->idle;
	u->idle_linked = 1;
	sh->idle = u;
	if (sh->busy > 0)
		sh->busy--;
}

/* --- what users report (struct lt_user_ops, user.h) ---------------- */

static void
on_record(void *ctx, const char *method, const char *name, int64_t latency_us,
    int failed)
{
	shard_record(ctx, method, name, latency_us, failed);
}

static void
on_idle(void *ctx, struct lt_user *u)
{
	shard_user_idle(ctx, u);
}

static void
on_dead(void *ctx, struct lt_user *u)
{
	shard_user_dead(ctx, u);
}

static void
on_output_broken(void *ctx)
{
	shard_output_broken(ctx);
}

static const struct lt_user_ops user_ops = {
	.record = on_record,
	.idle = on_idle,
	.dead = on_dead,
	.output_broken = on_output_broken,
};

static double
tick_interval(double rate)
{
	return rate >= 100 ? 0.01 : 1.0 / rate;
}

/*
 * Users the ramp should have moved by now: one tick's worth at once (1,
 * or rate x 10 ms from 100/s up), then rate per second since the ramp
 * began, capped at total.  Counted from the elapsed time, not from
 * ticks: libev does not replay the ticks of a repeating timer that a
 * busy loop missed, so adding a fixed number per tick ramps slower than
 * -r exactly when the target is slow.
 */
static long
ramp_want(double rate, int64_t t0_us, long total)
{
	double e = (double)(lt_http_mono_us() - t0_us) / 1e6,
	       burst = rate >= 100 ? floor(rate * 0.01 + 0.5) : 1,
	       w = floor(rate * (e > 0 ? e : 0) + 1e-6) + burst;

	return w >= (double)total ? total : (long)w;
}

static void
spawn_fire(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct lt_shard *sh = w->data;
	struct ramp *rp = &run_of(sh)->ramp[sh->index];
	long target = atomic_load(&sh->target_users), diff, n, k, moved;
	double rate = atomic_load(&sh->spawn_rate);
	long lim = sh->opts->iterations;

	(void)revents;
	if (sh->stopping)
		return;
	if (lim > 0 && atomic_load(&sh->shared->iterations) >= lim) {
		ev_timer_stop(loop, w);
		return;
	}
	diff = target - sh->active;
	if (diff == 0) {
		ev_timer_stop(loop, w);
		return;
	}
	n = labs(diff);
	if (rate > 0) {
		moved =
		    diff > 0 ? sh->active - rp->from : rp->from - sh->active;
		n = ramp_want(rate, rp->t0_us, labs(target - rp->from)) -
		    (moved > 0 ? moved : 0);
		if (n <= 0)
			return; /* ahead of the ramp: wait for the next tick */
		if (n > labs(diff))
			n = labs(diff);
	}
	if (diff > 0) {
		if (spawn_batch(sh, n) < n) {
			/* no class to draw from, or no memory */
			ev_timer_stop(loop, w);
			return;
		}
	} else {
		for (k = 0; k < n; k++)
			remove_user(sh);
		users_changed(sh);
	}
	if (labs(diff) <= n)
		ev_timer_stop(loop, w);
}

/* Starts moving toward the shard's target users. */
static void
shard_retarget(struct lt_shard *sh)
{
	double rate = atomic_load(&sh->spawn_rate);
	struct ramp *rp = &run_of(sh)->ramp[sh->index];

	if (sh->stopping)
		return;
	rp->t0_us = lt_http_mono_us();
	rp->from = sh->active;
	ev_timer_stop(sh->loop, &sh->spawn_timer);
	ev_timer_set(
	    &sh->spawn_timer, 0., rate > 0 ? tick_interval(rate) : 0.01);
	ev_timer_start(sh->loop, &sh->spawn_timer);
}

/* --- open model ---------------------------------------------------- */

static int64_t
next_gap_us(struct lt_shard *sh, double rate)
{
	double mean = 1e6 / rate, u;

	if (sh->opts->arrival != LT_ARRIVAL_POISSON)
		return (int64_t)mean;
	u = lt_rng_unit(&sh->rng);
	return (int64_t)(-log(1.0 - u) * mean);
}

static void
sched_fire(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct lt_shard *sh = w->data;
	double rate = atomic_load(&sh->rate);
	int64_t now = lt_http_mono_us();
	struct lt_user *u;
	long lim = sh->opts->iterations;
	int n = 0;

	(void)revents;
	if (sh->stopping || rate <= 0)
		return;
	while (sh->next_sched_us <= now && n < 100000) {
		if (lim > 0 && atomic_load(&sh->shared->iterations) >= lim) {
			iterations_done(sh);
			return;
		}
		u = sh->idle;
		if (u == NULL) {
			sh->drops_pending++;
			sh->st.drops++;
		} else {
			sh->idle = u->next_idle;
			u->next_idle = NULL;
			u->idle_linked = 0;
			sh->busy++;
			lt_user_iterate(u, sh->next_sched_us);
		}
		sh->next_sched_us += next_gap_us(sh, rate);
		n++;
	}
	ev_timer_set(w, (double)(sh->next_sched_us - now) / 1e6, 0.);
	ev_timer_start(loop, w);
}

static void
drop_fire(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	drop_event(w->data);
}

static void
shard_set_rate(struct lt_shard *sh, double rate)
{
	atomic_store(&sh->rate, rate);
	sh->rate_applied = rate;
	if (sh->stopping || !sh->open_model)
		return;
	ev_timer_stop(sh->loop, &sh->sched_timer);
	if (rate <= 0)
		return;
	sh->next_sched_us = lt_http_mono_us() +
	    (int64_t)(1e6 / rate * sh->index / sh->opts->jobs);
	ev_timer_set(&sh->sched_timer, 0., 0.);
	ev_timer_start(sh->loop, &sh->sched_timer);
}

/* --- shard lifecycle ----------------------------------------------- */

static void
shard_check_done(struct lt_shard *sh)
{
	struct run *r = run_of(sh);

	if (sh->done || sh->running > 0)
		return;
	if (!sh->stopping)
		return;
	sh->done = 1;
	ev_timer_stop(sh->loop, &sh->grace_timer);
	ev_timer_stop(sh->loop, &sh->drop_timer);
	ev_timer_stop(sh->loop, &sh->users_timer);
	drop_event(sh);
	if (sh->index != 0) {
		atomic_fetch_add(&sh->shared->shards_done, 1);
		ev_async_send(r->sh[0].loop, &r->sh[0].wake);
		ev_break(sh->loop, EVBREAK_ALL);
		return;
	}
	if (atomic_load(&sh->shared->shards_done) < r->jobs - 1)
		return;
	ev_break(sh->loop, EVBREAK_ALL);
}

static void
wake_fire(struct ev_loop *loop, ev_async *w, int revents)
{
	struct lt_shard *sh = w->data;
	struct run *r = run_of(sh);
	int kind;

	(void)loop;
	(void)revents;
	if (sh->index == 0) {
		kind = atomic_exchange(&sh->shared->stop, 0);
		if (kind == 2)
			request_stop(r, "stdout", "stdout closed", 1);
		else if (kind == 3)
			request_stop(r, "iterations", "iterations done", 0);
		if (atomic_load(&sh->shared->shards_done) >= r->jobs - 1 &&
		    sh->done)
			ev_break(sh->loop, EVBREAK_ALL);
		shard_check_done(sh);
		return;
	}
	kind = atomic_load(&sh->stop_kind);
	if (kind != LT_STOP_NONE) {
		shard_stop(sh, kind == LT_STOP_NOW);
		return;
	}
	shard_retarget(sh);
	if (sh->open_model && atomic_load(&sh->rate) != sh->rate_applied)
		shard_set_rate(sh, atomic_load(&sh->rate));
}

/* Splits a total across shards: shard i's share. */
static long
share(long total, int jobs, int i)
{
	return total / jobs + (total % jobs > i);
}

static void
set_targets(struct run *r, long users, double spawn_rate)
{
	int i;

	for (i = 0; i < r->jobs; i++) {
		atomic_store(&r->sh[i].target_users, share(users, r->jobs, i));
		atomic_store(&r->sh[i].spawn_rate, spawn_rate / r->jobs);
		if (i == 0)
			shard_retarget(&r->sh[0]);
		else
			ev_async_send(r->sh[i].loop, &r->sh[i].wake);
	}
}

static void
set_rate(struct run *r, double rate)
{
	int i;

	for (i = 0; i < r->jobs; i++) {
		if (i == 0) {
			shard_set_rate(&r->sh[0], rate / r->jobs);
		} else {
			atomic_store(&r->sh[i].rate, rate / r->jobs);
			ev_async_send(r->sh[i].loop, &r->sh[i].wake);
		}
	}
}

static void
request_stop(struct run *r, const char *reason, const char *why, int now)
{
	int i;

	if (r->reason == NULL) {
		r->reason = reason;
		r->why = why;
		/* Written once, before the stop_kind store that publishes it:
		 * shards read it after seeing stop_kind (no data race). */
		for (i = 0; i < r->jobs; i++)
			r->sh[i].stop_why = r->why;
	}
	ev_timer_stop(r->sh[0].loop, &r->runtime);
	ev_timer_stop(r->sh[0].loop, &r->stage_timer);
	if (ev_is_active(&r->shape_io))
		ev_io_stop(r->sh[0].loop, &r->shape_io);
	for (i = 0; i < r->jobs; i++) {
		atomic_store(
		    &r->sh[i].stop_kind, now ? LT_STOP_NOW : LT_STOP_GRACEFUL);
		if (i > 0)
			ev_async_send(r->sh[i].loop, &r->sh[i].wake);
	}
	shard_stop(&r->sh[0], now);
}

/* --- control (shard 0) --------------------------------------------- */

static void
sig_fire(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct run *r = w->data;

	(void)loop;
	(void)revents;
	r->signals++;
	/* A second signal skips the grace period. */
	request_stop(r, "signal", "run stopped by signal", r->signals > 1);
}

static void
out_fire(struct ev_loop *loop, ev_io *w, int revents)
{
	struct run *r = w->data;
	struct pollfd p = { w->fd, 0, 0 };

	(void)revents;
	ev_ref(loop);
	ev_io_stop(loop, w);
	if (poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)) != 0) {
		r->sh[0].out.broken = 1;
		shard_output_broken(&r->sh[0]);
	}
	/* else a FIFO someone wrote into: stop watching, never spin */
}

static void
runtime_fire(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	request_stop(w->data, "time", "run time over", 0);
}

static void
users_fire(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	shard_users_event(w->data);
}

static void
progress_fire(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct run *r = w->data;
	struct lt_run_tick t;
	struct lt_lathist h;
	double now = (double)(lt_http_mono_us() - r->mono0_us) / 1e6, dt;
	int i, k;
	uint64_t req = 0, fail = 0;

	(void)loop;
	(void)revents;
	memset(&h, 0, sizeof(h));
	memset(&t, 0, sizeof(t));
	for (i = 0; i < r->jobs; i++) {
		struct lt_shard_stats *st = &r->sh[i].st;

		pthread_mutex_lock(&st->lock);
		req += st->i_requests;
		fail += st->i_failures;
		for (k = 0; k < LT_STATS_BUCKETS; k++)
			h.b[k] += st->i_hist.b[k];
		h.count += st->i_hist.count;
		if (st->i_hist.count && (h.max_us < st->i_hist.max_us))
			h.max_us = st->i_hist.max_us;
		st->i_requests = st->i_failures = 0;
		memset(&st->i_hist, 0, sizeof(st->i_hist));
		pthread_mutex_unlock(&st->lock);
	}
	dt = now - r->last_tick_s;
	r->last_tick_s = now;
	t.elapsed_s = now;
	t.users = atomic_load(&r->shared.users_total);
	t.rps = dt > 0 ? (double)req / dt : 0;
	t.fails_per_s = dt > 0 ? (double)fail / dt : 0;
	t.requests = atomic_load(&r->shared.requests);
	for (i = 0; i < r->jobs; i++)
		t.failures += r->sh[i].st.failures;
	t.p50_ms = (double)lt_lathist_quantile(&h, 0.5) / 1000.0;
	t.p95_ms = (double)lt_lathist_quantile(&h, 0.95) / 1000.0;
	r->progress_fn(&t, r->progress_arg);
}

static void shape_drain(struct run *r);

static void
apply_stage(struct run *r, const struct lt_stage *st)
{
	switch (st->kind) {
	case LT_STAGE_END:
		request_stop(r, "shape", "shape ended", 0);
		break;
	case LT_STAGE_RATE:
		if (r->sh[0].open_model)
			set_rate(r, st->rate_rps);
		break;
	case LT_STAGE_USERS:
		set_targets(r,
		    (long)st->users > r->budget ? r->budget : (long)st->users,
		    st->spawn_rate > 0
		        ? st->spawn_rate
		        : (r->o->spawn_rate > 0 ? r->o->spawn_rate : 1));
		break;
	}
}

static void
stage_fire(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct run *r = w->data;

	(void)loop;
	(void)revents;
	if (r->has_pending) {
		r->has_pending = 0;
		apply_stage(r, &r->pending);
	}
	shape_drain(r);
}

/* Applies due stages; holds the first future one on the stage timer. */
static void
shape_drain(struct run *r)
{
	struct lt_stage st;
	double now;

	while (!r->has_pending && r->reason == NULL &&
	    lt_shape_next(r->shape, &st) == 1) {
		now = (double)(lt_http_mono_us() - r->mono0_us) / 1e6;
		if (st.at_s >= 0 && st.at_s > now) {
			r->pending = st;
			r->has_pending = 1;
			ev_timer_set(&r->stage_timer, st.at_s - now, 0.);
			ev_timer_start(r->sh[0].loop, &r->stage_timer);
			return;
		}
		apply_stage(r, &st);
	}
}

/* Hands the shape's warnings, line by line, to the caller. */
static void
shape_warnings(struct run *r)
{
	const char *w = lt_shape_warnings(r->shape), *nl;
	char line[512];

	while (w != NULL && *w != '\0' && r->o->warn != NULL) {
		nl = strchr(w, '\n');
		if (nl == NULL)
			nl = w + strlen(w);
		snprintf(line, sizeof(line), "%.*s", (int)(nl - w), w);
		r->o->warn(line, r->o->warn_arg);
		w = *nl ? nl + 1 : nl;
	}
}

/* A mid-run shape failure: the run stops, lt-run exits 3. */
static void
shape_failed(struct run *r)
{
	r->failed = 1;
	r->err.code = LT_EXIT_RUNTIME;
	request_stop(r, "error", "shape error", 0);
}

static void
shape_fire(struct ev_loop *loop, ev_io *w, int revents)
{
	struct run *r = w->data;
	int rc, status;

	(void)revents;
	rc = lt_shape_read(r->shape, &r->err);
	shape_warnings(r);
	if (rc != 0)
		ev_io_stop(loop, w);
	if (rc < 0) {
		shape_failed(r);
		return;
	}
	status = rc == 1 ? lt_shape_status(r->shape) : -1;
	if (status > 0) {
		lt_err_set(&r->err, LT_EXIT_RUNTIME,
		    "%s: shape command exited with status %d", r->o->shape,
		    status);
		shape_failed(r);
		return;
	}
	shape_drain(r);
}

/* --- setup --------------------------------------------------------- */

static int
shard_init(struct run *r, int i, struct lt_err *err)
{
	struct lt_shard *sh = &r->sh[i];
	struct lt_http_opts ho;

	sh->index = i;
	sh->sc = r->sc;
	sh->opts = r->o;
	sh->shared = &r->shared;
	sh->host = r->o->host != NULL ? r->o->host : r->sc->host;
	sh->open_model = r->o->rate > 0;
	sh->next_id = i;
	sh->mono0_us = r->mono0_us;
	sh->real0_us = r->real0_us;
	lt_rng_seed(&sh->rng, r->o->seed, 0x5eed0000u + (uint64_t)i);
	pthread_mutex_init(&sh->st.lock, NULL);
	lt_buf_init(&sh->url, 64 << 10);
	lt_buf_init(&sh->tmp, 1 << 20);
	lt_buf_init(&sh->reason, 4096);
	sh->loop = ev_loop_new(EVFLAG_AUTO);
	if (sh->loop == NULL)
		return lt_err_set(err, LT_EXIT_RUNTIME, "cannot create a loop");
	ev_set_userdata(sh->loop, r);
	memset(&ho, 0, sizeof(ho));
	ho.host = sh->host;
	ho.http2 = r->o->http2;
	ho.insecure = r->o->insecure;
	ho.username = r->o->username;
	ho.password = r->o->password;
	ho.max_connects = share(r->budget, r->jobs, i) + 16;
	ho.max_total =
	    share(r->users, r->jobs, i) > LT_MAX_CONNS ? LT_MAX_CONNS : 0;
	if (lt_http_init(&sh->http, sh->loop, &ho, err) != 0)
		return -1;
	lt_evout_init(&sh->out, r->o->out_fd, sh->loop, r->jobs > 1);
	ev_async_init(&sh->wake, wake_fire);
	sh->wake.data = sh;
	ev_async_start(sh->loop, &sh->wake);
	ev_unref(sh->loop);
	ev_init(&sh->spawn_timer, spawn_fire);
	sh->spawn_timer.data = sh;
	ev_init(&sh->sched_timer, sched_fire);
	sh->sched_timer.data = sh;
	ev_init(&sh->grace_timer, grace_fire);
	sh->grace_timer.data = sh;
	ev_init(&sh->users_timer, users_fire);
	sh->users_timer.data = sh;
	ev_timer_init(&sh->drop_timer, drop_fire, 1., 1.);
	sh->drop_timer.data = sh;
	if (sh->open_model) {
		ev_timer_start(sh->loop, &sh->drop_timer);
		ev_unref(sh->loop);
	}
	return 0;
}

static void
shard_fini(struct lt_shard *sh)
{
	long i;

	for (i = 0; i < sh->nusers; i++)
		lt_user_free(sh->users[i]);
	free(sh->users);
	if (sh->loop != NULL) {
		lt_evout_fini(&sh->out);
		lt_http_fini(&sh->http);
		ev_ref(sh->loop);
		ev_async_stop(sh->loop, &sh->wake);
		if (sh->open_model) {
			ev_ref(sh->loop);
			ev_timer_stop(sh->loop, &sh->drop_timer);
		}
		ev_loop_destroy(sh->loop);
	}
	lt_buf_fini(&sh->url);
	lt_buf_fini(&sh->tmp);
	lt_buf_fini(&sh->reason);
	pthread_mutex_destroy(&sh->st.lock);
}

/* Initial load of a shard: the open model's pool, or the ramp. */
static void
shard_begin(struct run *r, struct lt_shard *sh)
{
	long n = share(r->users, r->jobs, sh->index);

	if (sh->open_model) {
		spawn_batch(sh, n);
		atomic_store(&sh->target_users, n);
		shard_set_rate(sh, atomic_load(&sh->rate));
	} else if (r->shape == NULL) {
		shard_retarget(sh);
	}
}

static void *
shard_thread(void *arg)
{
	struct lt_shard *sh = arg;
	struct run *r = run_of(sh);

	shard_begin(r, sh);
	if (atomic_load(&sh->stop_kind) != LT_STOP_NONE)
		shard_stop(sh, atomic_load(&sh->stop_kind) == LT_STOP_NOW);
	/* Stopped before its loop ran (a stop right at the start): its
	 * ev_break is lost, as ev_run resets it, so do not run at all. */
	if (sh->done)
		return NULL;
	/* Keeps running while it has users or until told to stop. */
	ev_ref(sh->loop);
	ev_run(sh->loop, 0);
	ev_unref(sh->loop);
	return NULL;
}

/* Raises the open-file limit; returns how many users it allows. */
static long
fd_budget(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1024;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 1L << 24)
		return 1L << 24;
	return (long)rl.rlim_cur - 64 > 1 ? (long)rl.rlim_cur - 64 : 1;
}

static void
control_init(struct run *r)
{
	struct ev_loop *loop = r->sh[0].loop;
	struct sigaction sa;
	struct stat sb;

	ev_signal_init(&r->sigint, sig_fire, SIGINT);
	r->sigint.data = r;
	ev_signal_start(loop, &r->sigint);
	ev_unref(loop);
	ev_signal_init(&r->sigterm, sig_fire, SIGTERM);
	r->sigterm.data = r;
	ev_signal_start(loop, &r->sigterm);
	ev_unref(loop);
	/* A hangup (the ssh session dropped) stops like SIGTERM, so the
	 * run end event is written; under nohup it stays ignored. */
	ev_signal_init(&r->sighup, sig_fire, SIGHUP);
	r->sighup.data = r;
	if (sigaction(SIGHUP, NULL, &sa) == 0 && sa.sa_handler != SIG_IGN) {
		r->hup = 1;
		ev_signal_start(loop, &r->sighup);
		ev_unref(loop);
	}
	/* On a pipe, the write end polls as an error once the reader is
	 * gone: watch for it, so a run whose requests stall or whose users
	 * think for long still stops at once (`| head`). */
	ev_init(&r->out_io, out_fire);
	r->out_io.data = r;
	if (fstat(r->o->out_fd, &sb) == 0 && S_ISFIFO(sb.st_mode)) {
		ev_io_set(&r->out_io, r->o->out_fd, EV_READ);
		ev_io_start(loop, &r->out_io);
		ev_unref(loop);
	}
	ev_init(&r->runtime, runtime_fire);
	r->runtime.data = r;
	if (r->o->run_time_s > 0) {
		ev_timer_set(&r->runtime, r->o->run_time_s, 0.);
		ev_timer_start(loop, &r->runtime);
	}
	ev_init(&r->stage_timer, stage_fire);
	r->stage_timer.data = r;
	ev_init(&r->shape_io, shape_fire);
	r->shape_io.data = r;
	ev_timer_init(&r->progress, progress_fire, PROGRESS_S, PROGRESS_S);
	r->progress.data = r;
	if (r->progress_fn != NULL) {
		ev_timer_start(loop, &r->progress);
		ev_unref(loop);
	}
}

static void
control_fini(struct run *r)
{
	struct ev_loop *loop = r->sh[0].loop;

	ev_ref(loop);
	ev_signal_stop(loop, &r->sigint);
	ev_ref(loop);
	ev_signal_stop(loop, &r->sigterm);
	if (r->hup) {
		ev_ref(loop);
		ev_signal_stop(loop, &r->sighup);
	}
	if (ev_is_active(&r->out_io)) {
		ev_ref(loop);
		ev_io_stop(loop, &r->out_io);
	}
	ev_timer_stop(loop, &r->runtime);
	ev_timer_stop(loop, &r->stage_timer);
	ev_io_stop(loop, &r->shape_io);
	if (r->progress_fn != NULL) {
		ev_ref(loop);
		ev_timer_stop(loop, &r->progress);
	}
}

static int
shape_start(struct run *r, struct lt_err *err)
{
	int fd;

	if (r->o->shape == NULL)
		return 0;
	if (lt_shape_open(r->o->shape, &r->shape, err) != 0)
		return -1;
	shape_warnings(r);
	if (lt_shape_kind(r->shape) == LT_SHAPE_FILE &&
	    !lt_shape_ends(r->shape) && r->o->run_time_s <= 0 &&
	    r->o->warn != NULL)
		r->o->warn("the shape file has no end line: its last stage "
		           "holds until -t or a signal",
		    r->o->warn_arg);
	fd = lt_shape_fd(r->shape);
	if (fd >= 0) {
		ev_io_set(&r->shape_io, fd, EV_READ);
		ev_io_start(r->sh[0].loop, &r->shape_io);
	}
	return 0;
}

static void
merge_stats(struct run *r, struct lt_run_stats *st)
{
	int i, j, k, e;
	struct lt_run_endpoint *ep;

	st->endpoints = calloc(LT_MAX_ENDPOINTS, sizeof(*st->endpoints));
	for (i = 0; i < r->jobs; i++) {
		struct lt_shard_stats *s = &r->sh[i].st;

		st->requests += s->requests;
		st->failures += s->failures;
		st->drops += s->drops;
		for (k = 0; k < LT_STATS_BUCKETS; k++)
			st->total.b[k] += s->total.b[k];
		if (s->total.count > 0) {
			if (st->total.count == 0 ||
			    s->total.min_us < st->total.min_us)
				st->total.min_us = s->total.min_us;
			if (s->total.max_us > st->total.max_us)
				st->total.max_us = s->total.max_us;
		}
		st->total.count += s->total.count;
		st->total.sum_us += s->total.sum_us;
		for (j = 0; j < s->nep && st->endpoints != NULL; j++) {
			ep = NULL;
			for (e = 0; e < st->n_endpoints; e++)
				if (strcmp(st->endpoints[e].name,
				        s->ep[j].name) == 0 &&
				    strcmp(st->endpoints[e].method,
				        s->ep[j].method) == 0)
					ep = &st->endpoints[e];
			if (ep == NULL) {
				ep = &st->endpoints[st->n_endpoints++];
				*ep = s->ep[j];
				continue;
			}
			ep->fails += s->ep[j].fails;
			for (k = 0; k < LT_STATS_BUCKETS; k++)
				ep->h.b[k] += s->ep[j].h.b[k];
			if (s->ep[j].h.min_us < ep->h.min_us)
				ep->h.min_us = s->ep[j].h.min_us;
			if (s->ep[j].h.max_us > ep->h.max_us)
				ep->h.max_us = s->ep[j].h.max_us;
			ep->h.count += s->ep[j].h.count;
			ep->h.sum_us += s->ep[j].h.sum_us;
		}
	}
}

/* The setup ends early on any stop; the teardown on a further signal. */
static int
setup_stopped(void *arg)
{
	const struct run *r = arg;

	return r->reason != NULL;
}

static int
teardown_stopped(void *arg)
{
	const struct run *r = arg;

	return r->signals > r->signals0;
}

/* Runs the test's setup before any user starts; 0 or -1 (no memory). */
static int
test_setup(struct run *r, struct lt_err *err)
{
	int i;

	if (r->sc->setup == NULL)
		return 0;
	if (lt_testhook_run(&r->sh[0], r->sc->setup, &user_ops, &r->sh[0],
	        &r->globals, setup_stopped, r) != 0)
		return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	for (i = 0; i < r->jobs; i++)
		r->sh[i].globals = &r->globals;
	lt_evout_flush(&r->sh[0].out);
	return 0;
}

int
lt_run(const struct lt_scenario *sc, const struct lt_run_opts *o,
    lt_run_progress_fn *progress, void *arg, struct lt_run_stats *st,
    struct lt_err *err)
{
	struct run *r;
	long budget;
	int i, rc = -1;

	memset(st, 0, sizeof(*st));
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	r->o = o;
	r->sc = sc;
	r->jobs = o->jobs > 0 ? o->jobs : 1;
	r->progress_fn = progress;
	r->progress_arg = arg;
	r->users = o->users > 0 ? o->users : (o->rate > 0 ? 100 : 1);
	budget = fd_budget();
	r->budget = budget;
	if (r->users > budget) {
		st->users_capped = r->users - budget;
		r->users = budget;
	}
	st->users_max = r->users;
	r->mono0_us = lt_http_mono_us();
	r->real0_us = lt_http_real_us();
	r->sh = calloc((size_t)r->jobs, sizeof(*r->sh));
	r->ramp = calloc((size_t)r->jobs, sizeof(*r->ramp));
	if (r->sh == NULL || r->ramp == NULL ||
	    lt_vars_init(&r->globals, sc->nvars, sc->ndatas) != 0) {
		free(r->sh);
		free(r->ramp);
		free(r);
		return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	}
	for (i = 0; i < r->jobs; i++) {
		if (shard_init(r, i, err) != 0)
			goto out;
		atomic_store(&r->sh[i].rate, o->rate / r->jobs);
		if (o->shape == NULL) {
			atomic_store(&r->sh[i].target_users,
			    share(r->users, r->jobs, i));
			atomic_store(&r->sh[i].spawn_rate,
			    (o->spawn_rate > 0 ? o->spawn_rate : 1) / r->jobs);
		}
	}
	control_init(r);
	if (shape_start(r, err) != 0)
		goto out_control;
	run_event_start(r);
	lt_evout_flush(&r->sh[0].out);
	if (test_setup(r, err) != 0)
		goto out_control;
	for (i = 1; i < r->jobs; i++)
		if (pthread_create(
		        &r->sh[i].thread, NULL, shard_thread, &r->sh[i]) != 0) {
			lt_err_set(err, LT_EXIT_RUNTIME, "cannot start thread");
			r->jobs = i;
			request_stop(r, "error", "thread failure", 1);
			break;
		}
	shard_begin(r, &r->sh[0]);
	if (r->shape != NULL)
		shape_drain(r);
	if (!r->sh[0].done) {
		ev_ref(r->sh[0].loop);
		ev_run(r->sh[0].loop, 0);
		ev_unref(r->sh[0].loop);
	}
	for (i = 1; i < r->jobs; i++)
		pthread_join(r->sh[i].thread, NULL);
	for (i = 1; i < r->jobs; i++)
		lt_evout_flush(&r->sh[i].out);
	r->signals0 = r->signals;
	if (lt_testhook_run(&r->sh[0], sc->teardown, &user_ops, &r->sh[0], NULL,
	        teardown_stopped, r) != 0 &&
	    r->o->warn != NULL)
		r->o->warn("out of memory: no teardown", r->o->warn_arg);
	if (r->reason == NULL)
		r->reason = "error";
	shard_users_event(&r->sh[0]);
	merge_stats(r, st);
	run_event_end(r, st->requests);
	lt_evout_flush(&r->sh[0].out);
	st->reason = r->reason;
	st->elapsed_s = (double)(lt_http_mono_us() - r->mono0_us) / 1e6;
	for (i = 0; i < r->jobs; i++)
		if (r->sh[i].out.error != 0 && st->out_error[0] == '\0')
			snprintf(st->out_error, sizeof(st->out_error), "%s",
			    strerror(r->sh[i].out.error));
	rc = 0;
	if (r->failed) {
		*err = r->err;
		rc = -1;
	}
out_control:
	control_fini(r);
out:
	lt_shape_close(r->shape);
	for (i = 0; i < r->jobs; i++)
		shard_fini(&r->sh[i]);
	free(r->sh);
	free(r->ramp);
	lt_vars_fini(&r->globals);
	free(r);
	return rc;
}

void
lt_run_stats_fini(struct lt_run_stats *st)
{
	free(st->endpoints);
	st->endpoints = NULL;
}
