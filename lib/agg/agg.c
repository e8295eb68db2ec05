/*
 * agg.c - adding events to the aggregate; see agg.h.
 *
 * Everything an event touches is found by hash (endpoint, failure group,
 * second) and already allocated after its first occurrence, so the cost
 * per event is the parse plus a few lookups and histogram increments.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "agg/aggcheck.h"
#include "agg/aggclass.h"
#include "agg/agg.h"
#include "agg/aggerr.h"

static const char OTHER_NAME[] = "(other)";
static const char OTHER_ERROR[] = "(other errors)";
static const char UNKNOWN_ERROR[] = "unknown";
static const char INTERRUPTED[] = "interrupted:";

struct lt_agg *
lt_agg_new(const struct lt_agg_opts *opts)
{
	struct lt_agg *agg = calloc(1, sizeof(*agg));

	if (agg == NULL)
		return NULL;
	if (opts)
		agg->opts = *opts;
	agg->win_first_us = LT_TS_NONE;
	agg->run_start_us = agg->run_end_us = LT_TS_NONE;
	agg->first_us = agg->last_req_us = agg->last_us = LT_TS_NONE;
	lt_series_init(&agg->tl);
	lt_buf_init(&agg->errkey, 0);
	return agg;
}

int
lt_ep_init(struct lt_ep *ep, int with_tl)
{
	memset(ep, 0, sizeof(*ep));
	ep->first_ts_us = ep->last_ts_us = LT_TS_NONE;
	ep->status = calloc(LT_STATUS_N, sizeof(*ep->status));
	if (ep->status == NULL || lt_hist_init(&ep->hist, 3) == -1)
		goto fail;
	if (with_tl) {
		ep->tl = malloc(sizeof(*ep->tl));
		if (ep->tl == NULL)
			goto fail;
		lt_series_init(ep->tl);
	}
	return 0;
fail:
	lt_ep_fini(ep);
	return -1;
}

void
lt_ep_fini(struct lt_ep *ep)
{
	lt_keyed_fini(&ep->key);
	lt_hist_fini(&ep->hist);
	lt_hist_fini(&ep->ttfb);
	lt_hist_fini(&ep->co);
	lt_llmstat_ep_free(ep->llm);
	ep->llm = NULL;
	free(ep->status);
	ep->status = NULL;
	if (ep->tl) {
		lt_series_fini(ep->tl);
		free(ep->tl);
		ep->tl = NULL;
	}
}

int
lt_agg_ep_hist(struct lt_hist *h)
{
	return h->counts ? 0 : lt_hist_init(h, 3);
}

void
lt_agg_free(struct lt_agg *agg)
{
	if (agg == NULL)
		return;
	for (size_t i = 0; i < agg->n_eps; i++) {
		lt_ep_fini(agg->eps[i]);
		free(agg->eps[i]);
	}
	for (size_t i = 0; i < agg->n_fails; i++) {
		lt_keyed_fini(&agg->fails[i]->key);
		free(agg->fails[i]->example);
		free(agg->fails[i]);
	}
	lt_buf_fini(&agg->errkey);
	free(agg->eps);
	free(agg->fails);
	lt_keytab_fini(&agg->ep_tab);
	lt_keytab_fini(&agg->fail_tab);
	lt_series_fini(&agg->tl);
	lt_ep_fini(&agg->total);
	lt_llmstat_free(agg->llm);
	lt_aggcls_free(agg->cls);
	lt_aggchk_free(agg->chk);
	free(agg->host);
	free(agg->scenario);
	free(agg->options);
	free(agg->end_reason);
	free(agg);
}

/* Appends p to a growable pointer array. */
static int
push(void ***arr, size_t *n, size_t *alloc, void *p)
{
	if (*n == *alloc) {
		size_t na = *alloc ? *alloc * 2 : 32;
		void **a = realloc(*arr, na * sizeof(*a));

		if (a == NULL)
			return -1;
		*arr = a;
		*alloc = na;
	}
	(*arr)[(*n)++] = p;
	return 0;
}

static struct lt_ep *
ep_new(struct lt_agg *agg, const struct lt_key *k, uint64_t h)
{
	struct lt_ep *ep = malloc(sizeof(*ep));

	if (ep == NULL)
		return NULL;
	if (lt_ep_init(ep, agg->opts.timeline_endpoints) == -1) {
		free(ep);
		return NULL;
	}
	ep->seq = (int64_t)agg->n_eps;
	if (lt_keytab_put(&agg->ep_tab, &ep->key, k, h) == -1 ||
	    push((void ***)&agg->eps, &agg->n_eps, &agg->eps_alloc, ep) == -1) {
		lt_ep_fini(ep);
		free(ep);
		return NULL;
	}
	agg->finished = 0;
	return ep;
}

static struct lt_ep *
ep_other(struct lt_agg *agg)
{
	struct lt_key k = { { "", OTHER_NAME, NULL },
		{ 0, sizeof(OTHER_NAME) - 1, 0 } };

	if (agg->other == NULL)
		agg->other = ep_new(agg, &k, lt_key_hash(&k));
	return agg->other;
}

struct lt_ep *
lt_agg_ep_n(struct lt_agg *agg, const char *method, size_t method_len,
    const char *name, size_t name_len, int64_t events)
{
	struct lt_key k = { { method, name, NULL },
		{ method_len, name_len, 0 } };
	uint64_t h = lt_key_hash(&k);
	struct lt_keyed *o = lt_keytab_get(&agg->ep_tab, &k, h);

	if (o)
		return (struct lt_ep *)o;
	if (method_len == 0 && name_len == sizeof(OTHER_NAME) - 1 &&
	    memcmp(name, OTHER_NAME, name_len) == 0)
		return ep_other(agg);
	if (agg->n_eps - (agg->other != NULL) >= LT_AGG_MAX_ENDPOINTS) {
		agg->other_endpoint_events =
		    lt_sat_add(agg->other_endpoint_events, events);
		return ep_other(agg);
	}
	return ep_new(agg, &k, h);
}

struct lt_ep *
lt_agg_ep(struct lt_agg *agg, const char *method, size_t method_len,
    const char *name, size_t name_len)
{
	return lt_agg_ep_n(agg, method, method_len, name, name_len, 1);
}

int
lt_agg_fail(struct lt_agg *agg, const char *method, size_t method_len,
    const char *name, size_t name_len, const char *error, size_t error_len,
    const char *example, size_t example_len, int64_t n)
{
	struct lt_key k = { { method, name, error },
		{ method_len, name_len, error_len } };
	uint64_t h;
	struct lt_keyed *o;
	struct lt_failgroup *f;
	int keyed = lt_aggerr_key(error, error_len, &agg->errkey);

	if (keyed == -1)
		return -1;
	if (keyed == 1) {
		k.p[2] = agg->errkey.data;
		k.n[2] = agg->errkey.len;
		if (example == NULL) {
			example = error;
			example_len = error_len;
		}
	}
	h = lt_key_hash(&k);
	o = lt_keytab_get(&agg->fail_tab, &k, h);

	if (o == NULL && agg->n_fails >= LT_AGG_MAX_FAILGROUPS) {
		/* one group for everything beyond the cap: bounded memory */
		k.p[0] = "";
		k.n[0] = 0;
		k.p[1] = OTHER_NAME;
		k.n[1] = sizeof(OTHER_NAME) - 1;
		k.p[2] = OTHER_ERROR;
		k.n[2] = sizeof(OTHER_ERROR) - 1;
		h = lt_key_hash(&k);
		o = lt_keytab_get(&agg->fail_tab, &k, h);
		example = NULL;
	}
	if (o) {
		((struct lt_failgroup *)o)->occurrences =
		    lt_sat_add(((struct lt_failgroup *)o)->occurrences, n);
		return 0;
	}
	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return -1;
	if (example &&
	    (k.n[2] != example_len || memcmp(example, k.p[2], k.n[2]) != 0)) {
		f->example = malloc(example_len + 1);
		if (f->example == NULL) {
			free(f);
			return -1;
		}
		memcpy(f->example, example, example_len); /* may hold NULs */
		f->example[example_len] = '\0';
		f->example_len = example_len;
	}
	if (lt_keytab_put(&agg->fail_tab, &f->key, &k, h) == -1) {
		free(f->example);
		free(f);
		return -1;
	}
	if (push((void ***)&agg->fails, &agg->n_fails, &agg->fails_alloc, f) ==
	    -1)
		return -1; /* the table owns nothing: f leaks only on ENOMEM */
	f->occurrences = n;
	return 0;
}

static int64_t
floor_sec(int64_t ts_us)
{
	int64_t t = ts_us / 1000000;

	return (ts_us % 1000000 < 0) ? t - 1 : t;
}

static void
see_ts(struct lt_agg *agg, int64_t ts)
{
	if (agg->first_us == LT_TS_NONE || ts < agg->first_us)
		agg->first_us = ts;
	if (agg->last_us == LT_TS_NONE || ts > agg->last_us)
		agg->last_us = ts;
}

static int
nomem(struct lt_err *err)
{
	return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
}

/* Records one request into a series. */
static int
series_req(struct lt_series *s, int64_t t, int failed, int64_t lat,
    int64_t co_us, int64_t bytes, int64_t sent)
{
	struct lt_hist *h, *co;
	struct lt_sec *sec = lt_series_sec(s, t, &h, &co, co_us >= 0);

	if (sec == NULL)
		return -1;
	sec->requests++;
	sec->failures += failed;
	if (bytes > 0)
		sec->bytes = lt_sat_add(sec->bytes, bytes);
	if (sent > 0)
		sec->bytes_sent = lt_sat_add(sec->bytes_sent, sent);
	if (lat >= 0)
		lt_hist_record(h, lat);
	if (co_us >= 0)
		lt_hist_record(co, co_us);
	return 0;
}

static int
add_req(struct lt_agg *agg, const struct lt_event *ev, struct lt_err *err)
{
	int64_t lat = ev->latency_us, status = ev->status, co_us = -1, t, bytes;
	int64_t sent = ev->bytes_sent != LT_EV_ABSENT ? ev->bytes_sent : 0;
	int failed = ev->ok == 0 || (ev->ok == -1 && ev->error.ptr != NULL);
	struct lt_ep *ep;

	if (lat != LT_EV_ABSENT && lat < 0)
		return lt_err_set(err, LT_EXIT_USAGE, "negative latency_ms");
	if (status == LT_EV_ABSENT)
		status = 0;
	if (status < 0 || status >= LT_STATUS_N)
		return lt_err_set(err, LT_EXIT_USAGE,
		    "status %lld out of range 0..999", (long long)status);
	/*
	 * No latency when absent, and none for a request the end of the run
	 * cut off ("interrupted:", lt-events(5)): that is the time until the
	 * cut, not a response time (Locust drops such requests altogether).
	 */
	if (lat == LT_EV_ABSENT ||
	    (failed && ev->error.len >= sizeof(INTERRUPTED) - 1 &&
	        memcmp(ev->error.ptr, INTERRUPTED, sizeof(INTERRUPTED) - 1) ==
	            0))
		lat = -1;
	ep = lt_agg_ep(
	    agg, ev->method.ptr, ev->method.len, ev->name.ptr, ev->name.len);
	if (ep == NULL)
		return nomem(err);
	/* the slots are likely cache misses: start loading them now */
	if (lat >= 0 && lat <= LT_HIST_HIGHEST_US) {
		__builtin_prefetch(
		    &ep->hist.counts[lt_hist_index(&ep->hist, lat)], 1);
		if (ep->ttfb.counts && ev->ttfb_us >= 0 &&
		    ev->ttfb_us <= LT_HIST_HIGHEST_US)
			__builtin_prefetch(
			    &ep->ttfb
			         .counts[lt_hist_index(&ep->ttfb, ev->ttfb_us)],
			    1);
	}
	ep->requests++;
	ep->failures += failed;
	if (ev->bytes != LT_EV_ABSENT && ev->bytes > 0)
		ep->bytes = lt_sat_add(ep->bytes, ev->bytes);
	if (ev->bytes_sent != LT_EV_ABSENT) {
		ep->has_sent = 1;
		if (sent > 0)
			ep->bytes_sent = lt_sat_add(ep->bytes_sent, sent);
	}
	ep->status[status]++;
	if (ep->first_ts_us == LT_TS_NONE || ev->ts_us < ep->first_ts_us)
		ep->first_ts_us = ev->ts_us;
	if (ep->last_ts_us == LT_TS_NONE || ev->ts_us > ep->last_ts_us)
		ep->last_ts_us = ev->ts_us;
	if (lat >= 0) {
		lt_hist_record(&ep->hist, lat);
		if (ev->ttfb_us != LT_EV_ABSENT && ev->ttfb_us >= 0) {
			if (lt_agg_ep_hist(&ep->ttfb) == -1)
				return nomem(err);
			lt_hist_record(&ep->ttfb, ev->ttfb_us);
		}
		if (ev->wait_us != LT_EV_ABSENT) {
			co_us =
			    lt_sat_add(lat, ev->wait_us > 0 ? ev->wait_us : 0);
			if (lt_agg_ep_hist(&ep->co) == -1)
				return nomem(err);
			lt_hist_record(&ep->co, co_us);
		}
	}
	see_ts(agg, ev->ts_us);
	{
		int64_t done = lt_sat_add(ev->ts_us, lat > 0 ? lat : 0);

		if (agg->last_req_us == LT_TS_NONE || done > agg->last_req_us)
			agg->last_req_us = done;
	}
	t = floor_sec(ev->ts_us);
	bytes = ev->bytes != LT_EV_ABSENT ? ev->bytes : 0;
	if (series_req(&agg->tl, t, failed, lat, co_us, bytes, sent) == -1 ||
	    (ep->tl &&
	        series_req(ep->tl, t, failed, lat, co_us, bytes, sent) == -1))
		return nomem(err);
	if (lt_aggcls_req(&agg->cls, ev, failed, lat) == -1)
		return nomem(err);
	if (ev->n_checks > 0 &&
	    lt_aggchk_req(&agg->chk, ep->key.p[0], ep->key.n[0], ep->key.p[1],
	        ep->key.n[1], ev->checks, ev->n_checks) == -1)
		return nomem(err);
	if (ev->output_tokens != LT_EV_ABSENT &&
	    lt_llmstat_record(&agg->llm, &ep->llm, ev, failed, err) == -1)
		return -1;
	if (failed) {
		const char *e = ev->error.ptr ? ev->error.ptr : UNKNOWN_ERROR;
		size_t elen =
		    ev->error.ptr ? ev->error.len : sizeof(UNKNOWN_ERROR) - 1;

		if (lt_agg_fail(agg, ev->method.ptr, ev->method.len,
		        ev->name.ptr, ev->name.len, e, elen, NULL, 0, 1) == -1)
			return nomem(err);
	}
	return 0;
}

static char *
sv_dup(struct lt_sv sv)
{
	char *s;

	if (sv.ptr == NULL)
		return NULL;
	s = malloc(sv.len + 1);
	if (s) {
		memcpy(s, sv.ptr, sv.len);
		s[sv.len] = '\0';
	}
	return s;
}

/* Compact, re-serialised copy of a raw JSON object (jq-proof). */
static char *
json_norm(struct lt_sv sv)
{
	json_t *j;
	char *s;

	if (sv.ptr == NULL)
		return NULL;
	j = json_loadb(sv.ptr, sv.len, JSON_DECODE_ANY, NULL);
	if (!json_is_object(j)) {
		json_decref(j);
		return NULL;
	}
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

static void
replace(char **dst, char *s)
{
	free(*dst);
	*dst = s;
}

static int
add_run(struct lt_agg *agg, const struct lt_event *ev)
{
	const struct lt_sv ph = ev->phase;

	if (ph.ptr && ph.len == 5 && memcmp(ph.ptr, "start", 5) == 0) {
		agg->runs++;
		if (agg->run_start_us == LT_TS_NONE ||
		    ev->ts_us < agg->run_start_us) {
			agg->run_start_us = ev->ts_us;
			replace(&agg->host, sv_dup(ev->host));
			replace(&agg->scenario, sv_dup(ev->scenario));
			replace(&agg->options, json_norm(ev->options));
		}
	} else if (ph.ptr && ph.len == 3 && memcmp(ph.ptr, "end", 3) == 0) {
		if (agg->run_end_us == LT_TS_NONE ||
		    ev->ts_us >= agg->run_end_us) {
			agg->run_end_us = ev->ts_us;
			replace(&agg->end_reason, sv_dup(ev->reason));
		}
	}
	return 0;
}

static int
add_users(struct lt_agg *agg, const struct lt_event *ev, struct lt_err *err)
{
	struct lt_hist *h, *co;
	struct lt_sec *sec;

	if (ev->count == LT_EV_ABSENT || ev->count < 0)
		return lt_err_set(
		    err, LT_EXIT_USAGE, "users event without a valid count");
	if (ev->count > agg->max_users)
		agg->max_users = ev->count;
	see_ts(agg, ev->ts_us);
	sec = lt_series_sec(&agg->tl, floor_sec(ev->ts_us), &h, &co, 0);
	if (sec == NULL)
		return nomem(err);
	if (sec->users < 0 || ev->ts_us >= sec->users_ts_us) {
		sec->users = ev->count;
		sec->users_ts_us = ev->ts_us;
	}
	return 0;
}

static int
add_drop(struct lt_agg *agg, const struct lt_event *ev, struct lt_err *err)
{
	struct lt_hist *h, *co;
	struct lt_sec *sec;

	if (ev->count == LT_EV_ABSENT || ev->count < 0)
		return lt_err_set(
		    err, LT_EXIT_USAGE, "drop event without a valid count");
	see_ts(agg, ev->ts_us);
	sec = lt_series_sec(&agg->tl, floor_sec(ev->ts_us), &h, &co, 0);
	if (sec == NULL)
		return nomem(err);
	sec->dropped = lt_sat_add(sec->dropped, ev->count);
	agg->dropped = lt_sat_add(agg->dropped, ev->count);
	return 0;
}

/* Whether ev falls outside the time window (--since/--until). */
static int
outside_window(struct lt_agg *agg, const struct lt_event *ev)
{
	int64_t base, rel;

	if (agg->opts.since_us <= 0 && agg->opts.until_us <= 0)
		return 0;
	if (agg->win_first_us == LT_TS_NONE || ev->ts_us < agg->win_first_us)
		agg->win_first_us = ev->ts_us;
	base = agg->run_start_us != LT_TS_NONE ? agg->run_start_us
	                                       : agg->win_first_us;
	if (__builtin_sub_overflow(ev->ts_us, base, &rel))
		return 1;
	return (agg->opts.since_us > 0 && rel < agg->opts.since_us) ||
	    (agg->opts.until_us > 0 && rel >= agg->opts.until_us);
}

int
lt_agg_event(struct lt_agg *agg, const struct lt_event *ev, struct lt_err *err)
{
	int rc = 0;

	agg->finished = 0;
	if ((ev->type == LT_EV_REQ || ev->type == LT_EV_USERS ||
	        ev->type == LT_EV_DROP) &&
	    outside_window(agg, ev)) {
		agg->events++;
		agg->outside++;
		return 0;
	}
	switch (ev->type) {
	case LT_EV_REQ:
		rc = add_req(agg, ev, err);
		break;
	case LT_EV_USERS:
		rc = add_users(agg, ev, err);
		break;
	case LT_EV_DROP:
		rc = add_drop(agg, ev, err);
		break;
	case LT_EV_RUN:
		rc = add_run(agg, ev);
		break;
	case LT_EV_WORKER:
		break;
	default:
		agg->unknown++;
		return 0;
	}
	if (rc == 0) {
		agg->events++;
		return 0;
	}
	return err->code == LT_EXIT_RUNTIME ? -1 : 1;
}

void
lt_agg_reject(
    struct lt_agg *agg, const char *file, int64_t lineno, const char *reason)
{
	struct lt_reject *r;

	agg->rejected++;
	if (agg->nrejects >= LT_AGG_REJECTS)
		return;
	r = &agg->rejects[agg->nrejects++];
	snprintf(
	    r->file, sizeof(r->file), "%.*s", (int)sizeof(r->file) - 1, file);
	r->line = lineno;
	snprintf(r->reason, sizeof(r->reason), "%.*s",
	    (int)sizeof(r->reason) - 1, reason);
}

int
lt_agg_line(struct lt_agg *agg, struct lt_evscan *sc, const char *line,
    size_t len, const char *file, int64_t lineno, struct lt_err *err)
{
	struct lt_event ev;
	int rc;

	agg->lines++;
	if (len == 0)
		return 0; /* blank lines separate nothing; not events */
	if (lt_evscan_parse(sc, line, len, &ev, err) == -1)
		rc = 1;
	else
		rc = lt_agg_event(agg, &ev, err);
	if (rc == 1) {
		lt_agg_reject(agg, file, lineno, err->msg);
		lt_err_prefix(err, "%s:%lld: ", file, (long long)lineno);
		err->code = LT_EXIT_USAGE;
	}
	return rc;
}
