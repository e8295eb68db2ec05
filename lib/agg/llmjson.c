/*
 * llmjson.c - the "llm" object of the aggregate (lt-aggregate(5)):
 * writing it from the aggregator and merging it back (lt-agg --merge).
 * Histograms use the aggregate's HIST encoding, so merging is exact.
 * Also the other uses of llmstat that need the whole aggregate: the text
 * summary and a threshold's value (llmjson.h).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "agg/llmjson.h"
#include "core/jsonw.h"

static const char *const hname[LT_LLM_NH] = { "ttft", "itl", "tpot", "e2e" };

static int
w_ms(struct lt_buf *b, const char *k, double us)
{
	return lt_buf_printf(b, ",\"%s\":", k) |
	    lt_jsonw_fixed(b, (int64_t)(us + (us >= 0 ? 0.5 : -0.5)), 3);
}

static int
w_hist(struct lt_buf *b, const char *name, const struct lt_hist *h)
{
	int64_t pct[LT_PCT_N];
	int rc = 0;

	lt_hist_percentiles(h, lt_pct_list, LT_PCT_N, pct);
	rc |= lt_buf_printf(b, ",\"%s\":{\"count\":", name);
	rc |= lt_jsonw_i64(b, h->count);
	rc |= w_ms(b, "mean_ms", lt_hist_mean_us(h));
	rc |= w_ms(b, "min_ms", (double)(h->count ? h->min : 0));
	rc |= w_ms(b, "max_ms", (double)(h->count ? h->max : 0));
	rc |= lt_buf_adds(b, ",\"percentiles_ms\":{");
	for (int i = 0; i < LT_PCT_N; i++) {
		rc |=
		    lt_buf_printf(b, "%s\"%s\":", i ? "," : "", lt_pct_keys[i]);
		rc |= lt_jsonw_fixed(b, pct[i], 3);
	}
	rc |= lt_buf_adds(b, "},\"hist\":");
	rc |= lt_hist_write_json(h, b);
	return rc | lt_buf_addc(b, '}');
}

static int
w_ep(const struct lt_agg *agg, const struct lt_llmep *e, struct lt_buf *b)
{
	const struct lt_llmagg *g = agg->llm;
	double d = lt_agg_duration_s(agg);
	int rc = 0;

	rc |= lt_buf_adds(b, "\"streams\":") | lt_jsonw_i64(b, e->streams);
	rc |= lt_buf_adds(b, ",\"completed\":") | lt_jsonw_i64(b, e->completed);
	rc |= lt_buf_adds(b, ",\"output_tokens\":") |
	    lt_jsonw_i64(b, e->out_tokens);
	rc |= lt_buf_adds(b, ",\"input_tokens\":") |
	    lt_jsonw_i64(b, e->in_tokens);
	rc |= lt_buf_adds(b, ",\"requests_per_s\":") |
	    lt_jsonw_double(b, d > 0 ? (double)e->completed / d : 0, 3);
	rc |= lt_buf_adds(b, ",\"output_tokens_per_s\":") |
	    lt_jsonw_double(b, d > 0 ? (double)e->out_tokens / d : 0, 3);
	if (g != NULL && g->has_slo) {
		rc |= lt_buf_adds(b, ",\"good\":") | lt_jsonw_i64(b, e->good);
		rc |= lt_buf_adds(b, ",\"goodput\":") |
		    lt_jsonw_double(b,
		        e->streams ? (double)e->good / (double)e->streams : 0,
		        6);
		rc |= lt_buf_adds(b, ",\"goodput_rps\":") |
		    lt_jsonw_double(b, d > 0 ? (double)e->good / d : 0, 3);
	}
	for (int i = 0; i < LT_LLM_NH; i++)
		rc |= w_hist(b, hname[i], &e->h[i]);
	return rc;
}

static int
cmp_sec(const void *a, const void *b)
{
	const struct lt_llmsec *x = a, *y = b;

	return (x->t > y->t) - (x->t < y->t);
}

static int
w_timeline(const struct lt_llmagg *g, struct lt_buf *b)
{
	struct lt_llmsec *s = NULL;
	size_t n = 0, i;
	int rc = 0;

	if (g->nsecs > 0) {
		s = malloc(g->nsecs * sizeof(*s));
		if (s == NULL)
			return -1;
		for (i = 0; i < g->cap; i++)
			if (g->secs[i].t != 0)
				s[n++] = g->secs[i];
		qsort(s, n, sizeof(*s), cmp_sec);
	}
	rc |= lt_buf_adds(b, ",\"timeline\":[");
	for (i = 0; i < n; i++) {
		rc |= lt_buf_adds(b, i ? ",\n{\"t\":" : "\n{\"t\":");
		rc |= lt_jsonw_i64(b, s[i].t);
		rc |= lt_buf_adds(b, ",\"output_tokens\":");
		rc |= lt_jsonw_i64(b, s[i].tokens);
		rc |= lt_buf_addc(b, '}');
	}
	free(s);
	return rc | lt_buf_addc(b, ']');
}

int
lt_llmstat_write(const struct lt_agg *agg, struct lt_buf *b)
{
	const struct lt_llmagg *g = agg->llm;
	int rc = 0, first = 1;

	if (g == NULL || agg->total.llm == NULL)
		return 0;
	rc |= lt_buf_adds(b, "\"llm\":{\"goodput_slo\":");
	rc |= g->has_slo ? lt_jsonw_cstr(b, g->slo) : lt_jsonw_null(b);
	rc |= lt_buf_adds(b, ",\n\"total\":{");
	rc |= w_ep(agg, agg->total.llm, b);
	rc |= lt_buf_adds(b, "},\n\"endpoints\":[");
	for (size_t i = 0; i < agg->n_eps; i++) {
		const struct lt_ep *ep = agg->eps[i];

		if (ep->llm == NULL)
			continue;
		rc |= lt_buf_adds(
		    b, first ? "\n{\"method\":" : ",\n{\"method\":");
		first = 0;
		rc |= lt_jsonw_str(b, ep->key.p[0], ep->key.n[0]);
		rc |= lt_buf_adds(b, ",\"name\":");
		rc |= lt_jsonw_str(b, ep->key.p[1], ep->key.n[1]);
		rc |= lt_buf_addc(b, ',');
		rc |= w_ep(agg, ep->llm, b);
		rc |= lt_buf_addc(b, '}');
	}
	rc |= lt_buf_addc(b, ']');
	rc |= w_timeline(g, b);
	return rc | lt_buf_adds(b, "},\n");
}

int
lt_llmstat_write_text(const struct lt_agg *agg, struct lt_buf *b)
{
	const struct lt_llmep *e = agg->total.llm;
	double d = lt_agg_duration_s(agg);
	int rc = 0;

	if (agg->llm == NULL || e == NULL)
		return 0;
	rc |= lt_buf_printf(b,
	    "\nStreams: %lld, completed %lld, output tokens %lld, "
	    "input tokens %lld\n",
	    (long long)e->streams, (long long)e->completed,
	    (long long)e->out_tokens, (long long)e->in_tokens);
	rc |= lt_buf_printf(b, "Streams/s %.2f, output tokens/s %.1f\n",
	    d > 0 ? (double)e->completed / d : 0,
	    d > 0 ? (double)e->out_tokens / d : 0);
	if (agg->llm->has_slo)
		rc |= lt_buf_printf(b,
		    "Goodput (%s): %lld good, %.1f%%, %.2f/s\n", agg->llm->slo,
		    (long long)e->good,
		    e->streams ? 100.0 * (double)e->good / (double)e->streams
		               : 0,
		    d > 0 ? (double)e->good / d : 0);
	rc |= lt_buf_printf(b, "%-6s %8s %9s %9s %9s %9s %9s\n", "(ms)",
	    "samples", "mean", "median", "p90", "p99", "max");
	for (int i = 0; i < LT_LLM_NH; i++) {
		const struct lt_hist *h = &e->h[i];

		rc |= lt_buf_printf(b,
		    "%-6s %8lld %9.2f %9.2f %9.2f %9.2f %9.2f\n", hname[i],
		    (long long)h->count, lt_hist_mean_us(h) / 1000.0,
		    (double)lt_hist_percentile(h, 50) / 1000.0,
		    (double)lt_hist_percentile(h, 90) / 1000.0,
		    (double)lt_hist_percentile(h, 99) / 1000.0,
		    (double)(h->count ? h->max : 0) / 1000.0);
	}
	return rc;
}

/* --- merge ------------------------------------------------------------- */

static int
bad(struct lt_err *err, const char *name, const char *what)
{
	return lt_err_set(err, LT_EXIT_USAGE, "%s: llm: %s", name, what);
}

static int64_t
count(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	return json_is_integer(v) && json_integer_value(v) > 0
	    ? (int64_t)json_integer_value(v)
	    : 0;
}

static int
merge_ep(
    struct lt_agg *agg, const json_t *o, const char *name, struct lt_err *err)
{
	const json_t *m = json_object_get(o, "method"),
	             *n = json_object_get(o, "name");
	struct lt_llmep add;
	struct lt_ep *ep;
	int rc = 0;

	if (!json_is_string(m) || !json_is_string(n))
		return bad(err, name, "endpoint without method or name");
	ep = lt_agg_ep(agg, json_string_value(m), json_string_length(m),
	    json_string_value(n), json_string_length(n));
	if (ep == NULL)
		return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	memset(&add, 0, sizeof(add));
	add.streams = count(o, "streams");
	add.completed = count(o, "completed");
	add.out_tokens = count(o, "output_tokens");
	add.in_tokens = count(o, "input_tokens");
	add.good = count(o, "good");
	for (int i = 0; i < LT_LLM_NH && rc == 0; i++) {
		const json_t *h =
		    json_object_get(json_object_get(o, hname[i]), "hist");

		rc = lt_hist_init(&add.h[i], 3);
		if (rc == 0 && h != NULL)
			rc = lt_hist_add_json(&add.h[i], h, err);
	}
	if (rc == 0 && lt_llmstat_add(&ep->llm, &add) == -1)
		rc = lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	for (int i = 0; i < LT_LLM_NH; i++)
		lt_hist_fini(&add.h[i]);
	if (rc != 0 && err->code == LT_EXIT_USAGE && err->msg[0] != '\0' &&
	    strncmp(err->msg, name, strlen(name)) != 0) {
		char tmp[sizeof(err->msg)];

		snprintf(tmp, sizeof(tmp), "%s", err->msg);
		lt_err_set(err, LT_EXIT_USAGE, "%s: llm: %s", name, tmp);
	}
	return rc;
}

int
lt_llmstat_merge(
    struct lt_agg *agg, const char *text, const char *name, struct lt_err *err)
{
	json_t *root, *v, *a;
	struct lt_llmagg *g;
	size_t i;
	int rc = 0;

	if (text == NULL)
		return 0;
	root = json_loads(text, 0, NULL);
	if (!json_is_object(root)) {
		json_decref(root);
		return bad(err, name, "expected an object");
	}
	v = json_object_get(root, "goodput_slo");
	g = agg->llm;
	if (json_is_string(v)) {
		if (g != NULL && g->has_slo &&
		    strcmp(g->slo, json_string_value(v)) != 0)
			rc = bad(err, name,
			    "goodput SLO differs from the other aggregates' "
			    "(or --goodput)");
		else if (g != NULL && !g->has_slo && g->merged > 0)
			rc = bad(err, name,
			    "goodput SLO given here but not in the "
			    "aggregates before");
		else if (g == NULL || !g->has_slo)
			rc = lt_llmstat_goodput(
			    &agg->llm, json_string_value(v), err);
	} else if (g != NULL && g->has_slo) {
		rc = bad(err, name,
		    "no goodput SLO, unlike the other aggregates (or "
		    "--goodput): its good streams are unknown");
	}
	a = json_object_get(root, "endpoints");
	json_array_foreach(a, i, v)
	{
		if (rc == 0)
			rc = merge_ep(agg, v, name, err);
	}
	a = json_object_get(root, "timeline");
	g = agg->llm;
	if (rc == 0 && g == NULL)
		rc = lt_llmstat_goodput_none(&agg->llm, err);
	g = agg->llm;
	json_array_foreach(a, i, v)
	{
		int64_t t = json_integer_value(json_object_get(v, "t"));
		int64_t n = count(v, "output_tokens");

		if (rc == 0 && lt_llmstat_add_tokens(g, t, n) == -1)
			rc = lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	}
	if (rc == 0)
		g->merged++;
	json_decref(root);
	return rc;
}

double
lt_llmstat_value(const struct lt_agg *agg, const struct lt_llmep *e, int which,
    double pct, const char **reason)
{
	return lt_llmstat_ep_value(
	    agg->llm, lt_agg_duration_s(agg), e, which, pct, reason);
}
