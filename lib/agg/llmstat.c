/*
 * llmstat.c - streamed-answer statistics of lt-agg (see llmstat.h).
 *
 * Definitions (lt-aggregate(5)), per completed stream, as vLLM's
 * benchmark_serving computes them: TTFT = ttft_ms; e2e = e2e_ms (to the
 * last content event); ITL = each gap of itl_us, one sample per gap;
 * TPOT = (e2e - TTFT) / (output_tokens - 1), only when output_tokens > 1.
 * Goodput (DistServe, as vLLM's --goodput): completed streams whose TTFT,
 * TPOT and e2e meet every given SLO (a stream of one token has TPOT 0);
 * "goodput" is their share of all streams, "goodput_rps" their number
 * per second of the run.  Output tokens per second are counted in the
 * second each token arrived: request start (ts + wait_ms) + ttft + the
 * gaps before it; tokens a usage block reports beyond the content events
 * are counted with the last one.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "agg/llmstat.h"
#include "core/jsonw.h"

static const char *const hname[LT_LLM_NH] = { "ttft", "itl", "tpot", "e2e" };
static const char *const slo_name[3] = { "ttft", "tpot", "e2e" };

enum { M_PCT, M_MEAN, M_MEDIAN, M_MIN, M_MAX };
enum {
	M_TOKENS_PER_S = 100,
	M_GOODPUT,
	M_GOODPUT_RPS,
	M_OUT_TOKENS,
	M_STREAMS,
};

static int
nomem(struct lt_err *err)
{
	return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
}

static struct lt_llmagg *
get_agg(struct lt_llmagg **gp)
{
	if (*gp == NULL) {
		*gp = calloc(1, sizeof(**gp));
		if (*gp != NULL)
			for (int i = 0; i < 3; i++)
				(*gp)->slo_us[i] = -1;
	}
	return *gp;
}

static struct lt_llmep *
ep_new(void)
{
	struct lt_llmep *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return NULL;
	for (int i = 0; i < LT_LLM_NH; i++)
		if (lt_hist_init(&e->h[i], 3) == -1) {
			lt_llmstat_ep_free(e);
			return NULL;
		}
	return e;
}

void
lt_llmstat_ep_free(struct lt_llmep *e)
{
	if (e == NULL)
		return;
	for (int i = 0; i < LT_LLM_NH; i++)
		lt_hist_fini(&e->h[i]);
	free(e);
}

void
lt_llmstat_free(struct lt_llmagg *g)
{
	if (g == NULL)
		return;
	free(g->slo);
	free(g->secs);
	free(g);
}

int
lt_llmstat_add(struct lt_llmep **dst, const struct lt_llmep *src)
{
	struct lt_llmep *d;

	if (src == NULL)
		return 0;
	if (*dst == NULL)
		*dst = ep_new();
	d = *dst;
	if (d == NULL)
		return -1;
	d->streams = lt_sat_add(d->streams, src->streams);
	d->completed = lt_sat_add(d->completed, src->completed);
	d->out_tokens = lt_sat_add(d->out_tokens, src->out_tokens);
	d->in_tokens = lt_sat_add(d->in_tokens, src->in_tokens);
	d->good = lt_sat_add(d->good, src->good);
	for (int i = 0; i < LT_LLM_NH; i++)
		if (lt_hist_add(&d->h[i], &src->h[i]) == -1)
			return -1;
	return 0;
}

/* --- goodput spec ------------------------------------------------------ */

int
lt_llmstat_goodput(struct lt_llmagg **gp, const char *spec, struct lt_err *err)
{
	struct lt_llmagg *g = get_agg(gp);
	struct lt_buf norm;
	const char *p = spec;
	int k;

	if (g == NULL)
		return nomem(err);
	lt_buf_init(&norm, 256);
	while (*p != '\0') {
		char *end;
		double v;
		size_t n = 0;

		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		for (k = 0; k < 3; k++) {
			n = strlen(slo_name[k]);
			if (strncmp(p, slo_name[k], n) == 0 &&
			    (p[n] == '<' || p[n] == ' '))
				break;
		}
		if (k == 3 && strncmp(p, "e2el", 4) == 0 &&
		    (p[4] == '<' || p[4] == ' ')) {
			k = 2;
			n = 4;
		}
		if (k == 3)
			goto bad;
		p += n;
		while (*p == ' ')
			p++;
		if (*p != '<')
			goto bad;
		p++;
		g->slo_le[k] = *p == '=';
		if (*p == '=')
			p++;
		v = strtod(p, &end);
		if (end == p || v < 0)
			goto bad;
		p = end;
		if (strncmp(p, "ms", 2) == 0) {
			p += 2;
		} else if (strncmp(p, "us", 2) == 0) {
			v /= 1000.0;
			p += 2;
		} else if (*p == 's') {
			v *= 1000.0;
			p++;
		}
		while (*p == ' ')
			p++;
		if (*p != ',' && *p != '\0')
			goto bad;
		g->slo_us[k] = (int64_t)(v * 1000.0 + 0.5);
		g->has_slo = 1;
	}
	if (!g->has_slo)
		goto bad;
	for (k = 0; k < 3; k++) {
		if (g->slo_us[k] < 0)
			continue;
		lt_buf_printf(&norm, "%s%s%s%lld%s", norm.len ? "," : "",
		    slo_name[k], g->slo_le[k] ? "<=" : "<",
		    (long long)(g->slo_us[k] % 1000 ? g->slo_us[k]
		                                    : g->slo_us[k] / 1000),
		    g->slo_us[k] % 1000 ? "us" : "ms");
	}
	free(g->slo);
	g->slo = lt_buf_take(&norm);
	lt_buf_fini(&norm);
	return g->slo ? 0 : nomem(err);
bad:
	lt_buf_fini(&norm);
	return lt_err_set(err, LT_EXIT_USAGE,
	    "goodput '%s': col %d: expected ttft|tpot|e2e <[=] TIME[ms|s|us], "
	    "comma-separated",
	    spec, (int)(p - spec) + 1);
}

static int
meets(const struct lt_llmagg *g, int k, int64_t v)
{
	if (g->slo_us[k] < 0)
		return 1;
	return g->slo_le[k] ? v <= g->slo_us[k] : v < g->slo_us[k];
}

/* --- token timeline ---------------------------------------------------- */

static struct lt_llmsec *
sec_get(struct lt_llmagg *g, int64_t t)
{
	size_t i, mask;

	if (2 * (g->nsecs + 1) > g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 64;
		struct lt_llmsec *s = calloc(cap, sizeof(*s)), *old = g->secs;

		if (s == NULL)
			return NULL;
		for (i = 0; i < g->cap; i++) {
			size_t j;

			if (old[i].t == 0)
				continue;
			j = (size_t)old[i].t & (cap - 1);
			while (s[j].t != 0)
				j = (j + 1) & (cap - 1);
			s[j] = old[i];
		}
		free(old);
		g->secs = s;
		g->cap = cap;
	}
	mask = g->cap - 1;
	for (i = (size_t)t & mask; g->secs[i].t != 0; i = (i + 1) & mask)
		if (g->secs[i].t == t)
			return &g->secs[i];
	g->secs[i].t = t;
	g->nsecs++;
	return &g->secs[i];
}

static int
add_tokens(struct lt_llmagg *g, int64_t at_us, int64_t n)
{
	int64_t t =
	    at_us >= 0 ? at_us / 1000000 : -((-at_us + 999999) / 1000000);

	return lt_llmstat_add_tokens(g, t, n);
}

int
lt_llmstat_goodput_none(struct lt_llmagg **gp, struct lt_err *err)
{
	return get_agg(gp) ? 0 : nomem(err);
}

int
lt_llmstat_add_tokens(struct lt_llmagg *g, int64_t t, int64_t n)
{
	struct lt_llmsec *s;

	if (t == 0 || n <= 0)
		return 0;
	s = sec_get(g, t);
	if (s == NULL)
		return -1;
	s->tokens = lt_sat_add(s->tokens, n);
	return 0;
}

/* --- recording --------------------------------------------------------- */

/*
 * Next element of the raw array at *p (evscan checked its JSON syntax),
 * as whole microseconds (a fraction is rounded, a negative number is 0),
 * or -1 at its end.  An element that is not a number is skipped.
 */
static int64_t
next_gap(const char **p, const char *end)
{
	const char *s = *p;
	char *e;
	double v;

	for (;;) {
		while (s < end &&
		    (*s == '[' || *s == ',' || *s == ' ' || *s == '\t' ||
		        *s == '\r' || *s == '\n'))
			s++;
		if (s >= end || *s == ']')
			return -1;
		if (*s == '-' || isdigit((unsigned char)*s))
			break;
		while (s < end && *s != ',' && *s != ']') /* not a number */
			s++;
	}
	v = strtod(s, &e); /* stops at ',' or ']' at the latest */
	*p = e > s ? e : s + 1;
	if (!(v > 0))
		return 0;
	return v >= (double)LT_HIST_HIGHEST_US ? LT_HIST_HIGHEST_US
	                                       : (int64_t)(v + 0.5);
}

int
lt_llmstat_record(struct lt_llmagg **gp, struct lt_llmep **ep,
    const struct lt_event *ev, int failed, struct lt_err *err)
{
	struct lt_llmagg *g;
	struct lt_llmep *e;
	int64_t out = ev->output_tokens, ttft = ev->ttft_us, e2e = ev->e2e_us;
	int64_t tpot = 0, at, gap, content = 0;
	const char *p, *end;

	if (out == LT_EV_ABSENT)
		return 0;
	/* cut off by the end of the run: not a stream that failed */
	if (failed && ev->error.len >= 12 &&
	    memcmp(ev->error.ptr, "interrupted:", 12) == 0)
		return 0;
	g = get_agg(gp);
	if (g == NULL || (*ep == NULL && (*ep = ep_new()) == NULL))
		return nomem(err);
	e = *ep;
	e->streams++;
	if (failed || ttft == LT_EV_ABSENT || e2e == LT_EV_ABSENT)
		return 0;
	e->completed++;
	e->out_tokens = lt_sat_add(e->out_tokens, out > 0 ? out : 0);
	if (ev->input_tokens != LT_EV_ABSENT && ev->input_tokens > 0)
		e->in_tokens = lt_sat_add(e->in_tokens, ev->input_tokens);
	lt_hist_record(&e->h[LT_LLM_TTFT], ttft);
	lt_hist_record(&e->h[LT_LLM_E2E], e2e);
	if (out > 1) {
		tpot = (e2e - ttft) / (out - 1);
		lt_hist_record(&e->h[LT_LLM_TPOT], tpot);
	}
	if (meets(g, 0, ttft) && meets(g, 1, tpot) && meets(g, 2, e2e))
		e->good++;
	at = ev->ts_us +
	    (ev->wait_us != LT_EV_ABSENT && ev->wait_us > 0 ? ev->wait_us : 0) +
	    ttft;
	if (add_tokens(g, at, 1) == -1)
		return nomem(err);
	content = 1;
	if (ev->itl_us.ptr != NULL) {
		p = ev->itl_us.ptr;
		end = p + ev->itl_us.len;
		while ((gap = next_gap(&p, end)) >= 0) {
			lt_hist_record(&e->h[LT_LLM_ITL], gap);
			at += gap;
			if (add_tokens(g, at, 1) == -1)
				return nomem(err);
			content++;
		}
	}
	if (out > content && add_tokens(g, at, out - content) == -1)
		return nomem(err);
	return 0;
}

/* --- metrics ----------------------------------------------------------- */

size_t
lt_llmstat_metric(const char *s, int *which, double *pct)
{
	static const struct {
		const char *n;
		int w;
	} named[] = {
		{ "tokens_per_s", M_TOKENS_PER_S },
		{ "goodput_rps", M_GOODPUT_RPS },
		{ "goodput", M_GOODPUT },
		{ "output_tokens", M_OUT_TOKENS },
		{ "streams", M_STREAMS },
	};
	static const struct {
		const char *n;
		int w;
	} stat[] = { { "mean", M_MEAN }, { "avg", M_MEAN },
		{ "median", M_MEDIAN }, { "min", M_MIN }, { "max", M_MAX } };
	size_t i, n, k;

	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		n = strlen(named[i].n);
		if (strncmp(s, named[i].n, n) == 0 &&
		    !(isalnum((unsigned char)s[n]) || s[n] == '_')) {
			*which = named[i].w;
			return n;
		}
	}
	for (i = 0; i < LT_LLM_NH; i++) {
		n = strlen(hname[i]);
		if (strncmp(s, hname[i], n) != 0 || s[n] != '_')
			continue;
		s += n + 1;
		if (s[0] == 'p' &&
		    (isdigit((unsigned char)s[1]) || s[1] == '.')) {
			char *end;

			*pct = strtod(s + 1, &end);
			if (end == s + 1 || *pct <= 0 || *pct > 100)
				return 0;
			*which = (int)i * 16 + M_PCT;
			return n + 1 + (size_t)(end - s);
		}
		for (k = 0; k < sizeof(stat) / sizeof(stat[0]); k++) {
			size_t m = strlen(stat[k].n);

			if (strncmp(s, stat[k].n, m) == 0 &&
			    !isalnum((unsigned char)s[m])) {
				*which = (int)i * 16 + stat[k].w;
				return n + 1 + m;
			}
		}
		return 0;
	}
	return 0;
}

const char *
lt_llmstat_unit(int which)
{
	if (which < M_TOKENS_PER_S)
		return "ms";
	if (which == M_TOKENS_PER_S || which == M_GOODPUT_RPS)
		return "1/s";
	if (which == M_GOODPUT)
		return "ratio";
	return "";
}

double
lt_llmstat_ep_value(const struct lt_llmagg *g, double dur_s,
    const struct lt_llmep *e, int which, double pct, const char **reason)
{
	const struct lt_hist *h;

	*reason = NULL;
	if (!(dur_s > 0))
		dur_s = 0;
	if (e == NULL || e->streams == 0) {
		*reason = "no streams";
		return 0;
	}
	switch (which) {
	case M_TOKENS_PER_S:
		return dur_s > 0 ? (double)e->out_tokens / dur_s : 0;
	case M_GOODPUT:
		if (g == NULL || !g->has_slo) {
			*reason = "no goodput SLO (--goodput)";
			return 0;
		}
		return (double)e->good / (double)e->streams;
	case M_GOODPUT_RPS:
		if (g == NULL || !g->has_slo) {
			*reason = "no goodput SLO (--goodput)";
			return 0;
		}
		return dur_s > 0 ? (double)e->good / dur_s : 0;
	case M_OUT_TOKENS:
		return (double)e->out_tokens;
	case M_STREAMS:
		return (double)e->streams;
	default:
		break;
	}
	h = &e->h[(which / 16) % LT_LLM_NH];
	if (h->count == 0) {
		*reason = "no samples";
		return 0;
	}
	switch (which % 16) {
	case M_PCT:
		return (double)lt_hist_percentile(h, pct) / 1000.0;
	case M_MEAN:
		return lt_hist_mean_us(h) / 1000.0;
	case M_MEDIAN:
		return (double)lt_hist_percentile(h, 50) / 1000.0;
	case M_MIN:
		return (double)h->min / 1000.0;
	default:
		return (double)h->max / 1000.0;
	}
}
