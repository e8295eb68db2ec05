/*
 * runspawn.c - a shard's users: picking a class, creating, counting and
 * starting users in batches, ramping toward the target at the spawn rate,
 * retiring users when the target drops, and what users report back
 * (struct lt_user_ops: requests, idle, dead, output broken).
 */
#include <math.h>
#include <stdlib.h>

#include "run/runpriv.h"
#include "run/segment.h"

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
	long want, target;
	double total = 0;
	int best = -1;

	/* Fixed counts first (Locust), split across shards. */
	for (i = 0; i < n; i++) {
		if (sc->classes[i].fixed_count == 0)
			continue;
		want = lt_segment_share(
		    (long)sc->classes[i].fixed_count, sh->stripes, sh->stripe);
		if (sh->fixed_spawned[i] < want)
			return (int)i;
	}
	/* Then smooth weighted round robin over weighted classes, run over
	 * the whole run's sequence: this stripe's j-th weighted user gets
	 * the class of the run's weighted user stripe + j * stripes, so the
	 * proportions hold over all shards and segments (segment.h). */
	target = sh->stripe + sh->swrr_picks * sh->stripes;
	sh->swrr_picks++;
	while (sh->swrr_at <= target) {
		best = -1;
		total = 0;
		for (i = 0; i < n; i++) {
			if (sc->classes[i].fixed_count != 0 ||
			    sc->classes[i].weight <= 0)
				continue;
			sh->swrr[i] += sc->classes[i].weight;
			total += sc->classes[i].weight;
			if (best < 0 || sh->swrr[i] > sh->swrr[best])
				best = (int)i;
		}
		if (best < 0)
			return -1;
		sh->swrr[best] -= total;
		sh->swrr_at++;
	}
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
	sh->next_id += sh->stripes;
	u = lt_user_new(sh, &sh->sc->classes[k], id, &run_user_ops, sh);
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

long
run_spawn_batch(struct lt_shard *sh, long n)
{
	long first = sh->nusers, k;

	for (k = 0; k < n; k++)
		if (add_user(sh) != 0)
			break;
	/* At once, so that the event precedes their first requests, unless
	 * that would make two within 100 ms (-r 5000): then coalesced. */
	if (k > 0 &&
	    lt_http_mono_us() - sh->users_last_us >= USERS_EVENT_S * 1e6)
		run_shard_users_event(sh);
	else if (k > 0)
		users_changed(sh);
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
		run_iterations_done(sh);
	run_shard_check_done(sh);
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
	run_shard_record(ctx, method, name, latency_us, failed);
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
	run_shard_output_broken(ctx);
}

const struct lt_user_ops run_user_ops = {
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

void
run_spawn_fire(struct ev_loop *loop, ev_timer *w, int revents)
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
		if (run_spawn_batch(sh, n) < n) {
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

void
run_shard_retarget(struct lt_shard *sh)
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
