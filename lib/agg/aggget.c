/*
 * aggget.c - validated getters for aggregate members; see aggget.h.
 *
 * Every number read back is checked: integers within int64, times within
 * the microsecond range, doubles finite and within the member's range, so
 * that a document cannot carry a value lt-agg would never write
 * (duration_s -1e308) into a report or a merge.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg/aggget.h"

int
lt_rd_fail(struct lt_rd *r, const char *key, const char *what)
{
	return lt_err_set(r->err, LT_EXIT_USAGE, "%s: %s%s%s: %s", r->name,
	    r->where, *r->where && key ? "." : "", key ? key : "", what);
}

/* Integer member; absent/null gives def unless required. */
int
lt_rd_i64(struct lt_rd *r, const json_t *o, const char *k, int64_t *out,
    int required, int64_t def)
{
	const json_t *v = json_object_get(o, k);

	if (v == NULL || json_is_null(v)) {
		if (required)
			return lt_rd_fail(r, k, "missing");
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
	return lt_rd_fail(r, k, "expected an integer");
}

int
lt_rd_count(
    struct lt_rd *r, const json_t *o, const char *k, int64_t *out, int required)
{
	if (lt_rd_i64(r, o, k, out, required, 0) == -1)
		return -1;
	if (*out < 0)
		return lt_rd_fail(r, k, "must not be negative");
	return 0;
}

int
lt_rd_dbl(struct lt_rd *r, const json_t *o, const char *k, double *out,
    double lo, double hi)
{
	const json_t *v = json_object_get(o, k);
	char what[96];

	*out = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_number(v))
		return lt_rd_fail(r, k, "expected a number");
	*out = json_number_value(v);
	if (*out >= lo && *out <= hi)
		return 0;
	snprintf(
	    what, sizeof(what), "%.6g out of range [%.6g, %.6g]", *out, lo, hi);
	return lt_rd_fail(r, k, what);
}

int
lt_rd_ms(struct lt_rd *r, const json_t *o, const char *k, int64_t *out)
{
	if (lt_rd_scaled(r, o, k, 1e3, out, 0) == -1)
		return -1;
	if (*out < 0 || *out > LT_HIST_HIGHEST_US)
		return lt_rd_fail(
		    r, k, "out of range (a latency is 0 to 3600000 ms)");
	return 0;
}

int
lt_rd_scaled(struct lt_rd *r, const json_t *o, const char *k, double mul,
    int64_t *out, int64_t def)
{
	const json_t *v = json_object_get(o, k);
	double x;

	if (v == NULL || json_is_null(v)) {
		*out = def;
		return 0;
	}
	if (!json_is_number(v))
		return lt_rd_fail(r, k, "expected a number");
	x = json_number_value(v) * mul;
	if (!(fabs(x) < 9.2e18))
		return lt_rd_fail(r, k, "out of range");
	*out = llround(x);
	return 0;
}

int
lt_rd_str(
    struct lt_rd *r, const json_t *o, const char *k, char **out, int required)
{
	const json_t *v = json_object_get(o, k);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return required ? lt_rd_fail(r, k, "missing") : 0;
	if (!json_is_string(v))
		return lt_rd_fail(r, k, "expected a string");
	*out = strdup(json_string_value(v));
	if (*out == NULL)
		return lt_err_set(r->err, LT_EXIT_RUNTIME, "out of memory");
	return 0;
}

int
lt_rd_pcts(struct lt_rd *r, const json_t *o, const char *k, int64_t *out)
{
	const json_t *p = json_object_get(o, k);
	size_t at = strlen(r->where);
	int rc = 0;

	memset(out, 0, LT_PCT_N * sizeof(*out));
	if (p == NULL || json_is_null(p))
		return 0;
	if (!json_is_object(p))
		return lt_rd_fail(r, k, "expected an object");
	/* messages name the member inside: "total.percentiles_ms.95" */
	snprintf(
	    r->where + at, sizeof(r->where) - at, "%s%s", at ? "." : "", k);
	for (int i = 0; i < LT_PCT_N && rc == 0; i++)
		rc = lt_rd_ms(r, p, lt_pct_keys[i], &out[i]);
	r->where[at] = '\0';
	return rc;
}

/* A HIST member into h (initialised here with sig). */
int
lt_rd_hist(struct lt_rd *r, const json_t *o, const char *k, struct lt_hist *h,
    int sig, int required)
{
	const json_t *v = json_object_get(o, k);
	struct lt_err e;

	if (h->counts && h->sig == sig)
		lt_hist_reset(h); /* storage reused (aggread.c, folding) */
	else if (lt_hist_init(h, sig) == -1)
		return lt_err_set(r->err, LT_EXIT_RUNTIME, "out of memory");
	if (v == NULL || json_is_null(v))
		return required ? lt_rd_fail(r, k, "missing") : 0;
	if (lt_hist_add_json(h, v, &e) == -1)
		return lt_rd_fail(r, k, e.msg);
	return 0;
}

int
lt_rd_shist(struct lt_rd *r, const json_t *o, const char *k,
    struct lt_shist *sh, struct lt_hist *scratch)
{
	const json_t *v = json_object_get(o, k);
	struct lt_err e;

	lt_hist_reset(scratch);
	if (v == NULL || json_is_null(v))
		return 0;
	if (lt_hist_add_json(scratch, v, &e) == -1)
		return lt_rd_fail(r, k, e.msg);
	if (lt_shist_set(sh, scratch) == -1)
		return lt_err_set(r->err, LT_EXIT_RUNTIME, "out of memory");
	return 0;
}

char *
lt_rd_dump(const json_t *v)
{
	if (v == NULL || json_is_null(v))
		return NULL;
	return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

const json_t *
lt_rd_array(struct lt_rd *r, const json_t *o, const char *k, int required)
{
	const json_t *a = json_object_get(o, k);

	if ((a == NULL || json_is_null(a)) && !required)
		return NULL;
	if (!json_is_array(a)) {
		lt_rd_fail(r, k, a ? "expected an array" : "missing");
		return NULL;
	}
	return a;
}
