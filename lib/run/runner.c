/*
 * runner.c - the run (see runner.h): setting up the shards and their
 * threads, the control watchers on shard 0, the test's setup and
 * teardown, and lt_run() itself.  The rest of the runner is in the files
 * listed in runpriv.h.
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
#include <stdlib.h>
#include <sys/resource.h>

#include "run/runner.h"
#include "run/runpriv.h"
#include "run/segment.h"
#include "run/testhook.h"

#define PROGRESS_S 2.0
/* Connections per loop at most: see lt_http_opts.max_total. */
#define LT_MAX_CONNS 1024

struct run *
run_of(struct lt_shard *sh)
{
	return ev_userdata(sh->loop);
}

/* --- setup --------------------------------------------------------- */

/* Splits a total across shards: shard i's share. */
static long
share(long total, int jobs, int i)
{
	return total / jobs + (total % jobs > i);
}

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
	sh->stripe = lt_segment_stripe(r->o->seg_index, r->o->seg_count, i);
	sh->stripes = lt_segment_stripes(r->o->jobs, r->o->seg_count);
	sh->next_id = sh->stripe;
	sh->mono0_us = r->mono0_us;
	sh->real0_us = r->real0_us;
	/* One arrival stream for the whole run: every stripe draws all of
	 * its gaps and keeps its own arrivals (runopen.c). */
	lt_rng_seed(&sh->rng, r->o->seed, 0x5eed0000u);
	pthread_mutex_init(&sh->st.lock, NULL);
	lt_buf_init(&sh->url, 64 << 10);
	lt_buf_init(&sh->tmp, 1 << 20);
	lt_buf_init(&sh->reason, 4096);
	lt_buf_init(&sh->mask, 64 << 10);
	lt_buf_init(&sh->marks, 64 << 10);
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
	ev_async_init(&sh->wake, run_wake_fire);
	sh->wake.data = sh;
	ev_async_start(sh->loop, &sh->wake);
	ev_unref(sh->loop);
	ev_init(&sh->spawn_timer, run_spawn_fire);
	sh->spawn_timer.data = sh;
	ev_init(&sh->sched_timer, run_sched_fire);
	sh->sched_timer.data = sh;
	ev_init(&sh->grace_timer, run_grace_fire);
	sh->grace_timer.data = sh;
	ev_init(&sh->users_timer, run_users_fire);
	sh->users_timer.data = sh;
	ev_timer_init(&sh->drop_timer, run_drop_fire, 1., 1.);
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
	for (i = 0; i < sh->st.nep; i++)
		lt_hist_fini(&sh->st.ep[i].hist);
	lt_hist_fini(&sh->st.total);
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
	lt_buf_fini(&sh->mask);
	lt_buf_fini(&sh->marks);
	pthread_mutex_destroy(&sh->st.lock);
}

/* Initial load of a shard: the open model's pool, or the ramp. */
static void
shard_begin(struct run *r, struct lt_shard *sh)
{
	long n = lt_segment_share(r->users, sh->stripes, sh->stripe);

	if (r->o->iterations < 0)
		return; /* an empty segment: nothing to run */
	if (sh->open_model) {
		run_spawn_batch(sh, n);
		atomic_store(&sh->target_users, n);
		run_shard_set_rate(sh, atomic_load(&sh->rate));
	} else if (r->shape == NULL) {
		run_shard_retarget(sh);
	}
}

static void *
shard_thread(void *arg)
{
	struct lt_shard *sh = arg;
	struct run *r = run_of(sh);

	shard_begin(r, sh);
	if (atomic_load(&sh->stop_kind) != LT_STOP_NONE)
		run_shard_stop(sh, atomic_load(&sh->stop_kind) == LT_STOP_NOW);
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

	ev_signal_init(&r->sigint, run_sig_fire, SIGINT);
	r->sigint.data = r;
	ev_signal_start(loop, &r->sigint);
	ev_unref(loop);
	ev_signal_init(&r->sigterm, run_sig_fire, SIGTERM);
	r->sigterm.data = r;
	ev_signal_start(loop, &r->sigterm);
	ev_unref(loop);
	/* A hangup (the ssh session dropped) stops like SIGTERM, so the
	 * run end event is written; under nohup it stays ignored. */
	ev_signal_init(&r->sighup, run_sig_fire, SIGHUP);
	r->sighup.data = r;
	if (sigaction(SIGHUP, NULL, &sa) == 0 && sa.sa_handler != SIG_IGN) {
		r->hup = 1;
		ev_signal_start(loop, &r->sighup);
		ev_unref(loop);
	}
	/* On a pipe, the write end polls as an error once the reader is
	 * gone: watch for it, so a run whose requests stall or whose users
	 * think for long still stops at once (`| head`). */
	ev_init(&r->out_io, run_out_fire);
	r->out_io.data = r;
	if (fstat(r->o->out_fd, &sb) == 0 && S_ISFIFO(sb.st_mode)) {
		ev_io_set(&r->out_io, r->o->out_fd, EV_READ);
		ev_io_start(loop, &r->out_io);
		ev_unref(loop);
	}
	ev_init(&r->runtime, run_runtime_fire);
	r->runtime.data = r;
	if (r->o->run_time_s > 0) {
		ev_timer_set(&r->runtime, r->o->run_time_s, 0.);
		ev_timer_start(loop, &r->runtime);
	}
	ev_init(&r->stage_timer, run_stage_fire);
	r->stage_timer.data = r;
	ev_init(&r->shape_io, run_shape_fire);
	r->shape_io.data = r;
	ev_timer_init(&r->progress, run_progress_fire, PROGRESS_S, PROGRESS_S);
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
	if (lt_testhook_run(&r->sh[0], r->sc->setup, &run_user_ops, &r->sh[0],
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
	lt_segment_data(sc, o->seg_index, o->seg_count);
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
		atomic_store(&r->sh[i].rate, o->rate / r->sh[i].stripes);
		if (o->shape == NULL) {
			atomic_store(&r->sh[i].target_users,
			    lt_segment_share(
			        r->users, r->sh[i].stripes, r->sh[i].stripe));
			atomic_store(&r->sh[i].spawn_rate,
			    (o->spawn_rate > 0 ? o->spawn_rate : 1) /
			        r->sh[i].stripes);
		}
	}
	control_init(r);
	if (run_shape_start(r, err) != 0)
		goto out_control;
	run_event_start(r);
	lt_evout_flush(&r->sh[0].out);
	if (test_setup(r, err) != 0)
		goto out_control;
	if (o->iterations < 0)
		run_request_stop(r, "iterations", "iterations done", 0);
	for (i = 1; i < r->jobs; i++)
		if (pthread_create(
		        &r->sh[i].thread, NULL, shard_thread, &r->sh[i]) != 0) {
			lt_err_set(err, LT_EXIT_RUNTIME, "cannot start thread");
			r->jobs = i;
			run_request_stop(r, "error", "thread failure", 1);
			break;
		}
	shard_begin(r, &r->sh[0]);
	if (r->shape != NULL)
		run_shape_drain(r);
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
	if (lt_testhook_run(&r->sh[0], sc->teardown, &run_user_ops, &r->sh[0],
	        NULL, teardown_stopped, r) != 0 &&
	    r->o->warn != NULL)
		r->o->warn("out of memory: no teardown", r->o->warn_arg);
	if (r->reason == NULL)
		r->reason = "error";
	run_shard_users_event(&r->sh[0]);
	run_merge_stats(r, st);
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
	for (int i = 0; st->endpoints && i < st->n_endpoints; i++)
		lt_hist_fini(&st->endpoints[i].hist);
	lt_hist_fini(&st->total);
	free(st->endpoints);
	st->endpoints = NULL;
}
