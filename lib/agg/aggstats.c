/*
 * aggstats.c - completing an aggregate: sorting, the "Aggregated" total,
 * the run span and the derived statistics of each endpoint (agg.h).
 */
#include <stdlib.h>
#include <string.h>

#include "agg/aggcheck.h"
#include "agg/aggclass.h"
#include "agg/agg.h"

static int
cmp_sv(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	if (c)
		return c;
	return (an > bn) - (an < bn);
}

/* Locust's order: by name, then method. */
static int
cmp_ep(const void *x, const void *y)
{
	const struct lt_ep *a = *(struct lt_ep *const *)x;
	const struct lt_ep *b = *(struct lt_ep *const *)y;
	int c = cmp_sv(a->key.p[1], a->key.n[1], b->key.p[1], b->key.n[1]);

	return c ? c
	         : cmp_sv(a->key.p[0], a->key.n[0], b->key.p[0], b->key.n[0]);
}

static int
cmp_fail(const void *x, const void *y)
{
	const struct lt_failgroup *a = *(struct lt_failgroup *const *)x;
	const struct lt_failgroup *b = *(struct lt_failgroup *const *)y;

	if (a->occurrences != b->occurrences)
		return a->occurrences > b->occurrences ? -1 : 1;
	for (int i = 0; i < 3; i++) {
		int c =
		    cmp_sv(a->key.p[i], a->key.n[i], b->key.p[i], b->key.n[i]);

		if (c)
			return c;
	}
	return 0;
}

static int
hist_add_opt(struct lt_hist *dst, const struct lt_hist *src)
{
	if (src->counts == NULL || src->count == 0)
		return 0;
	if (lt_agg_ep_hist(dst) == -1)
		return -1;
	return lt_hist_add(dst, src);
}

int
lt_ep_add(struct lt_ep *dst, const struct lt_ep *src)
{
	dst->requests = lt_sat_add(dst->requests, src->requests);
	dst->failures = lt_sat_add(dst->failures, src->failures);
	dst->bytes = lt_sat_add(dst->bytes, src->bytes);
	dst->bytes_sent = lt_sat_add(dst->bytes_sent, src->bytes_sent);
	dst->has_sent |= src->has_sent;
	if (src->first_ts_us != LT_TS_NONE &&
	    (dst->first_ts_us == LT_TS_NONE ||
	        src->first_ts_us < dst->first_ts_us))
		dst->first_ts_us = src->first_ts_us;
	if (src->last_ts_us != LT_TS_NONE &&
	    (dst->last_ts_us == LT_TS_NONE ||
	        src->last_ts_us > dst->last_ts_us))
		dst->last_ts_us = src->last_ts_us;
	for (int i = 0; i < LT_STATUS_N; i++)
		dst->status[i] = lt_sat_add(dst->status[i], src->status[i]);
	if (lt_hist_add(&dst->hist, &src->hist) == -1 ||
	    hist_add_opt(&dst->ttfb, &src->ttfb) == -1 ||
	    hist_add_opt(&dst->co, &src->co) == -1 ||
	    lt_llmstat_add(&dst->llm, src->llm) == -1)
		return -1;
	return 0;
}

static int
flush_all(struct lt_agg *agg)
{
	if (lt_series_flush(&agg->tl) == -1)
		return -1;
	for (size_t i = 0; i < agg->n_eps; i++)
		if (agg->eps[i]->tl && lt_series_flush(agg->eps[i]->tl) == -1)
			return -1;
	return 0;
}

/* The run span clipped to the time window: rates are over the window. */
static void
clip_window(struct lt_agg *agg)
{
	int64_t base = agg->run_start_us != LT_TS_NONE ? agg->run_start_us
	                                               : agg->win_first_us;

	if (base == LT_TS_NONE)
		return;
	if (agg->opts.since_us > 0 &&
	    lt_sat_add(base, agg->opts.since_us) > agg->start_us)
		agg->start_us = lt_sat_add(base, agg->opts.since_us);
	if (agg->opts.until_us > 0 &&
	    lt_sat_add(base, agg->opts.until_us) < agg->end_us)
		agg->end_us = lt_sat_add(base, agg->opts.until_us);
}

int
lt_agg_finish(struct lt_agg *agg)
{
	if (flush_all(agg) == -1)
		return -1;
	if (agg->n_eps)
		qsort(agg->eps, agg->n_eps, sizeof(*agg->eps), cmp_ep);
	lt_aggcls_finish(agg->cls);
	lt_aggchk_finish(agg->chk);
	if (agg->n_fails)
		qsort(agg->fails, agg->n_fails, sizeof(*agg->fails), cmp_fail);
	lt_ep_fini(&agg->total);
	if (lt_ep_init(&agg->total, 0) == -1)
		return -1;
	for (size_t i = 0; i < agg->n_eps; i++)
		if (lt_ep_add(&agg->total, agg->eps[i]) == -1)
			return -1;
	agg->start_us = agg->run_start_us != LT_TS_NONE ? agg->run_start_us
	    : agg->first_us != LT_TS_NONE               ? agg->first_us
	                                                : 0;
	agg->end_us = agg->run_end_us != LT_TS_NONE ? agg->run_end_us
	    : agg->last_req_us != LT_TS_NONE        ? agg->last_req_us
	    : agg->last_us != LT_TS_NONE            ? agg->last_us
	                                            : agg->start_us;
	clip_window(agg);
	if (agg->end_us < agg->start_us)
		agg->end_us = agg->start_us;
	agg->finished = 1;
	return 0;
}

int64_t
lt_agg_duration_us(const struct lt_agg *agg)
{
	int64_t d;

	if (__builtin_sub_overflow(agg->end_us, agg->start_us, &d))
		return INT64_MAX;
	return d;
}

double
lt_agg_duration_s(const struct lt_agg *agg)
{
	return (double)lt_agg_duration_us(agg) / 1e6;
}

static double
ratio(int64_t a, double b)
{
	return b > 0 ? (double)a / b : 0.0;
}

void
lt_agg_stats(
    const struct lt_agg *agg, const struct lt_ep *ep, struct lt_ep_stats *st)
{
	double dur = lt_agg_duration_s(agg);

	memset(st, 0, sizeof(*st));
	st->requests = ep->requests;
	st->failures = ep->failures;
	/* Locust: 1.0 when there are failures but no requests */
	st->fail_ratio = ep->requests ? (double)ep->failures / ep->requests
	    : ep->failures            ? 1.0
	                              : 0.0;
	st->rps = ratio(ep->requests, dur);
	st->fps = ratio(ep->failures, dur);
	st->min_us = ep->hist.min;
	st->max_us = ep->hist.max;
	st->mean_us = lt_hist_mean_us(&ep->hist);
	lt_hist_percentiles(&ep->hist, lt_pct_list, LT_PCT_N, st->pct_us);
	st->median_us = st->pct_us[0];
	st->avg_bytes = ratio(ep->bytes, (double)ep->requests);
	if (ep->ttfb.counts && ep->ttfb.count) {
		st->has_ttfb = 1;
		st->ttfb_mean_us = lt_hist_mean_us(&ep->ttfb);
		lt_hist_percentiles(
		    &ep->ttfb, lt_pct_list, LT_PCT_N, st->ttfb_pct_us);
	}
	if (ep->co.counts && ep->co.count) {
		st->has_co = 1;
		st->co_mean_us = lt_hist_mean_us(&ep->co);
		st->co_max_us = ep->co.max;
		lt_hist_percentiles(
		    &ep->co, lt_pct_list, LT_PCT_N, st->co_pct_us);
	}
}
