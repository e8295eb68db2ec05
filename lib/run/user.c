/*
 * user.c - the simulated user's state machine (see user.h): its
 * lifecycle (created, started, stopped, freed) and its walk through the
 * flow.  Steps run in userhttp.c (requests) and userexec.c (commands);
 * events and checks are in userevent.c.
 *
 * A user walks its class's flow with struct lt_cursor (scenario.h): each
 * step is an HTTP request on the user's own easy handle, an exec'd
 * command, a sleep or a variable assignment.  Between iterations it
 * thinks (ev_timer), per the class's wait kind.  Every request or command
 * that was started produces exactly one req event, from its completion,
 * its failure to start, or its interruption.
 */
#include <jansson.h>

#include "run/user.h"
#include "run/userpriv.h"

#define USER_BODY_CAP (1 << 20)
static void run_step(struct lt_user *u);

static double
mono_s(void)
{
	return (double)lt_http_mono_us() / 1e6;
}

static void
die(struct lt_user *u)
{
	if (u->state == LT_U_DEAD)
		return;
	ev_timer_stop(u->sh->loop, &u->timer);
	u->state = LT_U_DEAD;
	u->ops->dead(u->ops_ctx, u);
}

/* --- the flow ------------------------------------------------------ */

static void
timer_fire(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct lt_user *u = w->data;

	(void)loop;
	(void)revents;
	user_advance(u);
}

static void
sleep_for(struct lt_user *u, double s)
{
	u->state = LT_U_TIMER;
	ev_timer_set(&u->timer, s, 0.);
	ev_timer_start(u->sh->loop, &u->timer);
}

/* Stamps the event time of the step about to start. */
static void
stamp(struct lt_user *u)
{
	struct lt_shard *sh = u->sh;
	int64_t now = lt_http_mono_us();

	if (!sh->open_model) {
		u->ts_us = lt_http_real_us();
		u->wait_us = -1;
	} else if (u->sched_first) {
		u->ts_us = sh->real0_us + (u->sched_us - sh->mono0_us);
		u->wait_us = now > u->sched_us ? now - u->sched_us : 0;
		u->sched_first = 0;
	} else {
		u->ts_us = lt_http_real_us();
		u->wait_us = 0;
	}
}

static void
run_step(struct lt_user *u)
{
	const struct lt_step *s = u->step;

	switch (s->kind) {
	case LT_STEP_HTTP:
		stamp(u);
		u->iter_reqs++;
		if (user_http_start(u) != 0)
			break;
		return;
	case LT_STEP_EXEC:
		stamp(u);
		u->iter_reqs++;
		if (user_exec_start(u) != 0)
			break;
		return;
	case LT_STEP_SLEEP:
		if (s->sleep_s > 0) {
			sleep_for(u, s->sleep_s);
			return;
		}
		break;
	case LT_STEP_SET:
		lt_buf_reset(&u->sh->tmp);
		u->ctx.now_us = lt_http_real_us();
		lt_tmpl_expand(s->set_value, &u->ctx, &u->sh->tmp);
		lt_vars_set(
		    &u->vars, s->set_var, u->sh->tmp.data, u->sh->tmp.len);
		break;
	}
	/* The step finished at once: continue on the next loop turn so a
	 * flow of instant steps cannot starve the loop. */
	sleep_for(u, 0.);
}

/* Called at an iteration's end; returns 1 when the user goes on now. */
static int
iteration_end(struct lt_user *u)
{
	struct lt_shard *sh = u->sh;
	double w;

	u->in_iter = 0;
	u->ctx.seq++;
	if (sh->open_model)
		return 1; /* the next step is held until scheduled */
	w = lt_wait_next(&u->c->wait, &u->rng, u->iter_start_s, mono_s());
	if (u->backoff && w < 0.1)
		w = 0.1;
	u->backoff = 0;
	if (w > 0 || u->iter_reqs == 0) {
		sleep_for(u, w > 0 ? w : 0.);
		return 0;
	}
	return 1;
}

/* Starts an iteration (a task step came); 0 when -i says stop. */
static int
iteration_begin(struct lt_user *u)
{
	struct lt_shard *sh = u->sh;
	long lim = sh->opts->iterations;

	u->in_iter = 1;
	u->iter_reqs = 0;
	u->iter_start_s = mono_s();
	if (lim > 0 && atomic_fetch_add(&sh->shared->iterations, 1) >= lim) {
		u->stopping = 1;
		return 0;
	}
	return 1;
}

void
user_advance(struct lt_user *u)
{
	struct lt_shard *sh = u->sh;
	int r;

	for (;;) {
		if (u->state == LT_U_DEAD)
			return;
		u->state = LT_U_TIMER;
		if (u->stopping && !u->stop_done) {
			u->stop_done = 1;
			u->held = NULL;
			if (u->stop_now) {
				die(u);
				return;
			}
			lt_cursor_stop(&u->cur);
		}
		if (u->held != NULL) {
			u->step = u->held;
			u->held = NULL;
		} else {
			r = lt_cursor_next(&u->cur, &u->rng, &u->step);
			if (r == LT_CUR_DONE) {
				die(u);
				return;
			}
			if (r == LT_CUR_ITERATION_END) {
				if (!iteration_end(u))
					return;
				continue;
			}
			if (u->cur.phase == LT_PHASE_TASKS && !u->in_iter &&
			    sh->open_model && !u->stopping) {
				u->held = u->step;
				u->state = LT_U_IDLE;
				u->ops->idle(u->ops_ctx, u);
				return;
			}
		}
		if (u->cur.phase == LT_PHASE_TASKS && !u->in_iter &&
		    !iteration_begin(u))
			continue;
		run_step(u);
		return;
	}
}

/* --- lifecycle ----------------------------------------------------- */

struct lt_user *
lt_user_new(struct lt_shard *sh, const struct lt_class *c, long id,
    const struct lt_user_ops *ops, void *ctx)
{
	struct lt_user *u;
	struct lt_err err;

	u = calloc(1, sizeof(*u));
	if (u == NULL)
		return NULL;
	u->sh = sh;
	u->ops = ops;
	u->ops_ctx = ctx;
	u->c = c;
	u->id = id;
	u->pidfd = -1;
	u->outfd = -1;
	u->wait_us = -1;
	lt_rng_seed(&u->rng, sh->opts->seed, (uint64_t)id);
	lt_cursor_init(&u->cur, c);
	lt_buf_init(&u->reqbody, USER_BODY_CAP);
	lt_buf_init(&u->hdrs, 64 << 10);
	ev_init(&u->timer, timer_fire);
	u->timer.data = u;
	ev_init(&u->exec_timer, user_exec_timeout);
	u->exec_timer.data = u;
	if (lt_http_xfer_init(&sh->http, &u->x, USER_BODY_CAP, user_http_done,
	        u, &err) != 0) {
		lt_buf_fini(&u->reqbody);
		lt_buf_fini(&u->hdrs);
		free(u);
		return NULL;
	}
	u->http_on = 1;
	u->ctx.user = (uint64_t)id;
	u->ctx.class_name = c->name;
	u->ctx.vars = &u->vars;
	u->ctx.rng = &u->rng;
	u->ctx.var_names = sh->sc->vars;
	u->ctx.now_us = lt_http_real_us();
	if (lt_scenario_user_init(sh->sc, c, sh->globals, &u->vars, &u->ctx) !=
	    0) {
		lt_user_free(u);
		return NULL;
	}
	return u;
}

void
lt_user_free(struct lt_user *u)
{
	if (u == NULL)
		return;
	if (u->sh->loop != NULL) {
		ev_timer_stop(u->sh->loop, &u->timer);
		ev_timer_stop(u->sh->loop, &u->exec_timer);
		if (u->pidfd >= 0)
			ev_io_stop(u->sh->loop, &u->pid_io);
		if (u->outfd >= 0)
			ev_io_stop(u->sh->loop, &u->out_io);
	}
	if (u->pid > 0) { /* a command still running: no orphans */
		int st;

		kill(-u->pid, SIGKILL);
		user_exec_reap(u->pid, &st, 0);
	}
	if (u->pidfd >= 0)
		close(u->pidfd);
	if (u->outfd >= 0)
		close(u->outfd);
	if (u->http_on)
		lt_http_xfer_fini(&u->x);
	lt_vars_fini(&u->vars);
	lt_buf_fini(&u->reqbody);
	lt_buf_fini(&u->hdrs);
	free(u->hn);
	free(u);
}

void
lt_user_start(struct lt_user *u)
{
	u->state = LT_U_TIMER;
	user_advance(u);
}

void
lt_user_iterate(struct lt_user *u, int64_t sched_mono_us)
{
	struct lt_shard *sh = u->sh;

	u->sched_us = sched_mono_us;
	u->sched_first = 1;
	u->state = LT_U_TIMER;
	if (u->held == NULL) {
		user_advance(u);
		return;
	}
	u->step = u->held;
	u->held = NULL;
	if (!iteration_begin(u)) {
		user_advance(u);
		return;
	}
	(void)sh;
	run_step(u);
}

void
lt_user_stop(struct lt_user *u, int now)
{
	u->stopping = 1;
	if (now) {
		u->stop_now = 1;
		u->stop_done = 0;
	}
	switch (u->state) {
	case LT_U_NEW:
		die(u);
		break;
	case LT_U_TIMER:
	case LT_U_IDLE:
		ev_timer_stop(u->sh->loop, &u->timer);
		user_advance(u);
		break;
	default:
		break;
	}
}

void
lt_user_interrupt(struct lt_user *u, const char *why)
{
	if (u->state != LT_U_BUSY)
		return;
	if (u->x.busy)
		lt_http_cancel(&u->x, why);
	else if (u->pid > 0)
		user_exec_finish(u, why);
}

int
lt_user_alive(const struct lt_user *u)
{
	return u->state != LT_U_DEAD;
}

const struct lt_class *
lt_user_class(const struct lt_user *u)
{
	return u->c;
}
