/*
 * report.c - lt-report's model: a view of the aggregate read by aggread.c
 * (the project's one aggregate reader), converted to what the writers
 * print.  Only the run's options are parsed here, with jansson, because
 * aggread.c keeps them as JSON text: the report lists them as key/value
 * pairs.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

const char *const lt_rep_pct_label[LT_REP_NPCT] = { "50%", "66%", "75%", "80%",
	"90%", "95%", "98%", "99%", "99.9%", "99.99%", "100%" };

double
lt_rep_pct_ms(const struct lt_hist *h, double p)
{
	if (h == NULL || h->count <= 0)
		return 0;
	return (double)lt_hist_percentile(h, p) / 1000.0;
}

static double
ms(int64_t us)
{
	return (double)us / 1000.0;
}

/*
 * The mean of h in ms from its exact sum, one rounding (sum and 1000 *
 * count are exact doubles below 2^53): what Python's sum_us / (1000 *
 * count) gives.  fallback_us (the aggregate's 3-decimal mean) when empty.
 */
static double
mean_ms(const struct lt_hist *h, double fallback_us)
{
	if (h == NULL || h->count <= 0 || h->sum < 0)
		return fallback_us / 1000.0;
	return (double)h->sum / (1000.0 * (double)h->count);
}

/* a / b, or fallback when b is not positive. */
static double
quot(double a, double b, double fallback)
{
	return b > 0 ? a / b : fallback;
}

/*
 * The aggregate writes means and rates rounded to 3 decimals; the CSV
 * writes them as Locust does, in full (QA F12).  So they are recomputed
 * here from what the aggregate carries exactly: the histograms' sums,
 * bytes, and the duration (written to the microsecond, so it reads back
 * as the very double lt-agg divided by).
 */
static void
exact_ep(struct lt_rep_ep *e, const struct lt_doc_ep *d, double duration_s)
{
	e->mean_ms = mean_ms(&d->hist, d->mean_us);
	if (d->has_co && d->co_hist.counts != NULL)
		e->co_mean_ms = mean_ms(&d->co_hist, d->co_mean_us);
	if (d->requests > 0 && (d->bytes > 0 || d->avg_bytes == 0))
		e->avg_bytes = (double)d->bytes / (double)d->requests;
	e->rps = quot((double)d->requests, duration_s, d->rps);
	e->fps = quot((double)d->failures, duration_s, d->fps);
}

static int
conv_ep(struct lt_rep_ep *e, const struct lt_doc_ep *d, double duration_s)
{
	size_t i;

	e->method = d->method ? d->method : "";
	e->name = d->name ? d->name : "";
	e->requests = d->requests;
	e->failures = d->failures;
	e->bytes = d->bytes;
	e->bytes_sent = d->bytes_sent;
	e->has_sent = d->has_sent;
	e->fail_ratio = d->fail_ratio;
	e->rps = d->rps;
	e->fps = d->fps;
	e->min_ms = ms(d->min_us);
	e->max_ms = ms(d->max_us);
	e->mean_ms = d->mean_us / 1000.0;
	e->median_ms = ms(d->median_us);
	e->avg_bytes = d->avg_bytes;
	for (i = 0; i < LT_REP_NPCT; i++) {
		e->pct_ms[i] = ms(d->pct_us[i]);
		e->co_pct_ms[i] = ms(d->co_pct_us[i]);
	}
	e->has_co = d->has_co;
	e->co_mean_ms = d->co_mean_us / 1000.0;
	e->co_max_ms = ms(d->co_max_us);
	e->hist = &d->hist;
	e->co_hist =
	    d->has_co && d->co_hist.counts != NULL ? &d->co_hist : NULL;
	exact_ep(e, d, duration_s);
	if (d->n_status == 0)
		return 0;
	e->status = calloc(d->n_status, sizeof(*e->status));
	if (e->status == NULL)
		return -1;
	for (i = 0; i < d->n_status; i++) {
		snprintf(e->status[i].code, sizeof(e->status[i].code), "%d",
		    d->status[i].code);
		e->status[i].count = d->status[i].n;
	}
	e->n_status = d->n_status;
	return 0;
}

static void
conv_sec(struct lt_rep_sec *s, const struct lt_doc_sec *d)
{
	s->t = d->t;
	s->users = d->users;
	s->requests = d->requests;
	s->failures = d->failures;
	s->dropped = d->dropped;
	s->bytes = d->bytes;
	s->p50_ms = ms(d->p50_us);
	s->p95_ms = ms(d->p95_us);
	s->p99_ms = ms(d->p99_us);
	s->mean_ms = d->mean_us / 1000.0;
	s->has_co = d->has_co;
	s->co_p50_ms = ms(d->co_p50_us);
	s->co_p99_ms = ms(d->co_p99_us);
	s->hist = &d->hist;
	s->src = d;
}

/* Renders a JSON option value as short text (strings unquoted). */
static char *
opt_text(const json_t *v)
{
	if (json_is_string(v))
		return strdup(json_string_value(v));
	return json_dumps(
	    v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(10));
}

/* The options object, in document order, nulls left out. */
static int
conv_opts(struct lt_report *r, const char *text)
{
	json_t *o, *v;
	const char *k;
	size_t n;

	if (text == NULL)
		return 0;
	o = json_loads(text, JSON_DECODE_ANY, NULL);
	n = json_object_size(o);
	if (n == 0) {
		json_decref(o);
		return 0;
	}
	r->opts = calloc(n, sizeof(*r->opts));
	if (r->opts == NULL) {
		json_decref(o);
		return -1;
	}
	json_object_foreach(o, k, v)
	{
		struct lt_rep_opt *p = &r->opts[r->n_opts];

		if (json_is_null(v))
			continue;
		p->key = strdup(k);
		p->value = opt_text(v);
		r->n_opts++;
		if (p->key == NULL || p->value == NULL) {
			json_decref(o);
			return -1;
		}
	}
	json_decref(o);
	return 0;
}

static void *
arr(size_t n, size_t size, int *oom)
{
	void *p = n ? calloc(n, size) : NULL;

	if (n && p == NULL)
		*oom = 1;
	return p;
}

static int
convert(struct lt_report *r)
{
	const struct lt_aggdoc *d = &r->doc;
	size_t i;
	int oom = 0;

	r->lt_version = d->lt_version;
	r->start = (double)d->start_us / 1e6;
	r->end = (double)d->end_us / 1e6;
	r->duration_s = d->duration_s;
	r->host = d->host;
	r->scenario = d->scenario;
	r->end_reason = d->end_reason;
	r->runs = d->runs;
	r->max_users = d->max_users;
	r->dropped = d->dropped;
	r->in_lines = d->lines;
	r->in_events = d->events;
	r->in_rejected = d->rejected;
	r->in_unknown = d->unknown;
	oom |= conv_opts(r, d->options_json) != 0;
	r->eps = arr(d->n_eps, sizeof(*r->eps), &oom);
	for (i = 0; r->eps != NULL && i < d->n_eps; i++, r->n_eps++)
		oom |= conv_ep(&r->eps[i], &d->eps[i], d->duration_s) != 0;
	oom |= conv_ep(&r->total, &d->total, d->duration_s) != 0;
	r->has_co = r->total.has_co;
	r->secs = arr(d->n_timeline, sizeof(*r->secs), &oom);
	r->has_sec_bytes = d->n_timeline > 0;
	for (i = 0; r->secs != NULL && i < d->n_timeline; i++, r->n_secs++) {
		conv_sec(&r->secs[i], &d->timeline[i]);
		r->has_co |= r->secs[i].has_co;
		r->has_sec_eps |= d->timeline[i].has_eps;
		r->has_sec_bytes &= d->timeline[i].has_bytes;
	}
	r->fails = arr(d->n_failures, sizeof(*r->fails), &oom);
	for (i = 0; r->fails != NULL && i < d->n_failures; i++, r->n_fails++) {
		r->fails[i].method = d->failures[i].method;
		r->fails[i].name = d->failures[i].name;
		r->fails[i].error =
		    d->failures[i].error ? d->failures[i].error : "";
		r->fails[i].occurrences = d->failures[i].occurrences;
	}
	r->thrs = arr(d->n_thresholds, sizeof(*r->thrs), &oom);
	for (i = 0; r->thrs != NULL && i < d->n_thresholds; i++, r->n_thrs++) {
		const struct lt_doc_thresh *t = &d->thresholds[i];

		r->thrs[i].expr = t->expr ? t->expr : "";
		r->thrs[i].metric = t->metric;
		r->thrs[i].endpoint = t->endpoint;
		r->thrs[i].ok = t->ok;
		r->thrs[i].value = t->has_value ? t->value : 0;
		r->thrs[i].has_value = t->has_value;
		r->thrs[i].limit = t->limit;
	}
	return oom ? -1 : 0;
}

/* Converts a loaded doc; frees r and returns NULL on failure. */
static struct lt_report *
finish(struct lt_report *r, struct lt_err *err)
{
	if (convert(r) != 0) {
		lt_report_free(r);
		lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
		return NULL;
	}
	return r;
}

struct lt_report *
lt_report_load(const char *path, struct lt_err *err)
{
	struct lt_report *r = calloc(1, sizeof(*r));

	if (r == NULL) {
		lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
		return NULL;
	}
	if (lt_aggdoc_load(&r->doc, path ? path : "-", err) != 0) {
		free(r);
		return NULL;
	}
	return finish(r, err);
}

struct lt_report *
lt_report_parse(
    const char *text, size_t len, const char *name, struct lt_err *err)
{
	struct lt_report *r = calloc(1, sizeof(*r));

	if (r == NULL) {
		lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
		return NULL;
	}
	if (lt_aggdoc_parse(&r->doc, text, len, name, err) != 0) {
		free(r);
		return NULL;
	}
	return finish(r, err);
}

int
lt_report_timeline_ok(const struct lt_report *r)
{
	size_t i;

	if (r->n_secs == 0 || r->secs[0].t < 0)
		return 0;
	for (i = 1; i < r->n_secs; i++)
		if (r->secs[i].t <= r->secs[i - 1].t)
			return 0;
	return r->secs[r->n_secs - 1].t - r->secs[0].t <= LT_REP_MAX_SPAN;
}

size_t
lt_report_gaps(
    const struct lt_report *r, int64_t max, int64_t *from, int64_t *to)
{
	size_t i, n = 0;
	int64_t widest = 0;

	if (!lt_report_timeline_ok(r))
		return 0;
	for (i = 1; i < r->n_secs; i++) {
		int64_t empty = r->secs[i].t - r->secs[i - 1].t - 1;

		if (empty <= max)
			continue;
		n++;
		if (empty > widest) {
			widest = empty;
			*from = r->secs[i - 1].t;
			*to = r->secs[i].t;
		}
	}
	return n;
}

int
lt_report_gap_note(const struct lt_report *r, char *msg, size_t cap)
{
	int64_t from = 0, to = 0;
	size_t n = lt_report_gaps(r, LT_REP_GAP_FILL_MAX, &from, &to);
	int k;

	if (n == 0)
		return 0;
	k = snprintf(msg, cap,
	    "no events for %lld s (from %lld to %lld): the history leaves "
	    "that gap out",
	    (long long)(to - from - 1), (long long)from, (long long)to);
	if (n > 1 && k > 0 && (size_t)k < cap)
		snprintf(msg + k, cap - (size_t)k,
		    ", and %zu more over an hour", n - 1);
	return 1;
}

void
lt_report_free(struct lt_report *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n_opts; i++) {
		free(r->opts[i].key);
		free(r->opts[i].value);
	}
	free(r->opts);
	for (i = 0; i < r->n_eps; i++)
		free(r->eps[i].status);
	free(r->eps);
	free(r->total.status);
	free(r->secs);
	free(r->fails);
	free(r->thrs);
	lt_aggdoc_fini(&r->doc);
	free(r);
}

const struct lt_rep_ep *
lt_report_find(const struct lt_report *r, const char *method, const char *name)
{
	size_t i;

	for (i = 0; i < r->n_eps; i++)
		if (strcmp(r->eps[i].method, method) == 0 &&
		    strcmp(r->eps[i].name, name) == 0)
			return &r->eps[i];
	return NULL;
}

/* One endpoint to pick from: flagged ones first, then the busiest. */
struct pick_ent {
	const struct lt_rep_ep *e;
	int flagged;
};

static int
cmp_pick(const void *a, const void *b)
{
	const struct pick_ent *x = a, *y = b;

	if (x->flagged != y->flagged)
		return x->flagged ? -1 : 1;
	if (x->e->requests != y->e->requests)
		return x->e->requests > y->e->requests ? -1 : 1;
	return (x->e > y->e) - (x->e < y->e);
}

static int
cmp_order(const void *a, const void *b)
{
	const struct lt_rep_ep *x = *(const struct lt_rep_ep *const *)a;
	const struct lt_rep_ep *y = *(const struct lt_rep_ep *const *)b;

	return (x > y) - (x < y);
}

int
lt_report_pick(const struct lt_report *r, size_t max, const unsigned char *flag,
    const struct lt_rep_ep **out, struct lt_rep_pick *p)
{
	struct pick_ent *all = malloc((r->n_eps + 1) * sizeof(*all));
	size_t i, n = 0, k, nf = 0, nflag = 0;

	if (all == NULL)
		return -1;
	for (i = 0; i < r->n_eps; i++)
		if (r->eps[i].requests > 0) {
			all[n].e = &r->eps[i];
			all[n].flagged =
			    r->eps[i].failures > 0 || (flag != NULL && flag[i]);
			nflag += all[n++].flagged;
		}
	qsort(all, n, sizeof(*all), cmp_pick);
	k = n < max ? n : max;
	for (i = 0; i < k; i++) {
		out[i] = all[i].e;
		nf += all[i].flagged;
	}
	free(all);
	qsort(out, k, sizeof(*out), cmp_order);
	p->picked = k;
	p->with_requests = n;
	p->picked_failing = nf;
	p->failing = nflag;
	return (int)k;
}
