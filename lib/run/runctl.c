/*
 * runctl.c - steering the shards from shard 0: targets (users, spawn
 * rate, arrival rate) shared out among the shards and sent with
 * ev_async, and the load shape (--shape) read stage by stage.
 */
#include "run/runpriv.h"
#include "run/segment.h"

void
run_wake_fire(struct ev_loop *loop, ev_async *w, int revents)
{
	struct lt_shard *sh = w->data;
	struct run *r = run_of(sh);
	int kind;

	(void)loop;
	(void)revents;
	if (sh->index == 0) {
		kind = atomic_exchange(&sh->shared->stop, 0);
		if (kind == 2)
			run_request_stop(r, "stdout", "stdout closed", 1);
		else if (kind == 3)
			run_request_stop(r, "iterations", "iterations done", 0);
		if (atomic_load(&sh->shared->shards_done) >= r->jobs - 1 &&
		    sh->done)
			ev_break(sh->loop, EVBREAK_ALL);
		run_shard_check_done(sh);
		return;
	}
	kind = atomic_load(&sh->stop_kind);
	if (kind != LT_STOP_NONE) {
		run_shard_stop(sh, kind == LT_STOP_NOW);
		return;
	}
	run_shard_retarget(sh);
	if (sh->open_model && atomic_load(&sh->rate) != sh->rate_applied)
		run_shard_set_rate(sh, atomic_load(&sh->rate));
}

static void
set_targets(struct run *r, long users, double spawn_rate)
{
	int i;

	for (i = 0; i < r->jobs; i++) {
		atomic_store(&r->sh[i].target_users,
		    lt_segment_share(users, r->sh[i].stripes, r->sh[i].stripe));
		atomic_store(
		    &r->sh[i].spawn_rate, spawn_rate / r->sh[i].stripes);
		if (i == 0)
			run_shard_retarget(&r->sh[0]);
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
			run_shard_set_rate(&r->sh[0], rate / r->sh[0].stripes);
		} else {
			atomic_store(&r->sh[i].rate, rate / r->sh[i].stripes);
			ev_async_send(r->sh[i].loop, &r->sh[i].wake);
		}
	}
}

static void
apply_stage(struct run *r, const struct lt_stage *st)
{
	switch (st->kind) {
	case LT_STAGE_END:
		run_request_stop(r, "shape", "shape ended", 0);
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

void
run_stage_fire(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct run *r = w->data;

	(void)loop;
	(void)revents;
	if (r->has_pending) {
		r->has_pending = 0;
		apply_stage(r, &r->pending);
	}
	run_shape_drain(r);
}

void
run_shape_drain(struct run *r)
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
	run_request_stop(r, "error", "shape error", 0);
}

void
run_shape_fire(struct ev_loop *loop, ev_io *w, int revents)
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
	run_shape_drain(r);
}

int
run_shape_start(struct run *r, struct lt_err *err)
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
