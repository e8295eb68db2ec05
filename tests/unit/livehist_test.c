/*
 * livehist_test.c - the lat line of lib/fanout/livehist.c: an encoded
 * histogram splits back into the same buckets, counts, min, max and sum
 * (so the coordinator's quantiles equal the worker's), two add up as one
 * histogram of both, and malformed or overflowing lines add nothing.
 */
#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "fanout/livehist.h"
#include "../tap.h"

static int
same(const struct lt_lathist *a, const struct lt_lathist *b)
{
	return a->count == b->count && a->sum_us == b->sum_us &&
	    a->min_us == b->min_us && a->max_us == b->max_us &&
	    memcmp(a->b, b->b, sizeof(a->b)) == 0;
}

static long
split_s(const char *s, struct lt_lathist *into)
{
	return lt_fanout_lat_split(s, strlen(s), into);
}

int
main(void)
{
	static struct lt_lathist w0, w1, both, got, empty;
	struct lt_buf b;
	long k;
	int i;

	for (i = 0; i < 400; i++) {
		lt_lathist_add(&w0, 20000 + i);
		lt_lathist_add(&both, 20000 + i);
	}
	for (i = 0; i < 100; i++) {
		lt_lathist_add(&w1, 80000 + 7 * i);
		lt_lathist_add(&both, 80000 + 7 * i);
	}
	lt_lathist_add(&w1, 3);
	lt_lathist_add(&both, 3);
	lt_buf_init(&b, 0);
	TAP_OK(lt_fanout_lat_encode(&b, &w0) == 0, "encodes");
	TAP_OK(b.len > 4 && b.data[b.len - 1] == '\n', "one line");
	k = lt_fanout_lat_split(b.data, b.len, &got);
	TAP_EQ_INT(k, (long)b.len, "the split is the whole line");
	TAP_OK(same(&got, &w0), "round trip: the same histogram");
	lt_buf_reset(&b);
	lt_fanout_lat_encode(&b, &w1);
	lt_buf_adds(&b, "{\"lt_aggregate\":1}\n");
	k = lt_fanout_lat_split(b.data, b.len, &got);
	TAP_OK(k > 0 && b.len - (size_t)k == 19 &&
	        memcmp(b.data + k, "{\"lt_aggregate\":1}\n", 19) == 0,
	    "the document starts after the line");
	TAP_OK(same(&got, &both), "two lines add up to the histogram of both");
	TAP_EQ_INT(lt_lathist_quantile(&got, 0.5),
	    lt_lathist_quantile(&both, 0.5), "p50 as one histogram");
	TAP_EQ_INT(lt_lathist_quantile(&got, 0.95),
	    lt_lathist_quantile(&both, 0.95), "p95 as one histogram");
	TAP_OK(lt_lathist_quantile(&got, 0.5) / 1000 == 20 &&
	        lt_lathist_quantile(&got, 0.95) / 1000 == 80,
	    "p50 20 ms, p95 80 ms");
	TAP_EQ_INT(got.min_us, 3, "min from the second");
	lt_buf_reset(&b);
	lt_fanout_lat_encode(&b, &empty);
	TAP_OK(b.len == 10 && memcmp(b.data, "lat 0 0 0\n", 10) == 0,
	    "an empty histogram: lat 0 0 0");
	memset(&got, 0, sizeof(got));
	TAP_EQ_INT(split_s("lat 0 0 0\n{}", &got), 10, "splits");
	TAP_OK(same(&got, &empty), "adds nothing");

	TAP_EQ_INT(split_s("{\"lt_aggregate\":1}", &got), 0, "no lat line: 0");
	TAP_EQ_INT(split_s("la", &got), 0, "short: 0");
	TAP_EQ_INT(split_s("lat 1 2 3 4:1", &got), -1, "no newline");
	TAP_EQ_INT(split_s("lat 1 2\n", &got), -1, "no sum");
	TAP_EQ_INT(split_s("lat 1 2 3 4\n", &got), -1, "bucket without count");
	TAP_EQ_INT(split_s("lat 1 2 3 4:0\n", &got), -1, "count 0");
	TAP_EQ_INT(split_s("lat 1 2 3 1024:1\n", &got), -1, "bucket 1024");
	TAP_EQ_INT(split_s("lat 1 2 3 5:1 4:1\n", &got), -1, "out of order");
	TAP_EQ_INT(split_s("lat 1 2 3 4:1 4:1\n", &got), -1, "twice");
	TAP_EQ_INT(split_s("lat 1 2 3 4:4294967296\n", &got), -1,
	    "count over 32 bits");
	TAP_EQ_INT(split_s("lat 1 2 3 4:-1\n", &got), -1, "negative");
	TAP_EQ_INT(split_s("lat 9 2 3 4:1\n", &got), -1, "min over max");
	TAP_EQ_INT(split_s("lat 1 2 3 4:1 \n", &got), -1, "trailing blank");
	TAP_EQ_INT(split_s("lat 1 2 99999999999999999999 4:1\n", &got), -1,
	    "20 digits");
	TAP_OK(same(&got, &empty), "malformed lines added nothing");
	got.b[4] = UINT32_MAX;
	got.count = UINT32_MAX;
	TAP_EQ_INT(split_s("lat 1 2 3 4:1\n", &got), -1, "a bucket overflows");
	TAP_OK(got.b[4] == UINT32_MAX && got.count == UINT32_MAX,
	    "and nothing was added");
	TAP_EQ_INT(
	    split_s("lat 1 2 3 4:1\n", NULL), 14, "checks without adding");

	TAP_EQ_INT(
	    lt_fanout_latency_us("{\"type\":\"req\",\"latency_ms\":20.5}", 33),
	    20500, "latency_ms in us");
	TAP_EQ_INT(
	    lt_fanout_latency_us("{\"type\":\"req\",\"latency_ms\":", 27), -1,
	    "cut off: none");
	TAP_EQ_INT(lt_fanout_latency_us("{\"type\":\"req\"}", 14), -1, "none");
	{
		static const char u[] = "{\"type\":\"users\",\"ts\":1.5,"
		                        "\"count\":37,\"classes\":{}}";
		static const char r[] = "{\"type\":\"req\",\"count\":3}";

		TAP_EQ_INT(lt_fanout_users_count(u, sizeof(u) - 1), 37,
		    "a users event's count");
		TAP_EQ_INT(lt_fanout_users_count(u, 15), -1, "cut off: none");
		TAP_EQ_INT(lt_fanout_users_count(r, sizeof(r) - 1), -1,
		    "not a users event");
	}
	lt_buf_fini(&b);
	return tap_done();
}
