/*
 * hist.c - log-linear histograms; see hist.h.
 *
 * The index maths follows HdrHistogram_c (apis.md section 6.2) with the
 * unit magnitude fixed at 0 (1 us): bucket 0 holds 0..2*half-1 one by one,
 * bucket b >= 1 holds [half << b, 2*half << b) in half slots of width 2^b.
 * Percentiles walk only the slots between index(min) and index(max), which
 * also bounds reset and sparse conversion for the small per-second
 * histograms of a timeline.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/hist.h"
#include "core/jsonw.h"

const double lt_pct_list[LT_PCT_N] = { 50, 66, 75, 80, 90, 95, 98, 99, 99.9,
	99.99, 100 };
const char *const lt_pct_keys[LT_PCT_N] = { "50", "66", "75", "80", "90", "95",
	"98", "99", "99.9", "99.99", "100" };

#define SH_SHIFT 48
#define SH_MASK  ((UINT64_C(1) << SH_SHIFT) - 1)

int
lt_hist_init(struct lt_hist *h, int sig)
{
	int64_t largest, sbc;
	int mag, buckets;

	memset(h, 0, sizeof(*h));
	if (sig < 1 || sig > 5)
		return -1;
	largest = 2;
	for (int i = 0; i < sig; i++)
		largest *= 10;
	mag = 0;
	while ((INT64_C(1) << mag) < largest)
		mag++;
	h->sig = sig;
	h->hcm = mag - 1;
	sbc = INT64_C(1) << mag;
	h->half = sbc / 2;
	h->mask = sbc - 1;
	buckets = 1;
	while ((sbc << (buckets - 1)) <= LT_HIST_HIGHEST_US)
		buckets++;
	h->counts_len = (size_t)(buckets + 1) * (size_t)h->half;
	h->counts = calloc(h->counts_len, sizeof(*h->counts));
	if (h->counts == NULL)
		return -1;
	return 0;
}

void
lt_hist_fini(struct lt_hist *h)
{
	free(h->counts);
	h->counts = NULL;
}

void
lt_hist_reset(struct lt_hist *h)
{
	if (h->count > 0) {
		size_t lo = lt_hist_index(h, h->min);
		size_t hi = lt_hist_index(h, h->max);

		memset(h->counts + lo, 0, (hi - lo + 1) * sizeof(*h->counts));
	}
	h->count = h->min = h->max = h->sum = h->overflow = 0;
}

int64_t
lt_hist_value_at(const struct lt_hist *h, size_t i)
{
	int64_t b = (int64_t)(i >> h->hcm) - 1;
	int64_t s = (int64_t)(i & (size_t)(h->half - 1)) + h->half;

	if (b < 0) {
		s -= h->half;
		b = 0;
	}
	return s << b;
}

/* Width of the slot that v falls in. */
static int64_t
range_size(const struct lt_hist *h, int64_t v)
{
	int pow2ceil = 64 - __builtin_clzll((uint64_t)(v | h->mask));
	int bucket = pow2ceil - (h->hcm + 1);

	return INT64_C(1) << bucket;
}

int64_t
lt_hist_lowest_equiv(const struct lt_hist *h, int64_t v)
{
	return lt_hist_value_at(h, lt_hist_index(h, v));
}

int64_t
lt_hist_highest_equiv(const struct lt_hist *h, int64_t v)
{
	return lt_hist_lowest_equiv(h, v) + range_size(h, v) - 1;
}

/* Merges the scalar fields of a histogram of count n into h. */
static void
add_fields(struct lt_hist *h, int64_t n, int64_t min, int64_t max, int64_t sum,
    int64_t overflow)
{
	if (n == 0)
		return;
	if (h->count == 0 || min < h->min)
		h->min = min;
	if (h->count == 0 || max > h->max)
		h->max = max;
	h->count = lt_sat_add(h->count, n);
	h->sum = lt_sat_add(h->sum, sum);
	h->overflow = lt_sat_add(h->overflow, overflow);
}

int
lt_hist_add(struct lt_hist *dst, const struct lt_hist *src)
{
	size_t lo, hi;

	if (dst->sig != src->sig)
		return -1;
	if (src->count == 0)
		return 0;
	lo = lt_hist_index(src, src->min);
	hi = lt_hist_index(src, src->max);
	for (size_t i = lo; i <= hi; i++)
		dst->counts[i] = lt_sat_add(dst->counts[i], src->counts[i]);
	add_fields(
	    dst, src->count, src->min, src->max, src->sum, src->overflow);
	return 0;
}

/* Rank (1-based) of percentile pct among count values, by integer maths. */
static int64_t
rank_of(double pct, int64_t count)
{
	/* pct in millionths of one, so 99.99 % is exact */
	unsigned __int128 m = (unsigned __int128)llround(pct * 10000.0);
	unsigned __int128 r = (m * (unsigned __int128)count + 500000) / 1000000;

	if (r < 1)
		r = 1;
	if (r > (unsigned __int128)count)
		r = (unsigned __int128)count;
	return (int64_t)r;
}

static int64_t
clamp(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void
lt_hist_percentiles(
    const struct lt_hist *h, const double *pcts, size_t n, int64_t *out_us)
{
	size_t i, hi, k = 0;
	int64_t acc = 0;

	if (h->count == 0) {
		memset(out_us, 0, n * sizeof(*out_us));
		return;
	}
	i = lt_hist_index(h, h->min);
	hi = lt_hist_index(h, h->max);
	for (; i <= hi && k < n; i++) {
		acc = lt_sat_add(acc, h->counts[i]);
		while (k < n && acc >= rank_of(pcts[k], h->count)) {
			int64_t v = lt_hist_value_at(h, i);

			out_us[k++] =
			    clamp(lt_hist_highest_equiv(h, v), h->min, h->max);
		}
	}
	for (; k < n; k++)
		out_us[k] = h->max;
}

int64_t
lt_hist_percentile(const struct lt_hist *h, double pct)
{
	int64_t v;

	lt_hist_percentiles(h, &pct, 1, &v);
	return v;
}

double
lt_hist_mean_us(const struct lt_hist *h)
{
	return h->count ? (double)h->sum / (double)h->count : 0.0;
}

int
lt_hist_write_json(const struct lt_hist *h, struct lt_buf *b)
{
	int rc = 0, first = 1;

	rc |= lt_buf_adds(b, "{\"count\":");
	rc |= lt_jsonw_i64(b, h->count);
	rc |= lt_buf_adds(b, ",\"min_us\":");
	rc |= lt_jsonw_i64(b, h->min);
	rc |= lt_buf_adds(b, ",\"max_us\":");
	rc |= lt_jsonw_i64(b, h->max);
	rc |= lt_buf_adds(b, ",\"sum_us\":");
	rc |= lt_jsonw_i64(b, h->sum);
	rc |= lt_buf_adds(b, ",\"overflow\":");
	rc |= lt_jsonw_i64(b, h->overflow);
	rc |= lt_buf_adds(b, ",\"counts\":[");
	if (h->count > 0) {
		size_t hi = lt_hist_index(h, h->max);

		for (size_t i = lt_hist_index(h, h->min); i <= hi; i++) {
			if (h->counts[i] == 0)
				continue;
			if (!first)
				rc |= lt_buf_addc(b, ',');
			first = 0;
			rc |= lt_buf_addc(b, '[');
			rc |= lt_jsonw_u64(b, i);
			rc |= lt_buf_addc(b, ',');
			rc |= lt_jsonw_i64(b, h->counts[i]);
			rc |= lt_buf_addc(b, ']');
		}
	}
	rc |= lt_buf_adds(b, "]}");
	return rc ? -1 : 0;
}

/* Reads a non-negative integer member; -1 with err when missing or bad. */
static int
get_count(const json_t *obj, const char *key, int64_t *out, struct lt_err *err)
{
	const json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return lt_err_set(err, LT_EXIT_USAGE,
		    "\"%s\" must be a non-negative integer", key);
	*out = json_integer_value(v);
	return 0;
}

int
lt_hist_add_json(struct lt_hist *h, const void *obj_v, struct lt_err *err)
{
	const json_t *obj = obj_v, *counts, *pair;
	int64_t count, min, max, sum, overflow, total = 0;
	int64_t prev = -1, lo_ok, hi_ok;
	size_t i;

	if (!json_is_object(obj))
		return lt_err_set(err, LT_EXIT_USAGE, "not an object");
	if (get_count(obj, "count", &count, err) ||
	    get_count(obj, "min_us", &min, err) ||
	    get_count(obj, "max_us", &max, err) ||
	    get_count(obj, "sum_us", &sum, err) ||
	    get_count(obj, "overflow", &overflow, err))
		return -1;
	counts = json_object_get(obj, "counts");
	if (!json_is_array(counts))
		return lt_err_set(
		    err, LT_EXIT_USAGE, "\"counts\" must be an array");
	if (count > 0 && (min > max || max > LT_HIST_HIGHEST_US))
		return lt_err_set(
		    err, LT_EXIT_USAGE, "min_us/max_us out of range");
	if (overflow > count)
		return lt_err_set(err, LT_EXIT_USAGE, "overflow exceeds count");
	lo_ok = count > 0 ? (int64_t)lt_hist_index(h, min) : 0;
	hi_ok = count > 0 ? (int64_t)lt_hist_index(h, max) : -1;
	json_array_foreach(counts, i, pair)
	{
		const json_t *ji = json_array_get(pair, 0);
		const json_t *jn = json_array_get(pair, 1);
		int64_t idx, n;

		if (json_array_size(pair) != 2 || !json_is_integer(ji) ||
		    !json_is_integer(jn))
			return lt_err_set(err, LT_EXIT_USAGE,
			    "counts[%zu] is not [index, count]", i);
		idx = json_integer_value(ji);
		n = json_integer_value(jn);
		if (idx <= prev || idx < lo_ok || idx > hi_ok)
			return lt_err_set(err, LT_EXIT_USAGE,
			    "counts[%zu]: index %lld out of order or "
			    "outside min_us..max_us",
			    i, (long long)idx);
		if (n <= 0 || n > INT64_MAX - total)
			return lt_err_set(
			    err, LT_EXIT_USAGE, "counts[%zu]: bad count", i);
		total += n;
		prev = idx;
	}
	if (total != count)
		return lt_err_set(err, LT_EXIT_USAGE,
		    "counts add up to %lld, not count %lld", (long long)total,
		    (long long)count);
	if (count > 0 &&
	    (lt_hist_index(h, min) !=
	            (size_t)json_integer_value(
	                json_array_get(json_array_get(counts, 0), 0)) ||
	        lt_hist_index(h, max) != (size_t)prev))
		return lt_err_set(err, LT_EXIT_USAGE,
		    "min_us/max_us do not match the counts");
	json_array_foreach(counts, i, pair)
	{
		{
			int64_t *c = &h->counts[json_integer_value(
			    json_array_get(pair, 0))];

			*c = lt_sat_add(
			    *c, json_integer_value(json_array_get(pair, 1)));
		}
	}
	add_fields(h, count, min, max, sum, overflow);
	return 0;
}

int
lt_shist_set(struct lt_shist *sh, const struct lt_hist *h)
{
	size_t n = 0, lo, hi, i;
	uint64_t *e;

	sh->n = 0;
	sh->count = h->count;
	sh->min = h->min;
	sh->max = h->max;
	sh->sum = h->sum;
	sh->overflow = h->overflow;
	if (h->count == 0)
		return 0;
	lo = lt_hist_index(h, h->min);
	hi = lt_hist_index(h, h->max);
	for (i = lo; i <= hi; i++)
		n += h->counts[i] != 0;
	e = realloc(sh->e, n * sizeof(*e));
	if (e == NULL) {
		sh->count = 0;
		return -1;
	}
	sh->e = e;
	for (i = lo; i <= hi; i++)
		if (h->counts[i] != 0)
			e[sh->n++] = ((uint64_t)i << SH_SHIFT) |
			    ((uint64_t)h->counts[i] & SH_MASK);
	return 0;
}

void
lt_shist_add_to(const struct lt_shist *sh, struct lt_hist *h)
{
	for (size_t i = 0; i < sh->n; i++) {
		int64_t *c = &h->counts[sh->e[i] >> SH_SHIFT];

		*c = lt_sat_add(*c, (int64_t)(sh->e[i] & SH_MASK));
	}
	add_fields(h, sh->count, sh->min, sh->max, sh->sum, sh->overflow);
}

void
lt_shist_fini(struct lt_shist *sh)
{
	free(sh->e);
	memset(sh, 0, sizeof(*sh));
}
