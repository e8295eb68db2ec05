/*
 * aggfold.c - folding endpoints beyond the cap while reading; see
 * aggfold.h.
 */
#include <stdlib.h>
#include <string.h>

#include "agg/aggfold.h"

static const char OTHER[] = "(other)";

int
lt_fold_is_other(const char *method, const char *name)
{
	return method[0] == '\0' && strcmp(name, OTHER) == 0;
}

int
lt_fold_other_init(struct lt_doc_ep *ep)
{
	memset(ep, 0, sizeof(*ep));
	ep->method = strdup("");
	ep->name = strdup(OTHER);
	ep->seq = -1;
	ep->first_ts_us = ep->last_ts_us = LT_DOC_TS_NONE;
	if (ep->method == NULL || ep->name == NULL ||
	    lt_hist_init(&ep->hist, 3) == -1 ||
	    lt_hist_init(&ep->ttfb_hist, 3) == -1)
		return -1;
	return 0;
}

/* dst's status codes plus src's, ascending: 0 or -1. */
static int
fold_status(struct lt_doc_ep *dst, const struct lt_doc_ep *src)
{
	struct lt_doc_status *m;
	size_t i = 0, j = 0, n = 0;

	if (src->n_status == 0)
		return 0;
	m = calloc(dst->n_status + src->n_status, sizeof(*m));
	if (m == NULL)
		return -1;
	while (i < dst->n_status || j < src->n_status) {
		if (j == src->n_status ||
		    (i < dst->n_status &&
		        dst->status[i].code < src->status[j].code)) {
			m[n++] = dst->status[i++];
		} else if (i == dst->n_status ||
		    src->status[j].code < dst->status[i].code) {
			m[n++] = src->status[j++];
		} else {
			m[n] = dst->status[i++];
			m[n].n = lt_sat_add(m[n].n, src->status[j++].n);
			n++;
		}
	}
	free(dst->status);
	dst->status = m;
	dst->n_status = n;
	return 0;
}

static void
min_ts(int64_t *dst, int64_t v)
{
	if (v != LT_DOC_TS_NONE && (*dst == LT_DOC_TS_NONE || v < *dst))
		*dst = v;
}

static void
max_ts(int64_t *dst, int64_t v)
{
	if (v != LT_DOC_TS_NONE && (*dst == LT_DOC_TS_NONE || v > *dst))
		*dst = v;
}

int
lt_fold_ep(struct lt_doc_ep *dst, const struct lt_doc_ep *src)
{
	dst->requests = lt_sat_add(dst->requests, src->requests);
	dst->failures = lt_sat_add(dst->failures, src->failures);
	dst->bytes = lt_sat_add(dst->bytes, src->bytes);
	dst->bytes_sent = lt_sat_add(dst->bytes_sent, src->bytes_sent);
	dst->has_sent |= src->has_sent;
	min_ts(&dst->first_ts_us, src->first_ts_us);
	max_ts(&dst->last_ts_us, src->last_ts_us);
	if (fold_status(dst, src) == -1 ||
	    lt_hist_add(&dst->hist, &src->hist) == -1)
		return -1;
	if (src->ttfb_hist.counts && src->ttfb_hist.count &&
	    ((dst->ttfb_hist.counts == NULL &&
	         lt_hist_init(&dst->ttfb_hist, 3) == -1) ||
	        lt_hist_add(&dst->ttfb_hist, &src->ttfb_hist) == -1))
		return -1;
	if (src->has_co && src->co_hist.counts && src->co_hist.count) {
		if (dst->co_hist.counts == NULL &&
		    lt_hist_init(&dst->co_hist, 3) == -1)
			return -1;
		dst->has_co = 1;
		if (lt_hist_add(&dst->co_hist, &src->co_hist) == -1)
			return -1;
	}
	return 0;
}

void
lt_fold_ep_stats(struct lt_doc_ep *ep, double duration_s)
{
	const struct lt_hist *h = &ep->hist;

	ep->fail_ratio = ep->requests ? (double)ep->failures / ep->requests
	    : ep->failures            ? 1.0
	                              : 0.0;
	ep->rps = duration_s > 0 ? ep->requests / duration_s : 0;
	ep->fps = duration_s > 0 ? ep->failures / duration_s : 0;
	ep->min_us = h->count ? h->min : 0;
	ep->max_us = h->count ? h->max : 0;
	ep->mean_us = lt_hist_mean_us(h);
	lt_hist_percentiles(h, lt_pct_list, LT_PCT_N, ep->pct_us);
	ep->median_us = ep->pct_us[0];
	ep->avg_bytes = ep->requests ? (double)ep->bytes / ep->requests : 0;
	ep->has_ttfb = ep->ttfb_hist.counts && ep->ttfb_hist.count;
	if (ep->has_ttfb) {
		ep->ttfb_mean_us = lt_hist_mean_us(&ep->ttfb_hist);
		lt_hist_percentiles(
		    &ep->ttfb_hist, lt_pct_list, LT_PCT_N, ep->ttfb_pct_us);
	}
	if (ep->has_co && ep->co_hist.counts && ep->co_hist.count) {
		ep->co_mean_us = lt_hist_mean_us(&ep->co_hist);
		ep->co_max_us = ep->co_hist.max;
		lt_hist_percentiles(
		    &ep->co_hist, lt_pct_list, LT_PCT_N, ep->co_pct_us);
	}
}

static int
cmp_names(const char *am, const char *an, const char *bm, const char *bn)
{
	int c = strcmp(an, bn);

	return c ? c : strcmp(am, bm);
}

static int
cmp_ep(const void *x, const void *y)
{
	const struct lt_doc_ep *a = *(const struct lt_doc_ep *const *)x;
	const struct lt_doc_ep *b = *(const struct lt_doc_ep *const *)y;

	return cmp_names(a->method, a->name, b->method, b->name);
}

int
lt_docnames_build(struct lt_docnames *k, const struct lt_doc_ep *eps, size_t n)
{
	k->n = 0;
	k->v = calloc(n + 1, sizeof(*k->v));
	if (k->v == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		k->v[k->n++] = &eps[i];
	qsort(k->v, k->n, sizeof(*k->v), cmp_ep);
	return 0;
}

int
lt_docnames_has(
    const struct lt_docnames *k, const char *method, const char *name)
{
	size_t lo = 0, hi = k->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c =
		    cmp_names(method, name, k->v[mid]->method, k->v[mid]->name);

		if (c == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

void
lt_docnames_fini(struct lt_docnames *k)
{
	free(k->v);
	k->v = NULL;
	k->n = 0;
}

void
lt_fold_sec_ep(struct lt_doc_sec_ep *dst, const struct lt_doc_sec_ep *src,
    struct lt_hist *acc)
{
	dst->requests = lt_sat_add(dst->requests, src->requests);
	dst->failures = lt_sat_add(dst->failures, src->failures);
	lt_shist_add_to(&src->hist, acc);
}

int
lt_fold_sec_ep_finish(struct lt_doc_sec_ep *dst, struct lt_hist *acc)
{
	lt_shist_add_to(&dst->hist, acc);
	if (lt_shist_set(&dst->hist, acc) == -1)
		return -1;
	dst->p50_us = lt_hist_percentile(acc, 50);
	dst->p95_us = lt_hist_percentile(acc, 95);
	dst->p99_us = lt_hist_percentile(acc, 99);
	dst->mean_us = lt_hist_mean_us(acc);
	return 0;
}
