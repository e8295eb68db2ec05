/*
 * aggsec.c - reading a timeline second; see aggsec.h.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "agg/aggfold.h"
#include "agg/aggsec.h"

static void
sec_ep_fini(struct lt_doc_sec_ep *e)
{
	free(e->method);
	free(e->name);
	lt_shist_fini(&e->hist);
	memset(e, 0, sizeof(*e));
}

static int
read_sec_ep(struct lt_rd *r, const json_t *v, struct lt_doc_sec_ep *e,
    struct lt_hist *scratch)
{
	memset(e, 0, sizeof(*e));
	if (!json_is_object(v))
		return lt_rd_fail(r, "endpoints", "expected objects");
	if (lt_rd_str(r, v, "method", &e->method, 1) ||
	    lt_rd_str(r, v, "name", &e->name, 1) ||
	    lt_rd_count(r, v, "requests", &e->requests, 1) ||
	    lt_rd_count(r, v, "failures", &e->failures, 0) ||
	    lt_rd_ms(r, v, "p50_ms", &e->p50_us) ||
	    lt_rd_ms(r, v, "p95_ms", &e->p95_us) ||
	    lt_rd_ms(r, v, "p99_ms", &e->p99_us) ||
	    lt_rd_dbl(r, v, "mean_ms", &e->mean_us, LT_RD_LAT_MS) ||
	    lt_rd_shist(r, v, "hist", &e->hist, scratch))
		return -1;
	e->mean_us *= 1000.0;
	return 0;
}

/*
 * A second's endpoints.  When the document's endpoints were folded at the
 * cap (r->kept), a second's entry for a folded name folds into the
 * second's "(other)" the same way, through acc.
 */
static int
read_sec_eps(struct lt_rd *r, const json_t *o, struct lt_doc_sec *s,
    struct lt_hist *scratch)
{
	const json_t *eps = json_object_get(o, "endpoints"), *v;
	const char *key;
	size_t n, cap;
	ptrdiff_t other = -1;
	struct lt_hist acc = { 0 };
	int rc = 0;

	if (eps == NULL || json_is_null(eps))
		return 0;
	if (!json_is_object(eps))
		return lt_rd_fail(r, "endpoints", "expected an object");
	s->has_eps = 1;
	n = json_object_size(eps);
	cap = r->kept && n > r->kept->n ? r->kept->n + 1 : n;
	s->eps = calloc(cap + 1, sizeof(*s->eps));
	if (s->eps == NULL)
		return lt_err_set(r->err, LT_EXIT_RUNTIME, "out of memory");
	json_object_foreach((json_t *)eps, key, v)
	{
		struct lt_doc_sec_ep e;

		if (read_sec_ep(r, v, &e, scratch) == -1) {
			sec_ep_fini(&e);
			rc = -1;
			break;
		}
		if (r->kept && other >= 0 &&
		    lt_fold_is_other(e.method, e.name)) {
			/* the document's own "(other)" after folded ones */
			if (acc.counts == NULL &&
			    lt_hist_init(&acc, scratch->sig) == -1)
				rc = -1;
			else
				lt_fold_sec_ep(&s->eps[other], &e, &acc);
			sec_ep_fini(&e);
			if (rc == -1) {
				rc = lt_err_set(
				    r->err, LT_EXIT_RUNTIME, "out of memory");
				break;
			}
			continue;
		}
		if (r->kept == NULL || lt_fold_is_other(e.method, e.name) ||
		    lt_docnames_has(r->kept, e.method, e.name)) {
			if (r->kept && lt_fold_is_other(e.method, e.name))
				other = (ptrdiff_t)s->n_eps;
			if (s->n_eps < cap) {
				s->eps[s->n_eps++] = e;
				continue;
			}
			/* more entries than names kept: repeated keys */
			sec_ep_fini(&e);
			continue;
		}
		if (acc.counts == NULL &&
		    lt_hist_init(&acc, scratch->sig) == -1)
			rc = -1;
		if (rc == 0 && other < 0 && s->n_eps < cap) {
			other = (ptrdiff_t)s->n_eps++;
			s->eps[other].method = strdup("");
			s->eps[other].name = strdup("(other)");
			if (s->eps[other].method == NULL ||
			    s->eps[other].name == NULL)
				rc = -1;
		}
		if (rc == 0 && other >= 0)
			lt_fold_sec_ep(&s->eps[other], &e, &acc);
		sec_ep_fini(&e);
		if (rc == -1) {
			rc = lt_err_set(
			    r->err, LT_EXIT_RUNTIME, "out of memory");
			break;
		}
	}
	if (rc == 0 && acc.counts && other >= 0 &&
	    lt_fold_sec_ep_finish(&s->eps[other], &acc) == -1)
		rc = lt_err_set(r->err, LT_EXIT_RUNTIME, "out of memory");
	lt_hist_fini(&acc);
	return rc;
}

int
lt_rd_sec(struct lt_rd *r, const json_t *o, struct lt_doc_sec *s,
    struct lt_hist *scratch)
{
	if (!json_is_object(o))
		return lt_rd_fail(r, NULL, "expected an object");
	if (lt_rd_i64(r, o, "t", &s->t, 1, 0) ||
	    lt_rd_i64(r, o, "users", &s->users, 0, -1) ||
	    lt_rd_scaled(
	        r, o, "users_ts", 1e6, &s->users_ts_us, LT_DOC_TS_NONE) ||
	    lt_rd_count(r, o, "requests", &s->requests, 1) ||
	    lt_rd_count(r, o, "failures", &s->failures, 0) ||
	    lt_rd_count(r, o, "dropped", &s->dropped, 0) ||
	    lt_rd_count(r, o, "bytes", &s->bytes, 0) ||
	    lt_rd_count(r, o, "bytes_sent", &s->bytes_sent, 0) ||
	    lt_rd_ms(r, o, "p50_ms", &s->p50_us) ||
	    lt_rd_ms(r, o, "p95_ms", &s->p95_us) ||
	    lt_rd_ms(r, o, "p99_ms", &s->p99_us) ||
	    lt_rd_dbl(r, o, "mean_ms", &s->mean_us, LT_RD_LAT_MS) ||
	    lt_rd_shist(r, o, "hist", &s->hist, scratch))
		return -1;
	s->mean_us *= 1000.0;
	s->has_bytes = json_object_get(o, "bytes") != NULL;
	if (json_object_get(o, "co_hist")) {
		s->has_co = 1;
		if (lt_rd_ms(r, o, "co_p50_ms", &s->co_p50_us) ||
		    lt_rd_ms(r, o, "co_p95_ms", &s->co_p95_us) ||
		    lt_rd_ms(r, o, "co_p99_ms", &s->co_p99_us) ||
		    lt_rd_dbl(
		        r, o, "co_mean_ms", &s->co_mean_us, LT_RD_LAT_MS) ||
		    lt_rd_shist(r, o, "co_hist", &s->co_hist, scratch))
			return -1;
		s->co_mean_us *= 1000.0;
	}
	return read_sec_eps(r, o, s, scratch);
}
