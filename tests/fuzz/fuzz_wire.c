/*
 * fuzz_wire.c - fuzz harness for lt-fanout's frame decoder
 * (lib/fanout/wire.c), the first code that reads bytes from the network.
 *
 * Properties: decoding never reads past the input (ASan), a refusal
 * always says why, and an accepted frame encodes back to the same bytes
 * with a payload inside the input and under the size limit; an
 * aggregate's lat line (livehist.c), if any, lies inside the payload and
 * adds exactly its buckets' counts to an empty histogram.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fanout/livehist.h"
#include "fanout/wire.h"
#include "fuzz.h"

static void
check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_wire: property failed: %s\n", what);
		abort();
	}
}

/* An accepted aggregate's lat line splits the same with or without a
 * histogram to add to, inside the payload, ending with '\n'. */
static void
check_lat(const struct lt_wire_msg *m)
{
	static struct lt_lathist h;
	long k = lt_fanout_lat_split(m->payload, m->len, NULL);
	uint64_t sum = 0;
	int i;

	check(k >= 0 && (size_t)k <= m->len, "the lat line is inside");
	memset(&h, 0, sizeof(h));
	check(lt_fanout_lat_split(m->payload, m->len, &h) == k,
	    "the lat line splits the same when added");
	check(k == 0 || m->payload[k - 1] == '\n', "the lat line ends");
	for (i = 0; i < LT_STATS_BUCKETS; i++)
		sum += h.b[i];
	check(sum == h.count, "its counts are the buckets'");
	check(h.count == 0 || h.min_us <= h.max_us, "min <= max");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lt_wire_msg m;
	struct lt_err err;
	struct lt_buf out;

	lt_err_clear(&err);
	if (lt_wire_decode(data, size, &m, &err) != 0) {
		check(err.msg[0] != '\0', "a refusal says why");
		check(strncmp(err.msg, "wire: ", 6) == 0, "errors name wire");
		return 0;
	}
	check(m.len <= LT_WIRE_MAX_PAYLOAD, "payload under the limit");
	check(m.len + LT_WIRE_HEADER == size, "length matches");
	check((const uint8_t *)m.payload == data + LT_WIRE_HEADER,
	    "payload inside the input");
	check(m.type >= 1 && m.type <= LT_WIRE_TYPE_MAX, "known type");
	check(strcmp(lt_wire_type_name((int)m.type), "unknown") != 0,
	    "named type");
	if (m.type == LT_WIRE_EVENTS)
		check(lt_wire_count_lines(m.payload, m.len) >= 0,
		    "events end with a newline");
	if (m.type == LT_WIRE_AGG)
		check_lat(&m);
	lt_buf_init(&out, 0);
	check(lt_wire_encode(
	          &out, m.type, m.worker, m.seq, m.payload, m.len, &err) == 0,
	    "re-encodes");
	check(out.len == size && memcmp(out.data, data, size) == 0,
	    "round trip is exact");
	lt_buf_fini(&out);
	return 0;
}
