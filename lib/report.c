/*
 * report.c - lt-report's model: reading an aggregate into it, and the
 * small amount of histogram arithmetic the report needs (cumulative
 * percentiles for the Locust history CSV, the percentile distribution
 * chart).  The aggregate is read with jansson: it is one document of a
 * few hundred kilobytes, read once, so a DOM is the simple choice.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

const double lt_rep_pct_p[LT_REP_NPCT] = { 0.50, 0.66, 0.75, 0.80, 0.90,
	0.95, 0.98, 0.99, 0.999, 0.9999, 1.0 };
const char *const lt_rep_pct_label[LT_REP_NPCT] = { "50%", "66%", "75%",
	"80%", "90%", "95%", "98%", "99%", "99.9%", "99.99%", "100%" };
/* The keys of "percentiles_ms" in the aggregate, same order. */
static const char *const pct_key[LT_REP_NPCT] = { "50", "66", "75", "80",
	"90", "95", "98", "99", "99.9", "99.99", "100" };

/* ---- histogram arithmetic (apis.md 6.2, unit 1 us) ---- */

struct hcfg {
	int hcm;		/* sub_bucket_half_count_mag */
	int64_t half, sbc;
};

static void
hcfg_init(struct hcfg *c, int sig)
{
	double lsu = 2.0 * pow(10.0, sig < 1 ? 1 : sig > 5 ? 5 : sig);
	int mag = (int)ceil(log2(lsu));

	c->hcm = (mag < 1 ? 1 : mag) - 1;
	c->sbc = (int64_t)1 << (c->hcm + 1);
	c->half = c->sbc / 2;
}

static int64_t
value_at_index(const struct hcfg *c, int64_t i)
{
	int64_t b = (i >> c->hcm) - 1;
	int64_t s = (i & (c->half - 1)) + c->half;

	if (b < 0) {
		s -= c->half;
		b = 0;
	}
	if (b > 40)
		b = 40;	/* corrupt index: stay in range, never UB */
	return s << b;
}

static int64_t
highest_equivalent(const struct hcfg *c, int64_t v)
{
	uint64_t x = (uint64_t)v | (uint64_t)(c->sbc - 1);
	int pow2ceiling = 64 - __builtin_clzll(x);
	int b = pow2ceiling - (c->hcm + 1);
	int64_t sub = v >> b;
	int64_t lo = sub << b;
	int64_t size = (int64_t)1 << (sub >= c->sbc ? b + 1 : b);

	return lo + size - 1;
}

double
lt_rep_hist_quantile(const struct lt_rep_hist *h, double q)
{
	struct hcfg c;
	int64_t target, acc = 0, v;
	size_t i;

	if (h->count <= 0 || h->n == 0)
		return 0;
	if (q >= 1.0)
		return (double)h->max_us / 1000.0;
	hcfg_init(&c, h->sig);
	target = (int64_t)(q * (double)h->count + 0.5);
	if (target < 1)
		target = 1;
	for (i = 0; i < h->n; i++) {
		acc += h->cnt[i];
		if (acc >= target)
			break;
	}
	if (i == h->n)
		i = h->n - 1;
	v = highest_equivalent(&c, value_at_index(&c, h->idx[i]));
	if (h->max_us > 0 && v > h->max_us)
		v = h->max_us;
	return (double)v / 1000.0;
}

int
lt_rep_hist_add(struct lt_rep_hist *dst, const struct lt_rep_hist *src)
{
	size_t n = dst->n + src->n, i = 0, j = 0, k = 0;
	int32_t *idx;
	int64_t *cnt;

	if (src->count == 0)
		return 0;
	idx = malloc((n ? n : 1) * sizeof(*idx));
	cnt = malloc((n ? n : 1) * sizeof(*cnt));
	if (idx == NULL || cnt == NULL) {
		free(idx);
		free(cnt);
		return -1;
	}
	while (i < dst->n || j < src->n) {
		if (j == src->n || (i < dst->n && dst->idx[i] < src->idx[j])) {
			idx[k] = dst->idx[i];
			cnt[k++] = dst->cnt[i++];
		} else if (i == dst->n || src->idx[j] < dst->idx[i]) {
			idx[k] = src->idx[j];
			cnt[k++] = src->cnt[j++];
		} else {
			idx[k] = dst->idx[i];
			cnt[k++] = dst->cnt[i++] + src->cnt[j++];
		}
	}
	free(dst->idx);
	free(dst->cnt);
	dst->idx = idx;
	dst->cnt = cnt;
	dst->n = k;
	if (dst->count == 0 || src->min_us < dst->min_us)
		dst->min_us = src->min_us;
	if (src->max_us > dst->max_us)
		dst->max_us = src->max_us;
	dst->count += src->count;
	dst->sum_us += src->sum_us;
	dst->overflow += src->overflow;
	dst->sig = src->sig;
	return 0;
}

void
lt_rep_hist_fini(struct lt_rep_hist *h)
{
	free(h->idx);
	free(h->cnt);
	h->idx = NULL;
	h->cnt = NULL;
	h->n = 0;
}

/* ---- reading the aggregate ---- */

/* A failed allocation while reading; reported once as out of memory. */
struct rd {
	int oom;
	int bad;		/* a member had the wrong type */
	char what[128];
};

static char *
dupstr(struct rd *rd, const char *s)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		rd->oom = 1;
	return d;
}

static void
badtype(struct rd *rd, const char *key)
{
	if (!rd->bad)
		snprintf(rd->what, sizeof(rd->what), "\"%s\" has the wrong type",
		    key);
	rd->bad = 1;
}

/* Number member (int or real), def when absent or null. */
static double
num(struct rd *rd, const json_t *o, const char *key, double def)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v))
		return def;
	if (!json_is_number(v)) {
		badtype(rd, key);
		return def;
	}
	return json_number_value(v);
}

static int64_t
inum(struct rd *rd, const json_t *o, const char *key, int64_t def)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v))
		return def;
	if (json_is_integer(v))
		return (int64_t)json_integer_value(v);
	if (json_is_real(v))
		return (int64_t)json_real_value(v);
	badtype(rd, key);
	return def;
}

/* String member duplicated, NULL when absent or null. */
static char *
str(struct rd *rd, const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		badtype(rd, key);
		return NULL;
	}
	return dupstr(rd, json_string_value(v));
}

/* Like str, but never NULL (an empty string instead). */
static char *
str0(struct rd *rd, const json_t *o, const char *key)
{
	char *s = str(rd, o, key);

	return s != NULL ? s : dupstr(rd, "");
}

static void
read_hist(struct rd *rd, const json_t *o, int sig, struct lt_rep_hist *h)
{
	json_t *counts, *pair;
	size_t i, n;

	memset(h, 0, sizeof(*h));
	h->sig = sig;
	if (!json_is_object(o))
		return;
	h->count = inum(rd, o, "count", 0);
	h->min_us = inum(rd, o, "min_us", 0);
	h->max_us = inum(rd, o, "max_us", 0);
	h->sum_us = inum(rd, o, "sum_us", 0);
	h->overflow = inum(rd, o, "overflow", 0);
	counts = json_object_get(o, "counts");
	n = json_array_size(counts);
	if (n == 0)
		return;
	h->idx = malloc(n * sizeof(*h->idx));
	h->cnt = malloc(n * sizeof(*h->cnt));
	if (h->idx == NULL || h->cnt == NULL) {
		rd->oom = 1;
		return;
	}
	json_array_foreach(counts, i, pair) {
		json_int_t ix = json_integer_value(json_array_get(pair, 0));
		json_int_t c = json_integer_value(json_array_get(pair, 1));

		if (ix < 0 || ix > INT32_MAX || c < 0 ||
		    (h->n > 0 && ix <= h->idx[h->n - 1])) {
			badtype(rd, "counts");
			return;
		}
		h->idx[h->n] = (int32_t)ix;
		h->cnt[h->n++] = c;
	}
}

static void
read_pcts(struct rd *rd, const json_t *o, double *out)
{
	int i;

	for (i = 0; i < LT_REP_NPCT; i++)
		out[i] = num(rd, o, pct_key[i], 0);
}

static void
read_status(struct rd *rd, const json_t *o, struct lt_rep_ep *e)
{
	const char *k;
	json_t *v;
	size_t n = json_object_size(o);

	if (n == 0)
		return;
	e->status = calloc(n, sizeof(*e->status));
	if (e->status == NULL) {
		rd->oom = 1;
		return;
	}
	json_object_foreach((json_t *)o, k, v) {
		snprintf(e->status[e->n_status].code,
		    sizeof(e->status[0].code), "%s", k);
		e->status[e->n_status++].count = json_integer_value(v);
	}
}

static void
read_ep(struct rd *rd, const json_t *o, int sig, struct lt_rep_ep *e)
{
	json_t *co = json_object_get(o, "co");

	e->method = str0(rd, o, "method");
	e->name = str0(rd, o, "name");
	e->requests = inum(rd, o, "requests", 0);
	e->failures = inum(rd, o, "failures", 0);
	e->fail_ratio = num(rd, o, "fail_ratio", 0);
	e->rps = num(rd, o, "rps", 0);
	e->fps = num(rd, o, "fps", 0);
	e->min_ms = num(rd, o, "min_ms", 0);
	e->max_ms = num(rd, o, "max_ms", 0);
	e->mean_ms = num(rd, o, "mean_ms", 0);
	e->median_ms = num(rd, o, "median_ms", 0);
	e->avg_bytes = num(rd, o, "avg_bytes", 0);
	e->bytes = inum(rd, o, "bytes", 0);
	read_pcts(rd, json_object_get(o, "percentiles_ms"), e->pct_ms);
	read_status(rd, json_object_get(o, "status"), e);
	read_hist(rd, json_object_get(o, "hist"), sig, &e->hist);
	if (json_is_object(co)) {
		e->has_co = 1;
		e->co_mean_ms = num(rd, co, "mean_ms", 0);
		e->co_max_ms = num(rd, co, "max_ms", 0);
		read_pcts(rd, json_object_get(co, "percentiles_ms"),
		    e->co_pct_ms);
		read_hist(rd, json_object_get(co, "hist"), sig, &e->co_hist);
	}
}

static void
read_sec(struct rd *rd, const json_t *o, struct lt_rep_sec *s)
{
	s->t = inum(rd, o, "t", 0);
	s->users = inum(rd, o, "users", -1);
	s->requests = inum(rd, o, "requests", 0);
	s->failures = inum(rd, o, "failures", 0);
	s->dropped = inum(rd, o, "dropped", 0);
	s->bytes = num(rd, o, "bytes", -1);
	s->p50_ms = num(rd, o, "p50_ms", 0);
	s->p95_ms = num(rd, o, "p95_ms", 0);
	s->p99_ms = num(rd, o, "p99_ms", 0);
	s->mean_ms = num(rd, o, "mean_ms", 0);
	if (json_object_get(o, "co_p50_ms") != NULL) {
		s->has_co = 1;
		s->co_p50_ms = num(rd, o, "co_p50_ms", 0);
		s->co_p99_ms = num(rd, o, "co_p99_ms", 0);
	}
	read_hist(rd, json_object_get(o, "hist"), 2, &s->hist);
}

/* Renders a JSON option value as short text (strings unquoted). */
static char *
opt_text(struct rd *rd, const json_t *v)
{
	char *s;

	if (json_is_string(v))
		return dupstr(rd, json_string_value(v));
	s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(10));
	if (s == NULL)
		rd->oom = 1;
	return s;
}

static void
read_opts(struct rd *rd, const json_t *o, struct lt_report *r)
{
	const char *k;
	json_t *v;
	size_t n = json_object_size(o);

	if (n == 0)
		return;
	r->opts = calloc(n, sizeof(*r->opts));
	if (r->opts == NULL) {
		rd->oom = 1;
		return;
	}
	json_object_foreach((json_t *)o, k, v) {
		if (json_is_null(v))
			continue;
		r->opts[r->n_opts].key = dupstr(rd, k);
		r->opts[r->n_opts++].value = opt_text(rd, v);
	}
}

/* calloc of n elements, flagging OOM; n may be 0 (returns NULL). */
static void *
arr(struct rd *rd, size_t n, size_t size)
{
	void *p;

	if (n == 0)
		return NULL;
	p = calloc(n, size);
	if (p == NULL)
		rd->oom = 1;
	return p;
}

static void
read_lists(struct rd *rd, const json_t *doc, struct lt_report *r, int sig)
{
	json_t *a, *v;
	size_t i;

	a = json_object_get(doc, "endpoints");
	r->eps = arr(rd, json_array_size(a), sizeof(*r->eps));
	json_array_foreach(a, i, v) {
		if (r->eps != NULL)
			read_ep(rd, v, sig, &r->eps[r->n_eps++]);
	}
	read_ep(rd, json_object_get(doc, "total"), sig, &r->total);
	a = json_object_get(doc, "timeline");
	r->secs = arr(rd, json_array_size(a), sizeof(*r->secs));
	json_array_foreach(a, i, v) {
		if (r->secs != NULL)
			read_sec(rd, v, &r->secs[r->n_secs++]);
	}
	a = json_object_get(doc, "failures");
	r->fails = arr(rd, json_array_size(a), sizeof(*r->fails));
	json_array_foreach(a, i, v) {
		struct lt_rep_fail *f;

		if (r->fails == NULL)
			break;
		f = &r->fails[r->n_fails++];
		f->method = str0(rd, v, "method");
		f->name = str0(rd, v, "name");
		f->error = str0(rd, v, "error");
		f->occurrences = inum(rd, v, "occurrences", 0);
	}
	a = json_object_get(doc, "thresholds");
	r->thrs = arr(rd, json_array_size(a), sizeof(*r->thrs));
	json_array_foreach(a, i, v) {
		struct lt_rep_thr *t;

		if (r->thrs == NULL)
			break;
		t = &r->thrs[r->n_thrs++];
		t->expr = str0(rd, v, "expr");
		t->metric = str(rd, v, "metric");
		t->endpoint = str(rd, v, "endpoint");
		t->ok = json_is_true(json_object_get(v, "ok"));
		t->value = num(rd, v, "value", 0);
		t->limit = num(rd, v, "limit", 0);
	}
}

static void
read_doc(struct rd *rd, const json_t *doc, struct lt_report *r)
{
	json_t *run = json_object_get(doc, "run");
	json_t *in = json_object_get(doc, "input");
	json_t *hc = json_object_get(doc, "hist");
	size_t i;
	int sig;

	r->lt_version = str(rd, doc, "lt_version");
	r->start = num(rd, run, "start", 0);
	r->end = num(rd, run, "end", 0);
	r->duration_s = num(rd, run, "duration_s", 0);
	r->host = str(rd, run, "host");
	r->scenario = str(rd, run, "scenario");
	r->end_reason = str(rd, run, "end_reason");
	r->runs = inum(rd, run, "runs", 0);
	r->max_users = inum(rd, run, "max_users", 0);
	r->dropped = inum(rd, run, "dropped", 0);
	read_opts(rd, json_object_get(run, "options"), r);
	r->in_lines = inum(rd, in, "lines", 0);
	r->in_events = inum(rd, in, "events", 0);
	r->in_rejected = inum(rd, in, "rejected", 0);
	r->in_unknown = inum(rd, in, "unknown", 0);
	sig = (int)inum(rd, hc, "sig", 3);
	r->hist_sig = sig;
	read_lists(rd, doc, r, sig);
	r->has_co = r->total.has_co;
	for (i = 0; i < r->n_secs; i++)
		r->has_co |= r->secs[i].has_co;
}

struct lt_report *
lt_report_load(const char *path, struct lt_err *err)
{
	const char *label = path == NULL || strcmp(path, "-") == 0 ? "-" : path;
	struct lt_report *r;
	json_error_t je;
	struct rd rd = { 0 };
	json_t *doc;

	if (strcmp(label, "-") == 0)
		doc = json_loadf(stdin, JSON_DECODE_ANY, &je);
	else
		doc = json_load_file(path, JSON_DECODE_ANY, &je);
	if (doc == NULL) {
		if (je.line <= 0)
			lt_err_set(err, LT_EXIT_USAGE, "%s: %s", label, je.text);
		else
			lt_err_set(err, LT_EXIT_USAGE, "%s:%d: %s", label,
			    je.line, je.text);
		return NULL;
	}
	if (!json_is_object(doc) ||
	    json_integer_value(json_object_get(doc, "lt_aggregate")) != 1) {
		json_decref(doc);
		lt_err_set(err, LT_EXIT_USAGE,
		    "%s: not an lt aggregate, version 1 (see lt-aggregate(5))",
		    label);
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		json_decref(doc);
		lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
		return NULL;
	}
	read_doc(&rd, doc, r);
	json_decref(doc);
	if (rd.oom || rd.bad) {
		lt_report_free(r);
		if (rd.oom)
			lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
		else
			lt_err_set(err, LT_EXIT_USAGE, "%s: %s", label, rd.what);
		return NULL;
	}
	return r;
}

static void
ep_fini(struct lt_rep_ep *e)
{
	free(e->method);
	free(e->name);
	free(e->status);
	lt_rep_hist_fini(&e->hist);
	lt_rep_hist_fini(&e->co_hist);
}

void
lt_report_free(struct lt_report *r)
{
	size_t i;

	if (r == NULL)
		return;
	free(r->lt_version);
	free(r->host);
	free(r->scenario);
	free(r->end_reason);
	for (i = 0; i < r->n_opts; i++) {
		free(r->opts[i].key);
		free(r->opts[i].value);
	}
	free(r->opts);
	for (i = 0; i < r->n_eps; i++)
		ep_fini(&r->eps[i]);
	free(r->eps);
	ep_fini(&r->total);
	for (i = 0; i < r->n_secs; i++)
		lt_rep_hist_fini(&r->secs[i].hist);
	free(r->secs);
	for (i = 0; i < r->n_fails; i++) {
		free(r->fails[i].method);
		free(r->fails[i].name);
		free(r->fails[i].error);
	}
	free(r->fails);
	for (i = 0; i < r->n_thrs; i++) {
		free(r->thrs[i].expr);
		free(r->thrs[i].metric);
		free(r->thrs[i].endpoint);
	}
	free(r->thrs);
	free(r);
}

const struct lt_rep_ep *
lt_report_find(const struct lt_report *r, const char *method,
    const char *name)
{
	size_t i;

	for (i = 0; i < r->n_eps; i++)
		if (strcmp(r->eps[i].method, method) == 0 &&
		    strcmp(r->eps[i].name, name) == 0)
			return &r->eps[i];
	return NULL;
}
