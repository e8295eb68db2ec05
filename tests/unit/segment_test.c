/*
 * segment_test.c - the split of lt-run --segment (lib/run/segment.c):
 * parts always add up to the whole and differ by at most one, stripes of
 * segments and shards cover 0..stripes-1 once, -i shares, and "I/N"
 * parsing; plus lt-fanout's tagging of event lines (lib/fanout/tag.c).
 */
#include <string.h>

#include "core/buf.h"
#include "fanout/fanout.h"
#include "run/runner.h"
#include "run/segment.h"
#include "../tap.h"

int
main(void)
{
	struct lt_run_opts o;
	struct lt_err err;
	struct lt_buf b;
	long n, p, i, sum, lo, hi, bad = 0;
	int si = 0, sn = 0, seen[64 * 4], j, s;

	for (p = 1; p <= 64; p++)
		for (n = 0; n <= 10000; n += (n < 200 ? 1 : 37)) {
			sum = 0;
			lo = n;
			hi = 0;
			for (i = 0; i < p; i++) {
				long v = lt_segment_share(n, p, i);

				sum += v;
				lo = v < lo ? v : lo;
				hi = v > hi ? v : hi;
			}
			if (sum != n || hi - lo > 1)
				bad++;
		}
	TAP_OK(bad == 0, "N 1..64, totals 0..10000: parts add up, within 1");

	memset(&o, 0, sizeof(o));
	o.jobs = 4;
	o.seg_count = 16;
	memset(seen, 0, sizeof(seen));
	bad = 0;
	for (i = 0; i < 16; i++) {
		o.seg_index = (int)i;
		for (j = 0; j < 4; j++) {
			s = lt_segment_stripe(o.seg_index, o.seg_count, j);
			if (s < 0 ||
			    s >= lt_segment_stripes(o.jobs, o.seg_count) ||
			    seen[s]++)
				bad++;
		}
	}
	TAP_OK(bad == 0 && lt_segment_stripes(o.jobs, o.seg_count) == 64,
	    "16 segments x 4 shards: stripes 0..63 once each");

	o.iterations = 10;
	o.seg_count = 4;
	sum = 0;
	for (i = 0; i < 4; i++) {
		o.seg_index = (int)i;
		sum += lt_segment_iterations(
		    o.iterations, o.seg_index, o.seg_count);
	}
	TAP_OK(sum == 10, "-i 10 over 4 segments: 3+3+2+2");
	o.iterations = 2;
	o.seg_index = 3;
	TAP_OK(
	    lt_segment_iterations(o.iterations, o.seg_index, o.seg_count) == -1,
	    "an empty share is -1, not 0");
	o.iterations = 0;
	TAP_OK(
	    lt_segment_iterations(o.iterations, o.seg_index, o.seg_count) == 0,
	    "unlimited stays unlimited");

	TAP_OK(
	    lt_segment_parse("2/5", &si, &sn, &err) == 0 && si == 2 && sn == 5,
	    "parses 2/5");
	TAP_OK(lt_segment_parse("5/5", &si, &sn, &err) != 0, "I < N");
	TAP_OK(lt_segment_parse("0/0", &si, &sn, &err) != 0, "N >= 1");
	TAP_OK(lt_segment_parse("1/2x", &si, &sn, &err) != 0, "junk refused");
	TAP_OK(lt_segment_parse("-1/2", &si, &sn, &err) != 0, "sign refused");
	TAP_OK(lt_segment_parse("1", &si, &sn, &err) != 0, "needs a slash");

	lt_buf_init(&b, 0);
	lt_fanout_tag(&b, "{\"type\":\"req\",\"ts\":1.5}", 23, 12, 0);
	lt_fanout_tag(&b, "{}", 2, 3, 0);
	lt_fanout_tag(&b, "{\"ts\":100.000001,\"x\":1}", 23, 0, -1000000);
	lt_fanout_tag(&b, "not json", 8, 0, 0);
	TAP_OK(b.len > 0 &&
	        strcmp(lt_buf_cstr(&b),
	            "{\"worker\":12,\"type\":\"req\",\"ts\":1.5}\n"
	            "{\"worker\":3}\n"
	            "{\"worker\":0,\"ts\":99.000001,\"x\":1}\n") == 0,
	    "tagging: worker first, ts moved, non-events dropped");
	lt_buf_fini(&b);
	return tap_done();
}
