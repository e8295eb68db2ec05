/*
 * aggmerge.c - exact merging of aggregates; see aggmerge.h.
 *
 * The aggregate carries, besides the figures people read, what a merge
 * needs to reproduce the single-pass result: every histogram, the earliest
 * run start and latest run end with their timestamps, the timestamp of
 * the users event that set each second's user count.  Ties resolve as
 * they would in the concatenated stream (earlier input first).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg/aggcheck.h"
#include "agg/aggclass.h"
#include "agg/aggmerge.h"
#include "agg/captab.h"
#include "agg/llmjson.h"

static int
nomem(struct lt_err *err)
{
	return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
}

static void
min_ts(int64_t *dst, int64_t v)
{
	if (v != LT_DOC_TS_NONE && (*dst == LT_TS_NONE || v < *dst))
		*dst = v;
}

static void
max_ts(int64_t *dst, int64_t v)
{
	if (v != LT_DOC_TS_NONE && (*dst == LT_TS_NONE || v > *dst))
		*dst = v;
}

static char *
dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void
merge_run(struct lt_agg *agg, const struct lt_aggdoc *d)
{
	agg->runs = lt_sat_add(agg->runs, d->runs);
	agg->dropped = lt_sat_add(agg->dropped, d->dropped);
	if (d->max_users > agg->max_users)
		agg->max_users = d->max_users;
	if (d->run_start_us != LT_DOC_TS_NONE &&
	    (agg->run_start_us == LT_TS_NONE ||
	        d->run_start_us < agg->run_start_us)) {
		agg->run_start_us = d->run_start_us;
		free(agg->host);
		free(agg->scenario);
		free(agg->options);
		agg->host = dup_or_null(d->host);
		agg->scenario = dup_or_null(d->scenario);
		agg->options = dup_or_null(d->options_json);
	}
	if (d->run_end_us != LT_DOC_TS_NONE &&
	    (agg->run_end_us == LT_TS_NONE ||
	        d->run_end_us >= agg->run_end_us)) {
		agg->run_end_us = d->run_end_us;
		free(agg->end_reason);
		agg->end_reason = dup_or_null(d->end_reason);
	}
	min_ts(&agg->first_us, d->first_event_us);
	max_ts(&agg->last_us, d->last_event_us);
	max_ts(&agg->last_req_us, d->last_completion_us);
}

static void
merge_input(struct lt_agg *agg, const struct lt_aggdoc *d)
{
	int64_t rejected = agg->rejected;

	agg->lines = lt_sat_add(agg->lines, d->lines);
	agg->events = lt_sat_add(agg->events, d->events);
	agg->unknown = lt_sat_add(agg->unknown, d->unknown);
	agg->other_endpoint_events =
	    lt_sat_add(agg->other_endpoint_events, d->other_endpoint_events);
	for (size_t i = 0; i < d->n_rejects; i++)
		lt_agg_reject(agg, d->rejects[i].file ? d->rejects[i].file : "",
		    d->rejects[i].line,
		    d->rejects[i].reason ? d->rejects[i].reason : "");
	agg->rejected = lt_sat_add(rejected, d->rejected);
}

static int
hist_add(struct lt_hist *dst, const struct lt_hist *src)
{
	if (src->counts == NULL || src->count == 0)
		return 0;
	if (lt_agg_ep_hist(dst) == -1)
		return -1;
	return lt_hist_add(dst, src);
}

static int
merge_ep(struct lt_agg *agg, const struct lt_doc_ep *de)
{
	struct lt_ep *ep = lt_agg_ep_n(agg, de->method, strlen(de->method),
	    de->name, strlen(de->name), de->requests);

	if (ep == NULL)
		return -1;
	ep->requests = lt_sat_add(ep->requests, de->requests);
	ep->failures = lt_sat_add(ep->failures, de->failures);
	ep->bytes = lt_sat_add(ep->bytes, de->bytes);
	ep->bytes_sent = lt_sat_add(ep->bytes_sent, de->bytes_sent);
	ep->has_sent |= de->has_sent;
	min_ts(&ep->first_ts_us, de->first_ts_us);
	max_ts(&ep->last_ts_us, de->last_ts_us);
	for (size_t i = 0; i < de->n_status; i++)
		ep->status[de->status[i].code] =
		    lt_sat_add(ep->status[de->status[i].code], de->status[i].n);
	if (lt_hist_add(&ep->hist, &de->hist) == -1 ||
	    hist_add(&ep->ttfb, &de->ttfb_hist) == -1 ||
	    hist_add(&ep->co, &de->co_hist) == -1)
		return -1;
	return 0;
}

static int
merge_sec_eps(struct lt_agg *agg, const struct lt_doc_sec *s)
{
	for (size_t i = 0; i < s->n_eps; i++) {
		const struct lt_doc_sec_ep *e = &s->eps[i];
		struct lt_ep *ep = lt_agg_ep_n(agg, e->method,
		    strlen(e->method), e->name, strlen(e->name), 0);
		struct lt_hist *h, *co;
		struct lt_sec *sec;

		if (ep == NULL)
			return -1;
		if (ep->tl == NULL) {
			ep->tl = malloc(sizeof(*ep->tl));
			if (ep->tl == NULL)
				return -1;
			lt_series_init(ep->tl);
		}
		sec = lt_series_sec(ep->tl, s->t, &h, &co, 0);
		if (sec == NULL)
			return -1;
		sec->requests = lt_sat_add(sec->requests, e->requests);
		sec->failures = lt_sat_add(sec->failures, e->failures);
		lt_shist_add_to(&e->hist, h);
	}
	return 0;
}

static int
merge_sec(struct lt_agg *agg, const struct lt_doc_sec *s)
{
	struct lt_hist *h, *co;
	struct lt_sec *sec = lt_series_sec(&agg->tl, s->t, &h, &co, s->has_co);

	if (sec == NULL)
		return -1;
	sec->requests = lt_sat_add(sec->requests, s->requests);
	sec->failures = lt_sat_add(sec->failures, s->failures);
	sec->dropped = lt_sat_add(sec->dropped, s->dropped);
	sec->bytes = lt_sat_add(sec->bytes, s->bytes);
	sec->bytes_sent = lt_sat_add(sec->bytes_sent, s->bytes_sent);
	if (!s->has_bytes)
		agg->tl_no_bytes = 1;
	if (s->users_ts_us != LT_DOC_TS_NONE && s->users >= 0 &&
	    (sec->users < 0 || s->users_ts_us >= sec->users_ts_us)) {
		sec->users = s->users;
		sec->users_ts_us = s->users_ts_us;
	}
	lt_shist_add_to(&s->hist, h);
	if (s->has_co)
		lt_shist_add_to(&s->co_hist, co);
	if (s->has_eps) {
		agg->opts.timeline_endpoints = 1;
		return merge_sec_eps(agg, s);
	}
	return 0;
}

/* Order of first appearance ("seq"; documents without it: their order). */
static int
cmp_seq(const void *x, const void *y)
{
	const struct lt_doc_ep *a = *(const struct lt_doc_ep *const *)x;
	const struct lt_doc_ep *b = *(const struct lt_doc_ep *const *)y;

	return lt_captab_seq_cmp(a->seq, b->seq, a, b);
}

/*
 * Endpoints enter in the order the part first saw them, so that at the
 * cap the names kept are those the concatenated stream keeps (its first
 * 1000): a name the part kept but the whole did not folds into "(other)",
 * its requests counted in input.other_endpoint_events as events.
 */
static int
merge_eps(struct lt_agg *agg, const struct lt_aggdoc *d)
{
	const struct lt_doc_ep **v = calloc(d->n_eps + 1, sizeof(*v));
	int rc = 0;

	if (v == NULL)
		return -1;
	for (size_t i = 0; i < d->n_eps; i++)
		v[i] = &d->eps[i];
	qsort(v, d->n_eps, sizeof(*v), cmp_seq);
	for (size_t i = 0; i < d->n_eps && rc == 0; i++)
		rc = merge_ep(agg, v[i]);
	free(v);
	return rc;
}

/*
 * Checks enter in the order the document first met them.  A check of an
 * endpoint this aggregate folded (at its endpoint cap) goes to the
 * "(other)" endpoint, as its events would have.
 */
static int
merge_checks(struct lt_agg *agg, const struct lt_aggdoc *d)
{
	static const char other[] = "(other)";
	const struct lt_doc_check **v;
	int rc = 0;

	if (d->checks == NULL)
		return 0;
	/* "checks" stays, even empty */
	v = lt_aggchk_ensure(&agg->chk) == 0 ? lt_aggchk_by_seq(d) : NULL;
	if (v == NULL) {
		free(v);
		return -1;
	}
	for (size_t i = 0; i < d->n_checks && rc == 0; i++) {
		const struct lt_doc_check *c = v[i];
		struct lt_key ep = { { c->method, c->name },
			{ strlen(c->method), strlen(c->name) } };
		struct lt_key k = { { c->method, c->name, c->check },
			{ ep.n[0], ep.n[1], strlen(c->check) } };

		if (!c->folded &&
		    lt_keytab_get(&agg->ep_tab, &ep, lt_key_hash(&ep)) ==
		        NULL) {
			k.p[0] = "";
			k.n[0] = 0;
			k.p[1] = other;
			k.n[1] = sizeof(other) - 1;
		}
		rc = lt_aggchk_add(
		    &agg->chk, &k, c->folded, c->passes, c->fails);
	}
	free(v);
	return rc;
}

int
lt_agg_add_doc(
    struct lt_agg *agg, const struct lt_aggdoc *d, struct lt_err *err)
{
	agg->finished = 0;
	merge_run(agg, d);
	merge_input(agg, d);
	if (merge_eps(agg, d) == -1)
		return nomem(err);
	for (size_t i = 0; i < d->n_timeline; i++)
		if (merge_sec(agg, &d->timeline[i]) == -1)
			return nomem(err);
	for (size_t i = 0; i < d->n_failures; i++) {
		const struct lt_doc_failure *f = &d->failures[i];

		if (lt_agg_fail(agg, f->method, strlen(f->method), f->name,
		        strlen(f->name), f->error, strlen(f->error), f->example,
		        f->example ? strlen(f->example) : 0,
		        f->occurrences) == -1)
			return nomem(err);
	}
	if (lt_aggcls_merge(&agg->cls, d) == -1 || merge_checks(agg, d) == -1)
		return nomem(err);
	return lt_llmstat_merge(agg, d->llm_json, "aggregate", err);
}

int
lt_agg_merge_files(
    struct lt_agg *agg, char **files, int n, FILE *diag, struct lt_err *err)
{
	for (int i = 0; i < n; i++) {
		struct lt_aggdoc d;
		int rc;

		if (lt_aggdoc_load(&d, files[i], err) == -1)
			return -1;
		if (d.folded_endpoints > 0 && diag)
			fprintf(diag,
			    "lt-agg: note: %s: %lld endpoints beyond the first "
			    "%d folded into \"(other)\"\n",
			    files[i], (long long)d.folded_endpoints,
			    LT_DOC_MAX_ENDPOINTS);
		rc = lt_agg_add_doc(agg, &d, err);
		lt_aggdoc_fini(&d);
		if (rc == -1)
			return -1;
	}
	return 0;
}
