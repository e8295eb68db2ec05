/*
 * aggread.c - aggregate document reader; see aggread.h.
 *
 * Every access goes through small typed getters that record the JSON path
 * of the member being read, so that a bad document is reported as
 * "old.json: endpoints[2].hist: counts add up to 7, not count 8".
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "agg/aggread.h"
#include "agg/timeline.h"

struct rd {
	const char *name;
	struct lt_err *err;
	char where[96]; /* path of the object being read */
};

static int
fail(struct rd *r, const char *key, const char *what)
{
	return lt_err_set(r->err, LT_EXIT_USAGE, "%s: %s%s%s: %s", r->name,
	    r->where, *r->where && key ? "." : "", key ? key : "", what);
}

/* Integer member; absent/null gives def unless required. */
static int
get_i64(struct rd *r, const json_t *o, const char *k, int64_t *out,
    int required, int64_t def)
{
	const json_t *v = json_object_get(o, k);

	if (v == NULL || json_is_null(v)) {
		if (required)
			return fail(r, k, "missing");
		*out = def;
		return 0;
	}
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	if (json_is_real(v) && fabs(json_real_value(v)) < 9e15 &&
	    json_real_value(v) == floor(json_real_value(v))) {
		*out = (int64_t)json_real_value(v);
		return 0;
	}
	return fail(r, k, "expected an integer");
}

static int
get_count(
    struct rd *r, const json_t *o, const char *k, int64_t *out, int required)
{
	if (get_i64(r, o, k, out, required, 0) == -1)
		return -1;
	if (*out < 0)
		return fail(r, k, "must not be negative");
	return 0;
}

static int
get_dbl(struct rd *r, const json_t *o, const char *k, double *out)
{
	const json_t *v = json_object_get(o, k);

	*out = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_number(v))
		return fail(r, k, "expected a number");
	*out = json_number_value(v);
	return 0;
}

/* A number in units scaled by mul (1e6 for seconds, 1e3 for ms) to int. */
static int
get_scaled(struct rd *r, const json_t *o, const char *k, double mul,
    int64_t *out, int64_t def)
{
	const json_t *v = json_object_get(o, k);
	double x;

	if (v == NULL || json_is_null(v)) {
		*out = def;
		return 0;
	}
	if (!json_is_number(v))
		return fail(r, k, "expected a number");
	x = json_number_value(v) * mul;
	if (!(fabs(x) < 9.2e18))
		return fail(r, k, "out of range");
	*out = llround(x);
	return 0;
}

static int
get_str(struct rd *r, const json_t *o, const char *k, char **out, int required)
{
	const json_t *v = json_object_get(o, k);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return required ? fail(r, k, "missing") : 0;
	if (!json_is_string(v))
		return fail(r, k, "expected a string");
	*out = strdup(json_string_value(v));
	if (*out == NULL)
		return lt_err_set(r->err, LT_EXIT_RUNTIME, "out of memory");
	return 0;
}

static int
get_pcts(struct rd *r, const json_t *o, const char *k, int64_t *out)
{
	const json_t *p = json_object_get(o, k);

	memset(out, 0, LT_PCT_N * sizeof(*out));
	if (p == NULL || json_is_null(p))
		return 0;
	if (!json_is_object(p))
		return fail(r, k, "expected an object");
	for (int i = 0; i < LT_PCT_N; i++)
		if (get_scaled(r, p, lt_pct_keys[i], 1e3, &out[i], 0) == -1)
			return -1;
	return 0;
}

/* A HIST member into h (initialised here with sig). */
static int
get_hist(struct rd *r, const json_t *o, const char *k, struct lt_hist *h,
    int sig, int required)
{
	const json_t *v = json_object_get(o, k);
	struct lt_err e;

	if (lt_hist_init(h, sig) == -1)
		return lt_err_set(r->err, LT_EXIT_RUNTIME, "out of memory");
	if (v == NULL || json_is_null(v))
		return required ? fail(r, k, "missing") : 0;
	if (lt_hist_add_json(h, v, &e) == -1)
		return fail(r, k, e.msg);
	return 0;
}

static int
get_shist(struct rd *r, const json_t *o, const char *k, struct lt_shist *sh,
    struct lt_hist *scratch)
{
	const json_t *v = json_object_get(o, k);
	struct lt_err e;

	lt_hist_reset(scratch);
	if (v == NULL || json_is_null(v))
		return 0;
	if (lt_hist_add_json(scratch, v, &e) == -1)
		return fail(r, k, e.msg);
	if (lt_shist_set(sh, scratch) == -1)
		return lt_err_set(r->err, LT_EXIT_RUNTIME, "out of memory");
	return 0;
}

static char *
dump(const json_t *v)
{
	if (v == NULL || json_is_null(v))
		return NULL;
	return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

static void
ep_fini(struct lt_doc_ep *ep)
{
	free(ep->method);
	free(ep->name);
	free(ep->status);
	lt_hist_fini(&ep->hist);
	lt_hist_fini(&ep->ttfb_hist);
	lt_hist_fini(&ep->co_hist);
	memset(ep, 0, sizeof(*ep));
}

static int
read_status(struct rd *r, const json_t *o, struct lt_doc_ep *ep)
{
	const json_t *st = json_object_get(o, "status"), *v;
	const char *key;
	size_t n = 0;

	if (st == NULL || json_is_null(st))
		return 0;
	if (!json_is_object(st))
		return fail(r, "status", "expected an object");
	ep->status = calloc(json_object_size(st) + 1, sizeof(*ep->status));
	if (ep->status == NULL)
		return lt_err_set(r->err, LT_EXIT_RUNTIME, "out of memory");
	json_object_foreach((json_t *)st, key, v)
	{
		char *end;
		long code = strtol(key, &end, 10);

		if (*key == '\0' || *end || code < 0 || code > 999)
			return fail(r, "status", "keys must be codes 0..999");
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return fail(
			    r, "status", "counts must be integers >= 0");
		ep->status[n].code = (int)code;
		ep->status[n].n = json_integer_value(v);
		n++;
	}
	ep->n_status = n;
	return 0;
}

static int
read_ep(struct rd *r, const json_t *o, struct lt_doc_ep *ep)
{
	const json_t *t, *c;

	memset(ep, 0, sizeof(*ep));
	if (!json_is_object(o))
		return fail(r, NULL, "expected an object");
	if (get_str(r, o, "method", &ep->method, 1) ||
	    get_str(r, o, "name", &ep->name, 1) ||
	    get_count(r, o, "requests", &ep->requests, 1) ||
	    get_count(r, o, "failures", &ep->failures, 1) ||
	    get_dbl(r, o, "fail_ratio", &ep->fail_ratio) ||
	    get_dbl(r, o, "rps", &ep->rps) || get_dbl(r, o, "fps", &ep->fps) ||
	    get_scaled(r, o, "min_ms", 1e3, &ep->min_us, 0) ||
	    get_scaled(r, o, "max_ms", 1e3, &ep->max_us, 0) ||
	    get_scaled(r, o, "median_ms", 1e3, &ep->median_us, 0) ||
	    get_dbl(r, o, "mean_ms", &ep->mean_us) ||
	    get_pcts(r, o, "percentiles_ms", ep->pct_us) ||
	    get_dbl(r, o, "avg_bytes", &ep->avg_bytes) ||
	    get_count(r, o, "bytes", &ep->bytes, 0) || read_status(r, o, ep) ||
	    get_scaled(
	        r, o, "first_ts", 1e6, &ep->first_ts_us, LT_DOC_TS_NONE) ||
	    get_scaled(r, o, "last_ts", 1e6, &ep->last_ts_us, LT_DOC_TS_NONE) ||
	    get_hist(r, o, "hist", &ep->hist, 3, 1) ||
	    get_hist(r, o, "ttfb_hist", &ep->ttfb_hist, 3, 0))
		return -1;
	ep->mean_us *= 1000.0;
	if (ep->failures > ep->requests)
		return fail(r, "failures", "exceeds requests");
	if (ep->hist.count > ep->requests)
		return fail(r, "hist", "count exceeds requests");
	t = json_object_get(o, "ttfb");
	if (json_is_object(t)) {
		ep->has_ttfb = 1;
		if (get_dbl(r, t, "mean_ms", &ep->ttfb_mean_us) ||
		    get_pcts(r, t, "percentiles_ms", ep->ttfb_pct_us))
			return -1;
		ep->ttfb_mean_us *= 1000.0;
	}
	c = json_object_get(o, "co");
	if (json_is_object(c)) {
		ep->has_co = 1;
		if (get_dbl(r, c, "mean_ms", &ep->co_mean_us) ||
		    get_scaled(r, c, "max_ms", 1e3, &ep->co_max_us, 0) ||
		    get_pcts(r, c, "percentiles_ms", ep->co_pct_us) ||
		    get_hist(r, c, "hist", &ep->co_hist, 3, 1))
			return -1;
		ep->co_mean_us *= 1000.0;
	}
	return 0;
}

/* Iterates array member k of o: n elements into *arr of elsize bytes. */
static const json_t *
get_array(struct rd *r, const json_t *o, const char *k, int required)
{
	const json_t *a = json_object_get(o, k);

	if ((a == NULL || json_is_null(a)) && !required)
		return NULL;
	if (!json_is_array(a)) {
		fail(r, k, a ? "expected an array" : "missing");
		return NULL;
	}
	return a;
}

/*
 * The elements of "endpoints" or "timeline": a parsed array (the whole
 * document was parsed), or spans of the text to parse one at a time (the
 * streamed path of lt_aggdoc_parse), so that only one element's DOM lives
 * at a time.
 */
struct elems {
	const json_t *arr; /* or NULL: spans */
	const char *text;
	size_t *span; /* 2 per element: start, end */
	size_t n;
	int present; /* the member was seen (streamed path) */
};

static size_t
elems_n(const struct elems *e)
{
	return e->arr ? json_array_size(e->arr) : e->n;
}

/* Element i, a new reference (json_decref it); NULL: syntax (streamed). */
static json_t *
elems_get(const struct elems *e, size_t i)
{
	if (e->arr)
		return json_incref(json_array_get(e->arr, i));
	return json_loadb(e->text + e->span[2 * i],
	    e->span[2 * i + 1] - e->span[2 * i], JSON_ALLOW_NUL, NULL);
}

/* The array member k of root, or of the streamed spans when s is set. */
static int
get_elems(struct rd *r, const json_t *root, const char *k,
    const struct elems *s, struct elems *e)
{
	if (s && s->present) {
		*e = *s;
		return 0;
	}
	memset(e, 0, sizeof(*e));
	e->arr = get_array(r, root, k, 1);
	return e->arr ? 0 : -1;
}

static int
read_sec_eps(struct rd *r, const json_t *o, struct lt_doc_sec *s,
    struct lt_hist *scratch)
{
	const json_t *eps = json_object_get(o, "endpoints"), *v;
	const char *key;
	size_t i = 0;

	if (eps == NULL || json_is_null(eps))
		return 0;
	if (!json_is_object(eps))
		return fail(r, "endpoints", "expected an object");
	s->has_eps = 1;
	s->eps = calloc(json_object_size(eps) + 1, sizeof(*s->eps));
	if (s->eps == NULL)
		return lt_err_set(r->err, LT_EXIT_RUNTIME, "out of memory");
	json_object_foreach((json_t *)eps, key, v)
	{
		struct lt_doc_sec_ep *e = &s->eps[i];

		s->n_eps = ++i;
		if (!json_is_object(v))
			return fail(r, "endpoints", "expected objects");
		if (get_str(r, v, "method", &e->method, 1) ||
		    get_str(r, v, "name", &e->name, 1) ||
		    get_count(r, v, "requests", &e->requests, 1) ||
		    get_count(r, v, "failures", &e->failures, 0) ||
		    get_scaled(r, v, "p50_ms", 1e3, &e->p50_us, 0) ||
		    get_scaled(r, v, "p95_ms", 1e3, &e->p95_us, 0) ||
		    get_scaled(r, v, "p99_ms", 1e3, &e->p99_us, 0) ||
		    get_dbl(r, v, "mean_ms", &e->mean_us) ||
		    get_shist(r, v, "hist", &e->hist, scratch))
			return -1;
		e->mean_us *= 1000.0;
	}
	return 0;
}

static int
read_sec(struct rd *r, const json_t *o, struct lt_doc_sec *s,
    struct lt_hist *scratch)
{
	if (!json_is_object(o))
		return fail(r, NULL, "expected an object");
	if (get_i64(r, o, "t", &s->t, 1, 0) ||
	    get_i64(r, o, "users", &s->users, 0, -1) ||
	    get_scaled(
	        r, o, "users_ts", 1e6, &s->users_ts_us, LT_DOC_TS_NONE) ||
	    get_count(r, o, "requests", &s->requests, 1) ||
	    get_count(r, o, "failures", &s->failures, 0) ||
	    get_count(r, o, "dropped", &s->dropped, 0) ||
	    get_count(r, o, "bytes", &s->bytes, 0) ||
	    get_scaled(r, o, "p50_ms", 1e3, &s->p50_us, 0) ||
	    get_scaled(r, o, "p95_ms", 1e3, &s->p95_us, 0) ||
	    get_scaled(r, o, "p99_ms", 1e3, &s->p99_us, 0) ||
	    get_dbl(r, o, "mean_ms", &s->mean_us) ||
	    get_shist(r, o, "hist", &s->hist, scratch))
		return -1;
	s->mean_us *= 1000.0;
	s->has_bytes = json_object_get(o, "bytes") != NULL;
	if (json_object_get(o, "co_hist")) {
		s->has_co = 1;
		if (get_scaled(r, o, "co_p50_ms", 1e3, &s->co_p50_us, 0) ||
		    get_scaled(r, o, "co_p95_ms", 1e3, &s->co_p95_us, 0) ||
		    get_scaled(r, o, "co_p99_ms", 1e3, &s->co_p99_us, 0) ||
		    get_dbl(r, o, "co_mean_ms", &s->co_mean_us) ||
		    get_shist(r, o, "co_hist", &s->co_hist, scratch))
			return -1;
		s->co_mean_us *= 1000.0;
	}
	return read_sec_eps(r, o, s, scratch);
}

static int
read_run(struct rd *r, const json_t *root, struct lt_aggdoc *d)
{
	const json_t *o = json_object_get(root, "run");

	snprintf(r->where, sizeof(r->where), "run");
	if (!json_is_object(o))
		return fail(r, NULL, "missing or not an object");
	if (get_scaled(r, o, "start", 1e6, &d->start_us, 0) ||
	    get_scaled(r, o, "end", 1e6, &d->end_us, 0) ||
	    get_dbl(r, o, "duration_s", &d->duration_s) ||
	    get_str(r, o, "host", &d->host, 0) ||
	    get_str(r, o, "scenario", &d->scenario, 0) ||
	    get_str(r, o, "end_reason", &d->end_reason, 0) ||
	    get_count(r, o, "runs", &d->runs, 0) ||
	    get_count(r, o, "max_users", &d->max_users, 0) ||
	    get_count(r, o, "dropped", &d->dropped, 0) ||
	    get_scaled(
	        r, o, "run_start_ts", 1e6, &d->run_start_us, LT_DOC_TS_NONE) ||
	    get_scaled(
	        r, o, "run_end_ts", 1e6, &d->run_end_us, LT_DOC_TS_NONE) ||
	    get_scaled(r, o, "first_event_ts", 1e6, &d->first_event_us,
	        LT_DOC_TS_NONE) ||
	    get_scaled(r, o, "last_event_ts", 1e6, &d->last_event_us,
	        LT_DOC_TS_NONE) ||
	    get_scaled(r, o, "last_completion_ts", 1e6, &d->last_completion_us,
	        LT_DOC_TS_NONE))
		return -1;
	if (json_is_object(json_object_get(o, "options")))
		d->options_json = dump(json_object_get(o, "options"));
	return 0;
}

static int
read_input(struct rd *r, const json_t *root, struct lt_aggdoc *d)
{
	const json_t *o = json_object_get(root, "input"), *a, *v;
	size_t i;

	snprintf(r->where, sizeof(r->where), "input");
	if (o == NULL)
		return 0;
	if (!json_is_object(o))
		return fail(r, NULL, "not an object");
	if (get_count(r, o, "lines", &d->lines, 0) ||
	    get_count(r, o, "events", &d->events, 0) ||
	    get_count(r, o, "rejected", &d->rejected, 0) ||
	    get_count(r, o, "unknown", &d->unknown, 0) ||
	    get_count(
	        r, o, "other_endpoint_events", &d->other_endpoint_events, 0))
		return -1;
	a = get_array(r, o, "rejects", 0);
	if (a == NULL)
		return json_object_get(o, "rejects") ? -1 : 0;
	d->rejects = calloc(json_array_size(a) + 1, sizeof(*d->rejects));
	if (d->rejects == NULL)
		return lt_err_set(r->err, LT_EXIT_RUNTIME, "out of memory");
	json_array_foreach(a, i, v)
	{
		struct lt_doc_reject *j = &d->rejects[i];

		d->n_rejects = i + 1;
		snprintf(r->where, sizeof(r->where), "input.rejects[%zu]", i);
		if (!json_is_object(v))
			return fail(r, NULL, "expected an object");
		if (get_str(r, v, "file", &j->file, 0) ||
		    get_count(r, v, "line", &j->line, 0) ||
		    get_str(r, v, "reason", &j->reason, 0))
			return -1;
	}
	return 0;
}

static int
read_eps(struct rd *r, const json_t *root, const struct elems *s,
    struct lt_aggdoc *d)
{
	struct elems e;
	const json_t *v;
	size_t i, n;

	snprintf(r->where, sizeof(r->where), "%s", "");
	if (get_elems(r, root, "endpoints", s, &e) == -1)
		return -1;
	n = elems_n(&e);
	d->eps = calloc(n + 1, sizeof(*d->eps));
	if (d->eps == NULL)
		return lt_err_set(r->err, LT_EXIT_RUNTIME, "out of memory");
	for (i = 0; i < n; i++) {
		json_t *ev = elems_get(&e, i);
		int rc;

		if (ev == NULL)
			return 1; /* streamed syntax error: parse it whole */
		d->n_eps = i + 1;
		snprintf(r->where, sizeof(r->where), "endpoints[%zu]", i);
		rc = read_ep(r, ev, &d->eps[i]);
		json_decref(ev);
		if (rc == -1)
			return -1;
	}
	snprintf(r->where, sizeof(r->where), "total");
	v = json_object_get(root, "total");
	if (v == NULL)
		return fail(r, NULL, "missing");
	return read_ep(r, v, &d->total);
}

static int
read_timeline(struct rd *r, const json_t *root, const struct elems *s,
    struct lt_aggdoc *d)
{
	struct lt_hist scratch;
	struct elems e;
	size_t i, n;
	int rc = 0;

	snprintf(r->where, sizeof(r->where), "%s", "");
	if (get_elems(r, root, "timeline", s, &e) == -1)
		return -1;
	n = elems_n(&e);
	d->timeline = calloc(n + 1, sizeof(*d->timeline));
	if (d->timeline == NULL || lt_hist_init(&scratch, LT_TL_SIG) == -1)
		return lt_err_set(r->err, LT_EXIT_RUNTIME, "out of memory");
	for (i = 0; i < n && rc == 0; i++) {
		json_t *v = elems_get(&e, i);

		if (v == NULL) {
			rc = 1; /* streamed syntax error: parse it whole */
			break;
		}
		d->n_timeline = i + 1;
		snprintf(r->where, sizeof(r->where), "timeline[%zu]", i);
		rc = read_sec(r, v, &d->timeline[i], &scratch);
		json_decref(v);
	}
	lt_hist_fini(&scratch);
	return rc;
}

static int
read_failures(struct rd *r, const json_t *root, struct lt_aggdoc *d)
{
	const json_t *a, *v;
	size_t i;

	snprintf(r->where, sizeof(r->where), "%s", "");
	a = get_array(r, root, "failures", 1);
	if (a == NULL)
		return -1;
	d->failures = calloc(json_array_size(a) + 1, sizeof(*d->failures));
	if (d->failures == NULL)
		return lt_err_set(r->err, LT_EXIT_RUNTIME, "out of memory");
	json_array_foreach(a, i, v)
	{
		struct lt_doc_failure *f = &d->failures[i];

		d->n_failures = i + 1;
		snprintf(r->where, sizeof(r->where), "failures[%zu]", i);
		if (!json_is_object(v))
			return fail(r, NULL, "expected an object");
		if (get_str(r, v, "method", &f->method, 1) ||
		    get_str(r, v, "name", &f->name, 1) ||
		    get_str(r, v, "error", &f->error, 1) ||
		    get_str(r, v, "example", &f->example, 0) ||
		    get_count(r, v, "occurrences", &f->occurrences, 1))
			return -1;
	}
	return 0;
}

static int
read_thresholds(struct rd *r, const json_t *root, struct lt_aggdoc *d)
{
	const json_t *a, *v;
	size_t i;

	snprintf(r->where, sizeof(r->where), "%s", "");
	a = get_array(r, root, "thresholds", 0);
	if (a == NULL)
		return json_object_get(root, "thresholds") &&
		        !json_is_null(json_object_get(root, "thresholds"))
		    ? -1
		    : 0;
	d->thresholds = calloc(json_array_size(a) + 1, sizeof(*d->thresholds));
	if (d->thresholds == NULL)
		return lt_err_set(r->err, LT_EXIT_RUNTIME, "out of memory");
	json_array_foreach(a, i, v)
	{
		struct lt_doc_thresh *t = &d->thresholds[i];

		d->n_thresholds = i + 1;
		snprintf(r->where, sizeof(r->where), "thresholds[%zu]", i);
		if (!json_is_object(v))
			return fail(r, NULL, "expected an object");
		if (get_str(r, v, "expr", &t->expr, 1) ||
		    get_str(r, v, "metric", &t->metric, 0) ||
		    get_str(r, v, "op", &t->op, 0) ||
		    get_str(r, v, "unit", &t->unit, 0) ||
		    get_str(r, v, "endpoint", &t->endpoint, 0) ||
		    get_str(r, v, "reason", &t->reason, 0) ||
		    get_dbl(r, v, "limit", &t->limit) ||
		    get_dbl(r, v, "value", &t->value))
			return -1;
		t->ok = json_is_true(json_object_get(v, "ok"));
		t->has_value = json_is_number(json_object_get(v, "value"));
	}
	return 0;
}

/*
 * The streamed path.  A 1-hour aggregate is ~10 MB of JSON, most of it
 * [index,count] pairs; as one jansson DOM that is ~20 bytes of heap per
 * byte of text (190 MB), and building and freeing it is most of the time.
 * Here a small scanner splits the top-level object into members without
 * parsing them; "endpoints" and "timeline" are kept as spans of their
 * elements, parsed one at a time later, and every other member is parsed
 * into a small root.  The scanner only finds boundaries: jansson still
 * validates every byte (each span must parse exactly).  Anything unusual
 * (a syntax error, a repeated streamed member) makes the caller parse the
 * whole document instead, so messages and results are the same.
 */
static size_t
ws(const char *p, size_t i, size_t n)
{
	while (i < n &&
	    (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
		i++;
	return i;
}

/* End of the JSON value starting at p[i] (not validated), or 0. */
static size_t
skip_value(const char *p, size_t i, size_t n)
{
	size_t depth = 0;

	for (; i < n; i++) {
		char c = p[i];

		if (c == '"') {
			for (i++; i < n && p[i] != '"'; i++)
				if (p[i] == '\\')
					i++;
			if (i >= n)
				return 0;
			if (depth == 0)
				return i + 1;
		} else if (c == '[' || c == '{') {
			/* deep nesting: let the whole parse apply its limit */
			if (++depth > 1000)
				return 0;
		} else if (c == ']' || c == '}') {
			if (depth == 0)
				return 0;
			if (--depth == 0)
				return i + 1;
		} else if (depth == 0) {
			while (i < n && p[i] != ',' && p[i] != ']' &&
			    p[i] != '}' && p[i] != ' ' && p[i] != '\t' &&
			    p[i] != '\n' && p[i] != '\r')
				i++;
			return i;
		}
	}
	return 0;
}

/* Spans of the elements of the array at p[i]; the end, or 0. */
static size_t
split_array(const char *p, size_t i, size_t n, struct elems *e)
{
	size_t alloc = 0;

	i = ws(p, i + 1, n);
	if (i < n && p[i] == ']')
		return i + 1;
	for (;;) {
		size_t end = skip_value(p, i, n);

		if (end == 0)
			return 0;
		if (e->n * 2 + 2 > alloc) {
			size_t *t;

			alloc = alloc ? alloc * 2 : 256;
			t = realloc(e->span, alloc * sizeof(*t));
			if (t == NULL)
				return 0;
			e->span = t;
		}
		e->span[e->n * 2] = i;
		e->span[e->n * 2 + 1] = end;
		e->n++;
		i = ws(p, end, n);
		if (i < n && p[i] == ']')
			return i + 1;
		if (i >= n || p[i] != ',')
			return 0;
		i = ws(p, i + 1, n);
	}
}

/* Splits text into root (all members but eps and tl) and spans: 0 or -1. */
static int
split_doc(
    const char *p, size_t n, json_t *root, struct elems *eps, struct elems *tl)
{
	size_t i = ws(p, 0, n);

	if (i >= n || p[i] != '{')
		return -1;
	i = ws(p, i + 1, n);
	if (i < n && p[i] == '}')
		return ws(p, i + 1, n) == n ? 0 : -1;
	for (;;) {
		size_t kend, vend;
		json_t *key, *v;
		const char *k;
		struct elems *e = NULL;
		int rc;

		if (i >= n || p[i] != '"' || (kend = skip_value(p, i, n)) == 0)
			return -1;
		key = json_loadb(p + i, kend - i, JSON_DECODE_ANY, NULL);
		if (key == NULL || !json_is_string(key) ||
		    strlen(json_string_value(key)) != json_string_length(key)) {
			json_decref(key);
			return -1;
		}
		k = json_string_value(key);
		i = ws(p, kend, n);
		if (i >= n || p[i] != ':') {
			json_decref(key);
			return -1;
		}
		i = ws(p, i + 1, n);
		if (strcmp(k, "endpoints") == 0)
			e = eps;
		else if (strcmp(k, "timeline") == 0)
			e = tl;
		if (e &&
		    (e->present || json_object_get(root, k) || i >= n ||
		        p[i] != '[')) {
			json_decref(key); /* repeated, or not an array */
			return -1;
		}
		if (e) {
			e->present = 1;
			e->text = p;
			vend = split_array(p, i, n, e);
			rc = vend ? 0 : -1;
		} else {
			vend = skip_value(p, i, n);
			v = vend ? json_loadb(p + i, vend - i,
			               JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL)
			         : NULL;
			rc = v ? json_object_set_new(root, k, v) : -1;
		}
		json_decref(key);
		if (rc == -1)
			return -1;
		i = ws(p, vend, n);
		if (i < n && p[i] == '}')
			return ws(p, i + 1, n) == n ? 0 : -1;
		if (i >= n || p[i] != ',')
			return -1;
		i = ws(p, i + 1, n);
	}
}

/*
 * Decodes root (and the streamed spans eps/tl when present) into d.
 * 0, -1 with err, or 1: a streamed element did not parse.
 */
static int
decode(struct rd *r, const json_t *root, const struct elems *eps,
    const struct elems *tl, struct lt_aggdoc *d)
{
	int64_t ver;
	int rc;

	if (get_i64(r, root, "lt_aggregate", &ver, 1, 0) == -1 || ver != 1)
		return lt_err_set(r->err, LT_EXIT_USAGE,
		    "%s: not an lt aggregate of version 1", r->name);
	d->version = 1;
	rc = get_str(r, root, "lt_version", &d->lt_version, 0);
	rc = rc ? rc : read_run(r, root, d);
	rc = rc ? rc : read_input(r, root, d);
	rc = rc ? rc : read_eps(r, root, eps, d);
	rc = rc ? rc : read_timeline(r, root, tl, d);
	rc = rc ? rc : read_failures(r, root, d);
	rc = rc ? rc : read_thresholds(r, root, d);
	if (rc == 0)
		d->baseline_json = dump(json_object_get(root, "baseline"));
	if (rc == 0)
		d->llm_json = dump(json_object_get(root, "llm"));
	return rc;
}

/*
 * The streamed path: 0, or 1 to parse the text whole, which also makes
 * every error message the one the whole-document parse gives.
 */
static int
parse_streamed(struct rd *r, const char *text, size_t len, struct lt_aggdoc *d)
{
	struct elems eps = { 0 }, tl = { 0 };
	json_t *root = json_object();
	int rc = 1;

	if (root && split_doc(text, len, root, &eps, &tl) == 0)
		rc = decode(r, root, &eps, &tl, d) ? 1 : 0;
	json_decref(root);
	free(eps.span);
	free(tl.span);
	if (rc) {
		lt_aggdoc_fini(d);
		lt_err_clear(r->err);
	}
	return rc;
}

int
lt_aggdoc_parse(struct lt_aggdoc *d, const char *text, size_t len,
    const char *name, struct lt_err *err)
{
	struct rd r = { name, err, "" };

	memset(d, 0, sizeof(*d));
	if (parse_streamed(&r, text, len, d) == 0)
		return 0;
	return lt_aggdoc_parse_whole(d, text, len, name, err);
}

int
lt_aggdoc_parse_whole(struct lt_aggdoc *d, const char *text, size_t len,
    const char *name, struct lt_err *err)
{
	struct rd r = { name, err, "" };
	json_error_t je;
	json_t *root;
	int rc;

	memset(d, 0, sizeof(*d));
	/*
	 * Duplicate keys are allowed (the last wins): two endpoint names
	 * that differ only in invalid UTF-8 are written with the same
	 * U+FFFD-replaced key in a second's "endpoints" object.
	 */
	root = json_loadb(text, len, JSON_ALLOW_NUL, &je);
	if (root == NULL)
		return lt_err_set(err, LT_EXIT_USAGE, "%s:%d:%d: %s", name,
		    je.line, je.column, je.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return lt_err_set(err, LT_EXIT_USAGE,
		    "%s: not an aggregate (expected an object)", name);
	}
	rc = decode(&r, root, NULL, NULL, d);
	json_decref(root);
	if (rc) {
		lt_aggdoc_fini(d);
		return -1;
	}
	return 0;
}

int
lt_aggdoc_load(struct lt_aggdoc *doc, const char *path, struct lt_err *err)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *text = NULL;
	size_t len = 0, alloc = 0, n;
	int rc;

	memset(doc, 0, sizeof(*doc));
	if (f == NULL)
		return lt_err_sys(err, LT_EXIT_USAGE, errno, "%s", path);
	for (;;) {
		if (alloc - len < 65536) {
			char *t;

			alloc = alloc ? alloc * 2 : 1 << 20;
			t = realloc(text, alloc);
			if (t == NULL) {
				rc = lt_err_set(err, LT_EXIT_RUNTIME,
				    "%s: out of memory", path);
				goto out;
			}
			text = t;
		}
		n = fread(text + len, 1, alloc - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		rc = lt_err_sys(err, LT_EXIT_USAGE, errno, "%s", path);
		goto out;
	}
	rc = lt_aggdoc_parse(doc, text, len, path, err);
out:
	free(text);
	if (f != stdin)
		fclose(f);
	return rc;
}

void
lt_aggdoc_fini(struct lt_aggdoc *d)
{
	free(d->lt_version);
	free(d->host);
	free(d->scenario);
	free(d->end_reason);
	free(d->options_json);
	free(d->baseline_json);
	free(d->llm_json);
	for (size_t i = 0; i < d->n_rejects; i++) {
		free(d->rejects[i].file);
		free(d->rejects[i].reason);
	}
	free(d->rejects);
	for (size_t i = 0; i < d->n_eps; i++)
		ep_fini(&d->eps[i]);
	free(d->eps);
	ep_fini(&d->total);
	for (size_t i = 0; i < d->n_timeline; i++) {
		struct lt_doc_sec *s = &d->timeline[i];

		lt_shist_fini(&s->hist);
		lt_shist_fini(&s->co_hist);
		for (size_t j = 0; j < s->n_eps; j++) {
			free(s->eps[j].method);
			free(s->eps[j].name);
			lt_shist_fini(&s->eps[j].hist);
		}
		free(s->eps);
	}
	free(d->timeline);
	for (size_t i = 0; i < d->n_failures; i++) {
		free(d->failures[i].method);
		free(d->failures[i].name);
		free(d->failures[i].error);
		free(d->failures[i].example);
	}
	free(d->failures);
	for (size_t i = 0; i < d->n_thresholds; i++) {
		free(d->thresholds[i].expr);
		free(d->thresholds[i].metric);
		free(d->thresholds[i].op);
		free(d->thresholds[i].unit);
		free(d->thresholds[i].endpoint);
		free(d->thresholds[i].reason);
	}
	free(d->thresholds);
	memset(d, 0, sizeof(*d));
}

const struct lt_doc_ep *
lt_aggdoc_find(
    const struct lt_aggdoc *doc, const char *method, const char *name)
{
	for (size_t i = 0; i < doc->n_eps; i++)
		if (strcmp(doc->eps[i].method, method) == 0 &&
		    strcmp(doc->eps[i].name, name) == 0)
			return &doc->eps[i];
	return NULL;
}
