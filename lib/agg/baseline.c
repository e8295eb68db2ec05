/* baseline.c - regression check against an older aggregate; see baseline.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "agg/aggread.h"
#include "agg/baseline.h"
#include "core/jsonw.h"

static const char *const m_key[LT_BL_N] = { "p50_ms", "p95_ms", "p99_ms", "rps",
	"fail_ratio" };

void
lt_baseline_figures(struct lt_bl_figures *f, int64_t requests, int64_t failures,
    double rps, const double pct_ms[LT_PCT_N])
{
	f->requests = requests;
	f->v[LT_BL_P50] = pct_ms[0]; /* lt_pct_list: 50, ..., 95, 98, 99 */
	f->v[LT_BL_P95] = pct_ms[5];
	f->v[LT_BL_P99] = pct_ms[7];
	f->v[LT_BL_RPS] = rps;
	f->v[LT_BL_FAIL] = requests > 0 ? (double)failures / requests : 0;
}

int
lt_baseline_verdict(enum lt_bl_metric m, double o, double n, double t)
{
	switch (m) {
	case LT_BL_RPS:
		if (n < o * (1 - t))
			return 1;
		return n > o * (1 + t) ? -1 : 0;
	case LT_BL_FAIL:
		if (n - o > LT_BASELINE_FLOOR_RATIO && n > o * (1 + t))
			return 1;
		return o - n > LT_BASELINE_FLOOR_RATIO && n < o * (1 - t) ? -1
		                                                          : 0;
	default:
		if (n - o >= LT_BASELINE_FLOOR_MS && n > o * (1 + t))
			return 1;
		return o - n >= LT_BASELINE_FLOOR_MS && n < o * (1 - t) ? -1
		                                                        : 0;
	}
}

int
lt_baseline_judge(const struct lt_bl_figures *o, const struct lt_bl_figures *n,
    double t, int verdict[LT_BL_N])
{
	int worse = 0;

	for (int m = 0; m < LT_BL_N; m++) {
		verdict[m] = o->requests > 0 && n->requests > 0
		    ? lt_baseline_verdict(m, o->v[m], n->v[m], t)
		    : 0;
		worse += verdict[m] > 0;
	}
	return worse;
}

int
lt_baseline_tolerance(const char *s, double *ratio)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || (*end != '\0' && strcmp(end, "%") != 0) ||
	    !isfinite(v) || !(v >= 0))
		return -1;
	*ratio = v / 100.0;
	return 0;
}

static void
ms_of(const int64_t *us, double *ms)
{
	for (int i = 0; i < LT_PCT_N; i++)
		ms[i] = (double)us[i] / 1000.0;
}

/* rps from the duration written to the microsecond, as lt-report does. */
static void
from_doc(const struct lt_doc_ep *e, double duration_s, struct lt_bl_figures *f)
{
	double ms[LT_PCT_N];

	ms_of(e->pct_us, ms);
	lt_baseline_figures(f, e->requests, e->failures,
	    duration_s > 0 ? (double)e->requests / duration_s : e->rps, ms);
}

static void
from_agg(
    const struct lt_agg *agg, const struct lt_ep *ep, struct lt_bl_figures *f)
{
	struct lt_ep_stats st;
	double ms[LT_PCT_N];

	lt_agg_stats(agg, ep, &st);
	ms_of(st.pct_us, ms);
	lt_baseline_figures(f, st.requests, st.failures, st.rps, ms);
}

/* Writes one comparison; returns whether anything regressed. */
static int
compare(struct lt_buf *b, const char *method, const char *name,
    const struct lt_bl_figures *o, const struct lt_bl_figures *n, double t,
    FILE *diag, int *rc)
{
	int verdict[LT_BL_N];
	int any = lt_baseline_judge(o, n, t, verdict) > 0;

	*rc |= lt_buf_adds(b, "{\"method\":") | lt_jsonw_cstr(b, method);
	*rc |= lt_buf_adds(b, ",\"name\":") | lt_jsonw_cstr(b, name);
	*rc |= lt_buf_adds(b, ",\"status\":\"compared\",\"metrics\":{");
	for (int m = 0; m < LT_BL_N; m++) {
		int r = verdict[m] > 0;

		*rc |=
		    lt_buf_adds(b, m ? ",\"" : "\"") | lt_buf_adds(b, m_key[m]);
		*rc |= lt_buf_adds(b, "\":{\"old\":") |
		    lt_jsonw_double(b, o->v[m], 6);
		*rc |= lt_buf_adds(b, ",\"new\":") |
		    lt_jsonw_double(b, n->v[m], 6);
		*rc |= lt_buf_adds(b, ",\"delta_pct\":");
		*rc |= o->v[m] != 0
		    ? lt_jsonw_double(b, (n->v[m] - o->v[m]) / o->v[m] * 100, 3)
		    : lt_jsonw_null(b);
		*rc |= lt_buf_adds(b, ",\"regressed\":") | lt_jsonw_bool(b, r);
		*rc |= lt_buf_adds(b, "}");
		if (r && diag)
			fprintf(diag,
			    "lt-agg: baseline: REGRESSED %s%s%s %s: %.6g -> "
			    "%.6g\n",
			    method, *method ? " " : "", name, m_key[m], o->v[m],
			    n->v[m]);
	}
	*rc |= lt_buf_adds(b, "},\"regressed\":") | lt_jsonw_bool(b, any);
	*rc |= lt_buf_adds(b, "}");
	return any;
}

static void
one_side(struct lt_buf *b, const char *method, const char *name,
    const char *status, int *rc)
{
	*rc |= lt_buf_adds(b, "{\"method\":") | lt_jsonw_cstr(b, method);
	*rc |= lt_buf_adds(b, ",\"name\":") | lt_jsonw_cstr(b, name);
	*rc |= lt_buf_adds(b, ",\"status\":") | lt_jsonw_cstr(b, status);
	*rc |= lt_buf_adds(b, ",\"metrics\":null,\"regressed\":false}");
}

int
lt_baseline_compare(const struct lt_agg *agg, const char *old_path,
    double tolerance, struct lt_buf *json, int *regressed, FILE *diag,
    struct lt_err *err)
{
	struct lt_aggdoc d;
	struct lt_bl_figures o, n;
	int rc = 0, any = 0, first = 1;

	*regressed = 0;
	if (lt_aggdoc_load(&d, old_path, err) == -1)
		return -1;
	rc |= lt_buf_adds(json, "{\"file\":") | lt_jsonw_cstr(json, old_path);
	rc |= lt_buf_adds(json, ",\"tolerance\":") |
	    lt_jsonw_double(json, tolerance, 6);
	rc |= lt_buf_adds(json, ",\"total\":");
	from_doc(&d.total, d.duration_s, &o);
	from_agg(agg, &agg->total, &n);
	any |= compare(json, "", "Aggregated", &o, &n, tolerance, diag, &rc);
	rc |= lt_buf_adds(json, ",\"endpoints\":[");
	for (size_t i = 0; i < agg->n_eps; i++) {
		const struct lt_ep *ep = agg->eps[i];
		const struct lt_doc_ep *old =
		    lt_aggdoc_find(&d, ep->key.p[0], ep->key.p[1]);

		rc |= lt_buf_adds(json, first ? "\n" : ",\n");
		first = 0;
		if (old == NULL) {
			one_side(json, ep->key.p[0], ep->key.p[1], "new", &rc);
			continue;
		}
		from_doc(old, d.duration_s, &o);
		from_agg(agg, ep, &n);
		any |= compare(json, ep->key.p[0], ep->key.p[1], &o, &n,
		    tolerance, diag, &rc);
	}
	for (size_t i = 0; i < d.n_eps; i++) {
		int found = 0;

		for (size_t j = 0; j < agg->n_eps && !found; j++)
			found = strcmp(agg->eps[j]->key.p[0],
			            d.eps[i].method) == 0 &&
			    strcmp(agg->eps[j]->key.p[1], d.eps[i].name) == 0;
		if (found)
			continue;
		rc |= lt_buf_adds(json, first ? "\n" : ",\n");
		first = 0;
		one_side(json, d.eps[i].method, d.eps[i].name, "gone", &rc);
	}
	rc |= lt_buf_adds(json, "],\"regressed\":") | lt_jsonw_bool(json, any);
	rc |= lt_buf_adds(json, "}");
	if (diag)
		fprintf(diag, "lt-agg: baseline %s: %s (tolerance %g%%)\n",
		    old_path, any ? "REGRESSED" : "no regression",
		    tolerance * 100);
	lt_aggdoc_fini(&d);
	*regressed = any;
	if (rc)
		return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	return 0;
}
