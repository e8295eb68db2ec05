/*
 * hist.h - log-linear (HdrHistogram-style) latency histograms.
 *
 * Written for lt because no C implementation is packaged in Debian 12
 * (shared/reference/apis.md section 6).  The bucket scheme is the one of
 * HdrHistogram_c: values are microseconds (unit 1 us), the highest value
 * tracked is one hour (LT_HIST_HIGHEST_US), and `sig` significant decimal
 * digits fix the relative error: sig 3 keeps every value within 1/1024
 * (< 0.1 %) of the value it is reported as.  Values above the highest are
 * counted in `overflow` and recorded as the highest; negative values as 0.
 *
 * A dense histogram (struct lt_hist) is one array allocated at init:
 * recording never allocates.  A sparse one (struct lt_shist) keeps only the
 * non-empty slots, for the many per-second histograms of a timeline.
 * Two histograms of the same sig merge exactly by adding counts.
 */
#ifndef LT_HIST_H
#define LT_HIST_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define LT_HIST_HIGHEST_US INT64_C(3600000000)

/* Locust's percentile set (PERCENTILES_TO_REPORT), in percent. */
#define LT_PCT_N 11
extern const double lt_pct_list[LT_PCT_N];
/* Their JSON keys: "50" "66" ... "99.99" "100". */
extern const char *const lt_pct_keys[LT_PCT_N];

struct lt_hist {
	int sig;           /* significant digits, 1..5 */
	int hcm;           /* sub_bucket_half_count_magnitude */
	int64_t half;      /* sub_bucket_half_count */
	int64_t mask;      /* sub_bucket_mask */
	size_t counts_len; /* slots */
	int64_t *counts;   /* owned, counts_len slots */
	int64_t count;     /* values recorded */
	int64_t min, max;  /* exact, of the recorded (clamped) values */
	int64_t sum;       /* exact sum of the recorded values, in us */
	int64_t overflow;  /* values that were above LT_HIST_HIGHEST_US */
};

/* A histogram with only its non-empty slots: entries (index << 48 | n). */
struct lt_shist {
	uint64_t *e; /* owned, ascending index */
	size_t n;
	int64_t count, min, max, sum, overflow;
};

/* Sets up an empty histogram of sig (1..5) digits.  Returns 0 or -1
 * (ENOMEM, bad sig).  The caller's storage; release with lt_hist_fini. */
int lt_hist_init(struct lt_hist *h, int sig);

/* Frees the counts; h may be zeroed storage never initialised. */
void lt_hist_fini(struct lt_hist *h);

/* Empties h, keeping its storage (touches only the used slots). */
void lt_hist_reset(struct lt_hist *h);

/*
 * a + b, saturating at the int64 limits: counters added from documents
 * (lt-agg --merge) must not overflow, whatever a document claims.
 */
static inline int64_t
lt_sat_add(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

/* Slot index of v (already clamped to 0..LT_HIST_HIGHEST_US). */
static inline size_t
lt_hist_index(const struct lt_hist *h, int64_t v)
{
	int pow2ceil = 64 - __builtin_clzll((uint64_t)(v | h->mask));
	int bucket = pow2ceil - (h->hcm + 1);
	int64_t sub = v >> bucket;

	return (size_t)(((int64_t)(bucket + 1) << h->hcm) + (sub - h->half));
}

/* Records value v (us) n times.  Never allocates. */
static inline void
lt_hist_record_n(struct lt_hist *h, int64_t v, int64_t n)
{
	if (v < 0)
		v = 0;
	if (v > LT_HIST_HIGHEST_US) {
		v = LT_HIST_HIGHEST_US;
		h->overflow += n;
	}
	h->counts[lt_hist_index(h, v)] += n;
	if (h->count == 0 || v < h->min)
		h->min = v;
	if (h->count == 0 || v > h->max)
		h->max = v;
	h->count += n;
	h->sum += v * n;
}

static inline void
lt_hist_record(struct lt_hist *h, int64_t v)
{
	lt_hist_record_n(h, v, 1);
}

/* Lowest value that maps to slot i. */
int64_t lt_hist_value_at(const struct lt_hist *h, size_t i);

/* Lowest and highest value equivalent to v (same slot). */
int64_t lt_hist_lowest_equiv(const struct lt_hist *h, int64_t v);
int64_t lt_hist_highest_equiv(const struct lt_hist *h, int64_t v);

/*
 * Adds src's counts into dst.  Returns 0, or -1 when their sig differ.
 */
int lt_hist_add(struct lt_hist *dst, const struct lt_hist *src);

/*
 * Computes n percentiles (pcts[], in percent, ascending, 0 < p <= 100) in
 * one walk into out_us[]: the highest value equivalent to the value at
 * rank max(1, round(p / 100 * count)), clamped to [min, max], so that p100
 * is max exactly.  All 0 when h is empty.
 */
void lt_hist_percentiles(
    const struct lt_hist *h, const double *pcts, size_t n, int64_t *out_us);

/* One percentile; see lt_hist_percentiles. */
int64_t lt_hist_percentile(const struct lt_hist *h, double pct);

/* Mean from the exact sum, in us (0 when empty). */
double lt_hist_mean_us(const struct lt_hist *h);

/*
 * Appends h as the aggregate's HIST object: {"count":..,"min_us":..,
 * "max_us":..,"sum_us":..,"overflow":..,"counts":[[index,count],...]}.
 * Returns 0 or -1 (buffer cap).
 */
int lt_hist_write_json(const struct lt_hist *h, struct lt_buf *b);

/*
 * Adds the HIST object obj (a jansson json_t *, passed as void * so that
 * this header does not need jansson.h) into h, after validating it: index
 * range and order, positive counts whose sum is "count", min <= max within
 * range, overflow <= count.  Returns 0, or -1 with err (LT_EXIT_USAGE)
 * naming the problem; h is unchanged on error.
 */
int lt_hist_add_json(struct lt_hist *h, const void *obj, struct lt_err *err);

/* Replaces sh's content by h's non-empty slots.  Returns 0 or -1 (ENOMEM). */
int lt_shist_set(struct lt_shist *sh, const struct lt_hist *h);

/* Adds sh into h (h of the sig sh was made with). */
void lt_shist_add_to(const struct lt_shist *sh, struct lt_hist *h);

/* Frees sh's entries; zeroed storage is fine. */
void lt_shist_fini(struct lt_shist *sh);

#endif
