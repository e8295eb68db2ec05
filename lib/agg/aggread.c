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

#include "agg/aggcheck.h"
#include "agg/aggclass.h"
#include "agg/aggfold.h"
#include "agg/aggget.h"
#include "agg/aggread.h"
#include "agg/aggscan.h"
#include "agg/aggsec.h"
#include "agg/timeline.h"

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
read_status(struct lt_rd *r, const json_t *o, struct lt_doc_ep *ep)
{
	const json_t *st = json_object_get(o, "status"), *v;
	const char *key;
	size_t n = 0;

	if (st == NULL || json_is_null(st))
		return 0;
	if (!json_is_object(st))
		return lt_rd_fail(r, "status", "expected an object");
	ep->status = calloc(json_object_size(st) + 1, sizeof(*ep->status));
	if (ep->status == NULL)
		return lt_err_set(r->err, LT_EXIT_RUNTIME, "out of memory");
	json_object_foreach((json_t *)st, key, v)
	{
		char *end;
		long code = strtol(key, &end, 10);

		if (*key == '\0' || *end || code < 0 || code > 999)
			return lt_rd_fail(
			    r, "status", "keys must be codes 0..999");
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return lt_rd_fail(
			    r, "status", "counts must be integers >= 0");
		ep->status[n].code = (int)code;
		ep->status[n].n = json_integer_value(v);
		n++;
	}
	ep->n_status = n;
	return 0;
}

static int
read_ep(struct lt_rd *r, const json_t *o, struct lt_doc_ep *ep)
{
	const json_t *t, *c;
	/* histogram storage is kept for reuse (a folded endpoint's) */
	struct lt_hist h = ep->hist, th = ep->ttfb_hist, ch = ep->co_hist;

	memset(ep, 0, sizeof(*ep));
	ep->hist = h;
	ep->ttfb_hist = th;
	ep->co_hist = ch;
	if (ch.counts)
		lt_hist_reset(&ep->co_hist);
	if (!json_is_object(o))
		return lt_rd_fail(r, NULL, "expected an object");
	if (lt_rd_str(r, o, "method", &ep->method, 1) ||
	    lt_rd_str(r, o, "name", &ep->name, 1) ||
	    lt_rd_count(r, o, "requests", &ep->requests, 1) ||
	    lt_rd_count(r, o, "failures", &ep->failures, 1) ||
	    lt_rd_dbl(r, o, "fail_ratio", &ep->fail_ratio, LT_RD_RATIO) ||
	    lt_rd_dbl(r, o, "rps", &ep->rps, LT_RD_POS) ||
	    lt_rd_dbl(r, o, "fps", &ep->fps, LT_RD_POS) ||
	    lt_rd_ms(r, o, "min_ms", &ep->min_us) ||
	    lt_rd_ms(r, o, "max_ms", &ep->max_us) ||
	    lt_rd_ms(r, o, "median_ms", &ep->median_us) ||
	    lt_rd_dbl(r, o, "mean_ms", &ep->mean_us, LT_RD_LAT_MS) ||
	    lt_rd_pcts(r, o, "percentiles_ms", ep->pct_us) ||
	    lt_rd_dbl(r, o, "avg_bytes", &ep->avg_bytes, LT_RD_POS) ||
	    lt_rd_count(r, o, "bytes", &ep->bytes, 0) ||
	    lt_rd_count(r, o, "bytes_sent", &ep->bytes_sent, 0) ||
	    read_status(r, o, ep) ||
	    lt_rd_scaled(
	        r, o, "first_ts", 1e6, &ep->first_ts_us, LT_DOC_TS_NONE) ||
	    lt_rd_i64(r, o, "seq", &ep->seq, 0, -1) ||
	    lt_rd_scaled(
	        r, o, "last_ts", 1e6, &ep->last_ts_us, LT_DOC_TS_NONE) ||
	    lt_rd_hist(r, o, "hist", &ep->hist, 3, 1) ||
	    lt_rd_hist(r, o, "ttfb_hist", &ep->ttfb_hist, 3, 0))
		return -1;
	ep->mean_us *= 1000.0;
	ep->has_sent = json_object_get(o, "bytes_sent") != NULL;
	if (ep->failures > ep->requests)
		return lt_rd_fail(r, "failures", "exceeds requests");
	if (ep->hist.count > ep->requests)
		return lt_rd_fail(r, "hist", "count exceeds requests");
	t = json_object_get(o, "ttfb");
	if (json_is_object(t)) {
		ep->has_ttfb = 1;
		if (lt_rd_dbl(
		        r, t, "mean_ms", &ep->ttfb_mean_us, LT_RD_LAT_MS) ||
		    lt_rd_pcts(r, t, "percentiles_ms", ep->ttfb_pct_us))
			return -1;
		ep->ttfb_mean_us *= 1000.0;
	}
	c = json_object_get(o, "co");
	if (json_is_object(c)) {
		ep->has_co = 1;
		if (lt_rd_dbl(r, c, "mean_ms", &ep->co_mean_us, LT_RD_LAT_MS) ||
		    lt_rd_ms(r, c, "max_ms", &ep->co_max_us) ||
		    lt_rd_pcts(r, c, "percentiles_ms", ep->co_pct_us) ||
		    lt_rd_hist(r, c, "hist", &ep->co_hist, 3, 1))
			return -1;
		ep->co_mean_us *= 1000.0;
	}
	return 0;
}

/* The array member k of root, or of the streamed spans when s is set. */
static int
lt_rd_elems(struct lt_rd *r, const json_t *root, const char *k,
    const struct lt_elems *s, struct lt_elems *e)
{
	if (s && s->present) {
		*e = *s;
		return 0;
	}
	memset(e, 0, sizeof(*e));
	e->arr = lt_rd_array(r, root, k, 1);
	return e->arr ? 0 : -1;
}
static int
read_run(struct lt_rd *r, const json_t *root, struct lt_aggdoc *d)
{
	const json_t *o = json_object_get(root, "run");

	snprintf(r->where, sizeof(r->where), "run");
	if (!json_is_object(o))
		return lt_rd_fail(r, NULL, "missing or not an object");
	if (lt_rd_scaled(r, o, "start", 1e6, &d->start_us, 0) ||
	    lt_rd_scaled(r, o, "end", 1e6, &d->end_us, 0) ||
	    lt_rd_dbl(r, o, "duration_s", &d->duration_s, 0, 9.2e12) ||
	    lt_rd_str(r, o, "host", &d->host, 0) ||
	    lt_rd_str(r, o, "scenario", &d->scenario, 0) ||
	    lt_rd_str(r, o, "end_reason", &d->end_reason, 0) ||
	    lt_rd_count(r, o, "runs", &d->runs, 0) ||
	    lt_rd_count(r, o, "max_users", &d->max_users, 0) ||
	    lt_rd_count(r, o, "dropped", &d->dropped, 0) ||
	    lt_rd_scaled(
	        r, o, "run_start_ts", 1e6, &d->run_start_us, LT_DOC_TS_NONE) ||
	    lt_rd_scaled(
	        r, o, "run_end_ts", 1e6, &d->run_end_us, LT_DOC_TS_NONE) ||
	    lt_rd_scaled(r, o, "first_event_ts", 1e6, &d->first_event_us,
	        LT_DOC_TS_NONE) ||
	    lt_rd_scaled(r, o, "last_event_ts", 1e6, &d->last_event_us,
	        LT_DOC_TS_NONE) ||
	    lt_rd_scaled(r, o, "last_completion_ts", 1e6,
	        &d->last_completion_us, LT_DOC_TS_NONE))
		return -1;
	if (d->end_us < d->start_us)
		return lt_rd_fail(r, "end", "before run.start");
	if (json_is_object(json_object_get(o, "options")))
		d->options_json = lt_rd_dump(json_object_get(o, "options"));
	return 0;
}

static int
read_input(struct lt_rd *r, const json_t *root, struct lt_aggdoc *d)
{
	const json_t *o = json_object_get(root, "input"), *a, *v;
	size_t i;

	snprintf(r->where, sizeof(r->where), "input");
	if (o == NULL)
		return 0;
	if (!json_is_object(o))
		return lt_rd_fail(r, NULL, "not an object");
	if (lt_rd_count(r, o, "lines", &d->lines, 0) ||
	    lt_rd_count(r, o, "events", &d->events, 0) ||
	    lt_rd_count(r, o, "rejected", &d->rejected, 0) ||
	    lt_rd_count(r, o, "unknown", &d->unknown, 0) ||
	    lt_rd_count(
	        r, o, "other_endpoint_events", &d->other_endpoint_events, 0))
		return -1;
	a = lt_rd_array(r, o, "rejects", 0);
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
			return lt_rd_fail(r, NULL, "expected an object");
		if (lt_rd_str(r, v, "file", &j->file, 0) ||
		    lt_rd_count(r, v, "line", &j->line, 0) ||
		    lt_rd_str(r, v, "reason", &j->reason, 0))
			return -1;
	}
	return 0;
}

static int
read_eps(struct lt_rd *r, const json_t *root, const struct lt_elems *s,
    struct lt_aggdoc *d, struct lt_docnames *kept)
{
	struct lt_elems e;
	const json_t *v;
	size_t i, n, named = 0;
	ptrdiff_t other = -1;
	struct lt_doc_ep tmp = { 0 };
	int refold = 0;

	snprintf(r->where, sizeof(r->where), "%s", "");
	if (lt_rd_elems(r, root, "endpoints", s, &e) == -1)
		return -1;
	n = lt_elems_n(&e);
	/* the cap: memory for what is kept, not for what the file holds */
	d->eps =
	    calloc((n < LT_DOC_MAX_ENDPOINTS ? n : LT_DOC_MAX_ENDPOINTS) + 2,
	        sizeof(*d->eps));
	if (d->eps == NULL)
		return lt_err_set(r->err, LT_EXIT_RUNTIME, "out of memory");
	for (i = 0; i < n; i++) {
		json_t *ev = lt_elems_get(&e, i);
		int rc, is_other;

		if (ev == NULL)
			return 1; /* streamed syntax error: parse it whole */
		snprintf(r->where, sizeof(r->where), "endpoints[%zu]", i);
		rc = read_ep(r, ev, &tmp);
		json_decref(ev);
		if (rc == -1) {
			ep_fini(&tmp);
			return -1;
		}
		is_other = lt_fold_is_other(tmp.method, tmp.name);
		if (is_other && other >= 0) {
			rc = lt_fold_ep(&d->eps[other], &tmp); /* repeated */
			refold = 1;
		} else if (is_other || named < LT_DOC_MAX_ENDPOINTS) {
			if (is_other)
				other = (ptrdiff_t)d->n_eps;
			else
				named++;
			d->eps[d->n_eps++] = tmp;
			memset(&tmp, 0, sizeof(tmp)); /* now owned by d */
			continue;
		} else {
			if (other < 0) {
				other = (ptrdiff_t)d->n_eps++;
				rc = lt_fold_other_init(&d->eps[other]);
			}
			rc = rc ? rc : lt_fold_ep(&d->eps[other], &tmp);
			refold = 1;
			d->folded_endpoints++;
			d->other_endpoint_events =
			    lt_sat_add(d->other_endpoint_events, tmp.requests);
		}
		/* folded: the strings go, the histograms' storage stays */
		free(tmp.method);
		free(tmp.name);
		free(tmp.status);
		tmp.method = tmp.name = NULL;
		tmp.status = NULL;
		if (rc == -1) {
			ep_fini(&tmp);
			return lt_err_set(
			    r->err, LT_EXIT_RUNTIME, "out of memory");
		}
	}
	ep_fini(&tmp);
	if (refold)
		lt_fold_ep_stats(&d->eps[other], d->duration_s);
	if (d->folded_endpoints) {
		if (lt_docnames_build(kept, d->eps, d->n_eps) == -1)
			return lt_err_set(
			    r->err, LT_EXIT_RUNTIME, "out of memory");
		r->kept = kept;
	}
	snprintf(r->where, sizeof(r->where), "total");
	v = json_object_get(root, "total");
	if (v == NULL)
		return lt_rd_fail(r, NULL, "missing");
	return read_ep(r, v, &d->total);
}

static int
read_timeline(struct lt_rd *r, const json_t *root, const struct lt_elems *s,
    struct lt_aggdoc *d)
{
	struct lt_hist scratch;
	struct lt_elems e;
	size_t i, n;
	int rc = 0;

	snprintf(r->where, sizeof(r->where), "%s", "");
	if (lt_rd_elems(r, root, "timeline", s, &e) == -1)
		return -1;
	n = lt_elems_n(&e);
	d->timeline = calloc(n + 1, sizeof(*d->timeline));
	if (d->timeline == NULL || lt_hist_init(&scratch, LT_TL_SIG) == -1)
		return lt_err_set(r->err, LT_EXIT_RUNTIME, "out of memory");
	for (i = 0; i < n && rc == 0; i++) {
		json_t *v = lt_elems_get(&e, i);

		if (v == NULL) {
			rc = 1; /* streamed syntax error: parse it whole */
			break;
		}
		d->n_timeline = i + 1;
		snprintf(r->where, sizeof(r->where), "timeline[%zu]", i);
		rc = lt_rd_sec(r, v, &d->timeline[i], &scratch);
		json_decref(v);
	}
	lt_hist_fini(&scratch);
	return rc;
}

static int
read_failures(struct lt_rd *r, const json_t *root, struct lt_aggdoc *d)
{
	const json_t *a, *v;
	size_t i;

	snprintf(r->where, sizeof(r->where), "%s", "");
	a = lt_rd_array(r, root, "failures", 1);
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
			return lt_rd_fail(r, NULL, "expected an object");
		if (lt_rd_str(r, v, "method", &f->method, 1) ||
		    lt_rd_str(r, v, "name", &f->name, 1) ||
		    lt_rd_str(r, v, "error", &f->error, 1) ||
		    lt_rd_str(r, v, "example", &f->example, 0) ||
		    lt_rd_count(r, v, "occurrences", &f->occurrences, 1))
			return -1;
	}
	return 0;
}

static int
read_thresholds(struct lt_rd *r, const json_t *root, struct lt_aggdoc *d)
{
	const json_t *a, *v;
	size_t i;

	snprintf(r->where, sizeof(r->where), "%s", "");
	a = lt_rd_array(r, root, "thresholds", 0);
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
			return lt_rd_fail(r, NULL, "expected an object");
		if (lt_rd_str(r, v, "expr", &t->expr, 1) ||
		    lt_rd_str(r, v, "metric", &t->metric, 0) ||
		    lt_rd_str(r, v, "op", &t->op, 0) ||
		    lt_rd_str(r, v, "unit", &t->unit, 0) ||
		    lt_rd_str(r, v, "endpoint", &t->endpoint, 0) ||
		    lt_rd_str(r, v, "reason", &t->reason, 0) ||
		    lt_rd_dbl(r, v, "limit", &t->limit, LT_RD_ANY) ||
		    lt_rd_dbl(r, v, "value", &t->value, LT_RD_ANY))
			return -1;
		t->ok = json_is_true(json_object_get(v, "ok"));
		t->has_value = json_is_number(json_object_get(v, "value"));
	}
	return 0;
}

/*
 * Decodes root (and the streamed spans eps/tl when present) into d.
 * 0, -1 with err, or 1: a streamed element did not parse.
 */
static int
decode(struct lt_rd *r, const json_t *root, const struct lt_elems *eps,
    const struct lt_elems *tl, struct lt_aggdoc *d)
{
	struct lt_docnames kept = { 0 };
	int64_t ver;
	int rc;

	if (lt_rd_i64(r, root, "lt_aggregate", &ver, 1, 0) == -1 || ver != 1)
		return lt_err_set(r->err, LT_EXIT_USAGE,
		    "%s: not an lt aggregate of version 1", r->name);
	d->version = 1;
	rc = lt_rd_str(r, root, "lt_version", &d->lt_version, 0);
	rc = rc ? rc : read_run(r, root, d);
	rc = rc ? rc : read_input(r, root, d);
	rc = rc ? rc : read_eps(r, root, eps, d, &kept);
	rc = rc ? rc : read_timeline(r, root, tl, d);
	r->kept = NULL;
	lt_docnames_fini(&kept);
	rc = rc ? rc : read_failures(r, root, d);
	rc = rc ? rc : lt_aggcls_read(r, root, d);
	rc = rc ? rc : lt_aggchk_read(r, root, d);
	rc = rc ? rc : read_thresholds(r, root, d);
	if (rc == 0)
		d->baseline_json =
		    lt_rd_dump(json_object_get(root, "baseline"));
	if (rc == 0)
		d->llm_json = lt_rd_dump(json_object_get(root, "llm"));
	return rc;
}

/*
 * The streamed path: 0, or 1 to parse the text whole, which also makes
 * every error message the one the whole-document parse gives.
 */
static int
parse_streamed(
    struct lt_rd *r, const char *text, size_t len, struct lt_aggdoc *d)
{
	struct lt_elems eps = { 0 }, tl = { 0 };
	json_t *root = json_object();
	int rc = 1;

	if (root && lt_scan_doc(text, len, root, &eps, &tl) == 0)
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
	struct lt_rd r = { name, err, "" };

	memset(d, 0, sizeof(*d));
	if (parse_streamed(&r, text, len, d) == 0)
		return 0;
	return lt_aggdoc_parse_whole(d, text, len, name, err);
}

/*
 * Whether text starts with an lt event (lt-events(5)): a first line that
 * is one JSON object with a string "type" and a number "ts".  Said instead
 * of a parser error when the wrong kind of file is given.
 */
static int
is_event_stream(const char *text, size_t len)
{
	const char *nl = memchr(text, '\n', len);
	json_t *o = json_loadb(text, nl ? (size_t)(nl - text) : len, 0, NULL);
	int yes = json_is_object(o) &&
	    json_is_string(json_object_get(o, "type")) &&
	    json_is_number(json_object_get(o, "ts")) &&
	    json_object_get(o, "lt_aggregate") == NULL;

	json_decref(o);
	return yes;
}

static int
not_aggregate(const char *text, size_t len, const char *name,
    struct lt_err *err, const char *otherwise)
{
	if (is_event_stream(text, len))
		return lt_err_set(err, LT_EXIT_USAGE,
		    "%s: this is an event stream (lt-events(5)), not an "
		    "aggregate: pipe it through lt-agg",
		    name);
	return lt_err_set(err, LT_EXIT_USAGE, "%s", otherwise);
}

int
lt_aggdoc_parse_whole(struct lt_aggdoc *d, const char *text, size_t len,
    const char *name, struct lt_err *err)
{
	struct lt_rd r = { name, err, "" };
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
	if (root == NULL) {
		char msg[sizeof(err->msg)];

		snprintf(msg, sizeof(msg), "%s:%d:%d: %s", name, je.line,
		    je.column, je.text);
		return not_aggregate(text, len, name, err, msg);
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return lt_err_set(err, LT_EXIT_USAGE,
		    "%s: not an aggregate (expected an object)", name);
	}
	if (json_object_get(root, "lt_aggregate") == NULL &&
	    is_event_stream(text, len)) {
		json_decref(root);
		return not_aggregate(text, len, name, err, "");
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
	lt_aggcls_doc_fini(d);
	lt_aggchk_doc_fini(d);
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
