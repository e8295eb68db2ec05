/* baseline.c - regression check against an older aggregate; see baseline.h. */
#include <math.h>
#include <string.h>

#include "aggread.h"
#include "baseline.h"
#include "jsonw.h"

enum { M_P50, M_P95, M_P99, M_RPS, M_FAIL, M_N };
static const char *const m_key[M_N] = { "p50_ms", "p95_ms", "p99_ms", "rps",
	"fail_ratio" };

struct figures {
	double v[M_N];
};

static void
from_doc(const struct lt_doc_ep *e, struct figures *f)
{
	f->v[M_P50] = (double)lt_hist_percentile(&e->hist, 50) / 1000.0;
	f->v[M_P95] = (double)lt_hist_percentile(&e->hist, 95) / 1000.0;
	f->v[M_P99] = (double)lt_hist_percentile(&e->hist, 99) / 1000.0;
	f->v[M_RPS] = e->rps;
	f->v[M_FAIL] = e->requests ? (double)e->failures / e->requests : 0;
}

static void
from_agg(const struct lt_agg *agg, const struct lt_ep *ep, struct figures *f)
{
	struct lt_ep_stats st;

	lt_agg_stats(agg, ep, &st);
	f->v[M_P50] = (double)lt_hist_percentile(&ep->hist, 50) / 1000.0;
	f->v[M_P95] = (double)lt_hist_percentile(&ep->hist, 95) / 1000.0;
	f->v[M_P99] = (double)lt_hist_percentile(&ep->hist, 99) / 1000.0;
	f->v[M_RPS] = st.rps;
	f->v[M_FAIL] = st.fail_ratio;
}

static int
worse(int m, double old, double new, double t)
{
	if (m == M_RPS) /* old was written with 3 decimals: compare alike */
		return round(new * 1000) / 1000 < old * (1 - t);
	if (m == M_FAIL)
		return new - old > t *fmax(old, 0.01);
	return new > old *(1 + t) && new - old >= LT_BASELINE_FLOOR_MS;
}

/* Writes one comparison; returns whether anything regressed. */
static int
compare(struct lt_buf *b, const char *method, const char *name,
    const struct figures *o, const struct figures *n, double t, FILE *diag,
    int *rc)
{
	int any = 0;

	*rc |= lt_buf_adds(b, "{\"method\":") | lt_jsonw_cstr(b, method);
	*rc |= lt_buf_adds(b, ",\"name\":") | lt_jsonw_cstr(b, name);
	*rc |= lt_buf_adds(b, ",\"status\":\"compared\",\"metrics\":{");
	for (int m = 0; m < M_N; m++) {
		int r = worse(m, o->v[m], n->v[m], t);

		any |= r;
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
	struct figures o, n;
	int rc = 0, any = 0, first = 1;

	*regressed = 0;
	if (lt_aggdoc_load(&d, old_path, err) == -1)
		return -1;
	rc |= lt_buf_adds(json, "{\"file\":") | lt_jsonw_cstr(json, old_path);
	rc |= lt_buf_adds(json, ",\"tolerance\":") |
	    lt_jsonw_double(json, tolerance, 6);
	rc |= lt_buf_adds(json, ",\"total\":");
	from_doc(&d.total, &o);
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
		from_doc(old, &o);
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
