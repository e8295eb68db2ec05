/*
 * fuzz_wire.c - fuzz harness for lt-fanout's frame decoder
 * (lib/fanout/wire.c), the first code that reads bytes from the network.
 *
 * Properties: decoding never reads past the input (ASan), a refusal
 * always says why, and an accepted frame encodes back to the same bytes
 * with a payload inside the input and under the size limit.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	lt_buf_init(&out, 0);
	check(lt_wire_encode(
	          &out, m.type, m.worker, m.seq, m.payload, m.len, &err) == 0,
	    "re-encodes");
	check(out.len == size && memcmp(out.data, data, size) == 0,
	    "round trip is exact");
	lt_buf_fini(&out);
	return 0;
}
