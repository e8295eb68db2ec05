/*
 * hist_test.c - unit tests of the log-linear histogram (lib/agg/hist.c): the
 * index maths against the worked numbers of apis.md section 6.2, accuracy
 * against a sorted reference on generated data (seeded PRNG), merging,
 * the sparse form and the JSON encoding with its validation.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/hist.h"
#include "../tap.h"

#define N_VALUES 200000

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
	uint64_t x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static double
unif(void)
{
	return ((double)(rng() >> 11) + 0.5) / 9007199254740992.0;
}

static double
normal(void)
{
	return sqrt(-2.0 * log(unif())) * cos(2.0 * M_PI * unif());
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

enum dist { UNIFORM, LOGNORMAL, BIMODAL, STALL, DIST_N };
static const char *dist_name[] = { "uniform", "log-normal", "bimodal",
	"stall spike" };

static int64_t
draw(enum dist d)
{
	switch (d) {
	case UNIFORM:
		return 1 + (int64_t)(rng() % 2000000);
	case LOGNORMAL:
		return (int64_t)exp(log(20000.0) + 1.2 * normal());
	case BIMODAL:
		if (rng() & 1)
			return 1500 + (int64_t)(fabs(normal()) * 300);
		return 250000 + (int64_t)(fabs(normal()) * 40000);
	default:
		if (rng() % 100 == 0)
			return 10000000 + (int64_t)(rng() % 500000);
		return 4000 + (int64_t)(rng() % 3000);
	}
}

static void
accuracy(enum dist d, int64_t *vals)
{
	struct lt_hist h;
	int64_t got[LT_PCT_N];
	int bad = 0, inrange = 1;

	lt_hist_init(&h, 3);
	for (int i = 0; i < N_VALUES; i++) {
		vals[i] = draw(d);
		lt_hist_record(&h, vals[i]);
	}
	qsort(vals, N_VALUES, sizeof(*vals), cmp64);
	lt_hist_percentiles(&h, lt_pct_list, LT_PCT_N, got);
	for (int k = 0; k < LT_PCT_N; k++) {
		double p = lt_pct_list[k];
		int64_t r = llround(p / 100.0 * N_VALUES);
		int64_t want = vals[(r < 1 ? 1 : r) - 1];
		double rel = fabs((double)(got[k] - want)) / (double)want;

		if (rel > 0.001) {
			printf("#   %s p%g: got %lld want %lld (%.5f)\n",
			    dist_name[d], p, (long long)got[k], (long long)want,
			    rel);
			bad = 1;
		}
		if (got[k] < vals[0] || got[k] > vals[N_VALUES - 1])
			inrange = 0;
	}
	TAP_OK(!bad, "%s: every percentile within 0.1%% of the sorted value",
	    dist_name[d]);
	TAP_OK(inrange, "%s: every percentile within [min, max]", dist_name[d]);
	TAP_EQ_INT(got[LT_PCT_N - 1], vals[N_VALUES - 1], "p100 is max");
	TAP_EQ_INT(h.min, vals[0], "min exact");
	TAP_EQ_INT(h.count, N_VALUES, "count");
	lt_hist_fini(&h);
}

static void
worked_numbers(void)
{
	static const struct {
		int64_t v;
		size_t index;
		int64_t lo, hi;
	} w[] = {
		{ 1, 1, 1, 1 },
		{ 2047, 2047, 2047, 2047 },
		{ 2048, 2048, 2048, 2049 },
		{ 4096, 3072, 4096, 4099 },
		{ 123456, 8073, 123456, 123519 },
		{ 59999999, 17191, 59998208, 60030975 },
	};
	struct lt_hist h, h2;

	TAP_EQ_INT(lt_hist_init(&h, 3), 0, "init sig 3");
	TAP_EQ_INT(h.counts_len, 23552, "sig 3, 1 h: 23552 slots");
	TAP_EQ_INT(h.half, 1024, "half count 1024");
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		char what[64];

		snprintf(what, sizeof(what), "index(%lld)", (long long)w[i].v);
		TAP_EQ_INT(lt_hist_index(&h, w[i].v), w[i].index, what);
		snprintf(
		    what, sizeof(what), "range of %lld", (long long)w[i].v);
		TAP_OK(lt_hist_lowest_equiv(&h, w[i].v) == w[i].lo &&
		        lt_hist_highest_equiv(&h, w[i].v) == w[i].hi,
		    "%s", what);
	}
	TAP_OK(
	    lt_hist_index(&h, LT_HIST_HIGHEST_US) < h.counts_len, "1 h fits");
	TAP_EQ_INT(lt_hist_init(&h2, 2), 0, "init sig 2");
	TAP_EQ_INT(h2.counts_len, 3328, "sig 2, 1 h: 3328 slots");
	lt_hist_record(&h, LT_HIST_HIGHEST_US + 5);
	lt_hist_record(&h, -3);
	TAP_EQ_INT(h.overflow, 1, "value above 1 h counted in overflow");
	TAP_EQ_INT(h.max, LT_HIST_HIGHEST_US, "and clamped");
	TAP_EQ_INT(h.min, 0, "negative recorded as 0");
	lt_hist_fini(&h);
	lt_hist_fini(&h2);
	TAP_OK(lt_hist_init(&h2, 0) == -1 && lt_hist_init(&h2, 6) == -1,
	    "sig outside 1..5 refused");
}

static int
same_hist(const struct lt_hist *a, const struct lt_hist *b)
{
	return a->count == b->count && a->min == b->min && a->max == b->max &&
	    a->sum == b->sum && a->overflow == b->overflow &&
	    memcmp(a->counts, b->counts, a->counts_len * 8) == 0;
}

static void
merge_and_json(void)
{
	struct lt_hist all, a, b, back, empty;
	struct lt_shist sh = { 0 };
	struct lt_buf buf;
	struct lt_err err;
	json_t *j;
	int64_t pa[LT_PCT_N], pb[LT_PCT_N];

	lt_hist_init(&all, 3);
	lt_hist_init(&a, 3);
	lt_hist_init(&b, 3);
	lt_hist_init(&back, 3);
	for (int i = 0; i < 50000; i++) {
		int64_t v = draw(i % 2 ? LOGNORMAL : STALL);

		lt_hist_record(&all, v);
		lt_hist_record(i % 3 ? &a : &b, v);
	}
	TAP_EQ_INT(lt_hist_add(&a, &b), 0, "merge same sig");
	TAP_OK(same_hist(&a, &all), "merge equals recording everything");
	lt_hist_percentiles(&a, lt_pct_list, LT_PCT_N, pa);
	lt_hist_percentiles(&all, lt_pct_list, LT_PCT_N, pb);
	TAP_OK(memcmp(pa, pb, sizeof(pa)) == 0, "same percentiles");

	lt_buf_init(&buf, 0);
	lt_hist_write_json(&all, &buf);
	j = json_loads(lt_buf_cstr(&buf), 0, NULL);
	TAP_OK(j != NULL, "JSON encoding parses");
	TAP_EQ_INT(lt_hist_add_json(&back, j, &err), 0, "decode");
	TAP_OK(same_hist(&back, &all), "decode(encode(h)) == h");
	json_decref(j);

	TAP_EQ_INT(lt_shist_set(&sh, &all), 0, "sparse form");
	lt_hist_reset(&back);
	TAP_EQ_INT(back.count, 0, "reset");
	lt_shist_add_to(&sh, &back);
	TAP_OK(same_hist(&back, &all), "sparse round trip");
	lt_shist_fini(&sh);

	lt_hist_init(&empty, 3);
	lt_buf_reset(&buf);
	lt_hist_write_json(&empty, &buf);
	TAP_EQ_STR(lt_buf_cstr(&buf),
	    "{\"count\":0,\"min_us\":0,\"max_us\":0,\"sum_us\":0,"
	    "\"overflow\":0,\"counts\":[]}",
	    "empty encoding");
	lt_hist_percentiles(&empty, lt_pct_list, LT_PCT_N, pa);
	TAP_OK(pa[0] == 0 && pa[LT_PCT_N - 1] == 0, "empty: percentiles 0");

	{
		static const char *bad[] = {
			"[]",
			"{\"count\":1,\"min_us\":5,\"max_us\":5,\"sum_us\":5,"
			"\"overflow\":0,\"counts\":[[5,2]]}",
			"{\"count\":2,\"min_us\":5,\"max_us\":6,\"sum_us\":11,"
			"\"overflow\":0,\"counts\":[[6,1],[5,1]]}",
			"{\"count\":1,\"min_us\":5,\"max_us\":5,\"sum_us\":5,"
			"\"overflow\":0,\"counts\":[[99999,1]]}",
			"{\"count\":1,\"min_us\":5,\"max_us\":5,\"sum_us\":5,"
			"\"overflow\":0,\"counts\":[[5,-1]]}",
			"{\"count\":-1,\"min_us\":5,\"max_us\":5,\"sum_us\":5,"
			"\"overflow\":0,\"counts\":[]}",
			"{\"count\":1,\"min_us\":5,\"max_us\":5,\"sum_us\":5,"
			"\"overflow\":2,\"counts\":[[5,1]]}",
			"{\"count\":1,\"min_us\":5,\"max_us\":5,\"sum_us\":5,"
			"\"overflow\":0,\"counts\":[[5,1,3]]}",
			"{\"count\":1,\"min_us\":5,\"max_us\":9999999999,"
			"\"sum_us\":5,\"overflow\":0,\"counts\":[[5,1]]}",
		};
		int refused = 0;

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			j = json_loads(bad[i], 0, NULL);
			lt_hist_reset(&empty);
			if (lt_hist_add_json(&empty, j, &err) == -1 &&
			    empty.count == 0)
				refused++;
			else
				printf("#   accepted: %s\n", bad[i]);
			json_decref(j);
		}
		TAP_EQ_INT(refused, sizeof(bad) / sizeof(bad[0]),
		    "invalid HIST objects refused");
	}
	lt_buf_fini(&buf);
	lt_hist_fini(&all);
	lt_hist_fini(&a);
	lt_hist_fini(&b);
	lt_hist_fini(&back);
	lt_hist_fini(&empty);
}

int
main(void)
{
	int64_t *vals = malloc(N_VALUES * sizeof(*vals));

	worked_numbers();
	for (int d = 0; d < DIST_N; d++)
		accuracy(d, vals);
	merge_and_json();
	free(vals);
	return tap_done();
}
