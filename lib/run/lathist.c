/*
 * lathist.c - the small latency histogram behind lt-run's live line and
 * final table (declared in lathist.h).  Log-linear buckets: values below
 * 64 us exactly, then 32 sub-buckets per power of two (about 3% relative
 * error), up to 2^36 us.  lt-agg has the exact, mergeable histogram; this
 * one only has to be cheap and good enough for a console summary.
 */
#include "run/lathist.h"

static int
bucket(int64_t us)
{
	int e;
	int idx;

	if (us < 64)
		return us < 0 ? 0 : (int)us;
	e = 63 - __builtin_clzll((unsigned long long)us);
	idx = 64 + (e - 6) * 32 + (int)((us >> (e - 5)) & 31);
	return idx < LT_STATS_BUCKETS ? idx : LT_STATS_BUCKETS - 1;
}

/* The middle of bucket i, in microseconds. */
static int64_t
value(int i)
{
	int e, sub;
	int64_t lo, w;

	if (i < 64)
		return i;
	e = (i - 64) / 32 + 6;
	sub = (i - 64) % 32;
	w = (int64_t)1 << (e - 5);
	lo = ((int64_t)1 << e) + sub * w;
	return lo + w / 2;
}

void
lt_lathist_add(struct lt_lathist *h, int64_t us)
{
	if (us < 0)
		us = 0;
	if (h->count == 0 || us < h->min_us)
		h->min_us = us;
	if (us > h->max_us)
		h->max_us = us;
	h->count++;
	h->sum_us += (uint64_t)us;
	h->b[bucket(us)]++;
}

int64_t
lt_lathist_quantile(const struct lt_lathist *h, double q)
{
	uint64_t want, seen = 0;
	int i;
	int64_t v;

	if (h->count == 0)
		return 0;
	if (q <= 0)
		return h->min_us;
	if (q >= 1)
		return h->max_us;
	want = (uint64_t)(q * (double)h->count + 0.5);
	if (want < 1)
		want = 1;
	for (i = 0; i < LT_STATS_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= want) {
			v = value(i);
			if (v < h->min_us)
				v = h->min_us;
			if (v > h->max_us)
				v = h->max_us;
			return v;
		}
	}
	return h->max_us;
}
