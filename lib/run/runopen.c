/*
 * runopen.c - the open model (--rate): iterations started on a schedule
 * (constant or Poisson gaps) by idle users, and the iterations no idle
 * user could take counted as drops rather than delayed (no coordinated
 * omission).
 */
#include <math.h>

#include "run/runpriv.h"

/* --- open model ---------------------------------------------------- */

/*
 * The next n gaps of the whole run's schedule, whose rate is this
 * stripe's rate times stripes.  Poisson gaps come from the one stream
 * every stripe draws in full (runner.c), so stripe s keeps the arrivals
 * s, s + stripes, ... of the single-machine schedule, as with constant
 * gaps.
 */
static int64_t
gaps_us(struct lt_shard *sh, double rate, int n)
{
	double mean = 1e6 / (rate * sh->stripes), sum = 0;
	int i;

	if (sh->opts->arrival != LT_ARRIVAL_POISSON)
		return (int64_t)(mean * n);
	for (i = 0; i < n; i++)
		sum += -log(1.0 - lt_rng_unit(&sh->rng)) * mean;
	return (int64_t)sum;
}

void
run_sched_fire(struct ev_loop *loop, ev_timer *w, int revents)
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
			run_iterations_done(sh);
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
		sh->next_sched_us += gaps_us(sh, rate, sh->stripes);
		n++;
	}
	ev_timer_set(w, (double)(sh->next_sched_us - now) / 1e6, 0.);
	ev_timer_start(loop, w);
}

void
run_drop_fire(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	run_drop_event(w->data);
}

void
run_shard_set_rate(struct lt_shard *sh, double rate)
{
	atomic_store(&sh->rate, rate);
	sh->rate_applied = rate;
	if (sh->stopping || !sh->open_model)
		return;
	ev_timer_stop(sh->loop, &sh->sched_timer);
	if (rate <= 0)
		return;
	sh->next_sched_us = lt_http_mono_us() + gaps_us(sh, rate, sh->stripe);
	ev_timer_set(&sh->sched_timer, 0., 0.);
	ev_timer_start(sh->loop, &sh->sched_timer);
}
