/*
 * runstats.c - what a run records and tells: per-shard statistics of
 * every finished request, the run, users and drop events, the live line
 * every 2 s, and the shards' statistics merged at the end.
 */
#include <stdlib.h>

#include "core/jsonw.h"
#include "core/version.h"
#include "run/runner.h"
#include "run/runpriv.h"
#include "run/secret.h"

/* --- statistics ---------------------------------------------------- */

void
run_shard_record(struct lt_shard *sh, const char *method, const char *name,
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
	if (ep == NULL && st->nep < LT_MAX_ENDPOINTS &&
	    lt_hist_init(&st->ep[st->nep].hist, 3) == 0) {
		ep = &st->ep[st->nep++];
		snprintf(ep->method, sizeof(ep->method), "%s", method);
		snprintf(ep->name, sizeof(ep->name), "%s", name);
	}
	if (st->total.counts == NULL)
		lt_hist_init(&st->total, 3); /* ENOMEM: the table lacks it */
	/* latency < 0: none (interrupted), counted but not timed, as lt-agg */
	if (ep != NULL) {
		ep->requests++;
		ep->fails += failed != 0;
		if (latency_us >= 0)
			lt_hist_record(&ep->hist, latency_us);
	}
	if (latency_us >= 0 && st->total.counts != NULL)
		lt_hist_record(&st->total, latency_us);
	st->requests++;
	st->failures += failed != 0;
	atomic_fetch_add_explicit(
	    &sh->shared->requests, 1, memory_order_relaxed);
	pthread_mutex_lock(&st->lock);
	st->i_requests++;
	st->i_failures += failed != 0;
	if (latency_us >= 0)
		lt_lathist_add(&st->i_hist, latency_us);
	pthread_mutex_unlock(&st->lock);
}

/* --- events -------------------------------------------------------- */

static void
event_end(struct lt_shard *sh)
{
	if (lt_evout_end(&sh->out) != 0)
		run_shard_output_broken(sh);
}

void
run_shard_users_event(struct lt_shard *sh)
{
	const struct lt_scenario *sc = sh->sc;
	struct lt_buf *b = lt_evout_begin(&sh->out);
	size_t i;

	sh->users_last_us = lt_http_mono_us();
	/* this one reports every change so far */
	ev_timer_stop(sh->loop, &sh->users_timer);
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

void
run_drop_event(struct lt_shard *sh)
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

void
run_event_start(struct run *r)
{
	struct lt_shard *sh = &r->sh[0];
	const struct lt_run_opts *o = r->o;
	struct lt_buf *b = lt_evout_begin(&sh->out);

	lt_buf_adds(b, "{\"type\":\"run\",\"ts\":");
	lt_jsonw_fixed(b, r->real0_us, 6);
	lt_buf_adds(b,
	    ",\"phase\":\"start\",\"lt_version\":\"" LT_VERSION "\",\"host\":");
	if (sh->host != NULL) { /* a scenario host may carry credentials */
		lt_buf_reset(&sh->tmp);
		lt_secret_url_strip(&sh->tmp, sh->host, strlen(sh->host));
		lt_jsonw_str(b, sh->tmp.data, sh->tmp.len);
	} else {
		lt_jsonw_null(b);
	}
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
	if (o->seg_count > 0)
		lt_buf_printf(
		    b, ",\"segment\":\"%d/%d\"", o->seg_index, o->seg_count);
	lt_buf_adds(b, "}}");
	event_end(sh);
}

void
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

void
run_users_fire(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct lt_shard *sh = w->data;
	double left = USERS_EVENT_S -
	    (double)(lt_http_mono_us() - sh->users_last_us) / 1e6;

	(void)revents;
	if (left > 0) { /* one went out at once since this was armed */
		ev_timer_set(w, left, 0.);
		ev_timer_start(loop, w);
		return;
	}
	run_shard_users_event(sh);
}

void
run_progress_fire(struct ev_loop *loop, ev_timer *w, int revents)
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

static int
cmp_ep(const void *x, const void *y)
{
	const struct lt_run_endpoint *a = x, *b = y;
	int c = strcmp(a->name, b->name);

	return c ? c : strcmp(a->method, b->method);
}

/* The shards' figures added up, endpoints in lt-agg's order. */
void
run_merge_stats(struct run *r, struct lt_run_stats *st)
{
	int i, j, e;
	struct lt_run_endpoint *ep;

	st->endpoints = calloc(LT_MAX_ENDPOINTS, sizeof(*st->endpoints));
	lt_hist_init(&st->total, 3); /* ENOMEM: counts NULL, an empty row */
	for (i = 0; i < r->jobs; i++) {
		struct lt_shard_stats *s = &r->sh[i].st;

		st->requests += s->requests;
		st->failures += s->failures;
		st->drops += s->drops;
		st->check_passes += s->check_passes;
		st->check_fails += s->check_fails;
		if (st->total.counts && s->total.counts)
			lt_hist_add(&st->total, &s->total);
		for (j = 0; j < s->nep && st->endpoints != NULL; j++) {
			ep = NULL;
			for (e = 0; e < st->n_endpoints; e++)
				if (strcmp(st->endpoints[e].name,
				        s->ep[j].name) == 0 &&
				    strcmp(st->endpoints[e].method,
				        s->ep[j].method) == 0)
					ep = &st->endpoints[e];
			if (ep == NULL) {
				ep = &st->endpoints[st->n_endpoints];
				memcpy(ep->method, s->ep[j].method,
				    sizeof(ep->method));
				memcpy(
				    ep->name, s->ep[j].name, sizeof(ep->name));
				if (lt_hist_init(&ep->hist, 3) == -1)
					continue;
				st->n_endpoints++;
			}
			ep->requests += s->ep[j].requests;
			ep->fails += s->ep[j].fails;
			lt_hist_add(&ep->hist, &s->ep[j].hist);
		}
	}
	if (st->endpoints != NULL)
		qsort(st->endpoints, (size_t)st->n_endpoints,
		    sizeof(*st->endpoints), cmp_ep);
}
