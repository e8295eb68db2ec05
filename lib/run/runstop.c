/*
 * runstop.c - the end of a run: -t, the -i budget, signals, the event
 * output closed; the graceful stop (users finish the request in flight
 * and run on_stop, within --stop-timeout) or the immediate one, and a
 * shard's check that it is done.
 */
#include <poll.h>

#include "run/runpriv.h"

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

void
run_grace_fire(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct lt_shard *sh = w->data;

	(void)loop;
	(void)revents;
	shard_stop_users(sh, 1);
	run_shard_check_done(sh);
}

void
run_shard_stop(struct lt_shard *sh, int now)
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
	run_shard_check_done(sh);
}

void
run_shard_output_broken(struct lt_shard *sh)
{
	struct run *r = run_of(sh);

	if (sh->index == 0) {
		if (sh->out.error != 0)
			run_request_stop(r, "error", "event output failed", 1);
		else
			run_request_stop(r, "stdout", "stdout closed", 1);
		return;
	}
	/* Tell shard 0, which steers the stop of every shard. */
	atomic_store(&sh->shared->stop, 2);
	ev_async_send(r->sh[0].loop, &r->sh[0].wake);
}

void
run_iterations_done(struct lt_shard *sh)
{
	struct run *r = run_of(sh);

	if (sh->stopping)
		return;
	if (sh->index == 0) {
		run_request_stop(r, "iterations", "iterations done", 0);
		return;
	}
	atomic_store(&sh->shared->stop, 3);
	ev_async_send(r->sh[0].loop, &r->sh[0].wake);
}

/* --- shard lifecycle ----------------------------------------------- */

void
run_shard_check_done(struct lt_shard *sh)
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
	run_drop_event(sh);
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

void
run_request_stop(struct run *r, const char *reason, const char *why, int now)
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
	run_shard_stop(&r->sh[0], now);
}

/* --- control (shard 0) --------------------------------------------- */

void
run_sig_fire(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct run *r = w->data;

	(void)loop;
	(void)revents;
	r->signals++;
	/* A second signal skips the grace period. */
	run_request_stop(r, "signal", "run stopped by signal", r->signals > 1);
}

void
run_out_fire(struct ev_loop *loop, ev_io *w, int revents)
{
	struct run *r = w->data;
	struct pollfd p = { w->fd, 0, 0 };

	(void)revents;
	ev_ref(loop);
	ev_io_stop(loop, w);
	if (poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)) != 0) {
		r->sh[0].out.broken = 1;
		run_shard_output_broken(&r->sh[0]);
	}
	/* else a FIFO someone wrote into: stop watching, never spin */
}

void
run_runtime_fire(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	run_request_stop(w->data, "time", "run time over", 0);
}
