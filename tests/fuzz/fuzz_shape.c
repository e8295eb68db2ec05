/*
 * fuzz_shape.c - fuzz harness for load shape lines (lib/run/shape.c).
 *
 * The input is fed to a buffer source in two pieces split at a point the
 * input chooses (its first byte), so partial lines are exercised.
 * Properties: an accepted stage is sane (users or a rate >= 0, a time
 * that never goes back, nothing after END), and an error names the
 * source and an existing line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/shape.h"
#include "fuzz.h"

static void
check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_shape: property failed: %s\n", what);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lt_shape *sh = lt_shape_new_buf("s");
	struct lt_stage st;
	struct lt_err err;
	size_t cut = size > 0 ? data[0] % (size + 1) : 0;
	double last = -1;
	int ended = 0, rc;

	check(sh != NULL, "alloc");
	rc = lt_shape_feed(sh, (const char *)data, cut, 0, &err);
	if (rc == 0)
		rc = lt_shape_feed(
		    sh, (const char *)data + cut, size - cut, 1, &err);
	if (rc != 0)
		check(strncmp(err.msg, "s:", 2) == 0, "errors name the source");
	while (lt_shape_next(sh, &st)) {
		check(!ended, "nothing after end");
		check(st.line >= 1, "stages have a line");
		if (st.at_s >= 0) {
			check(st.at_s >= last, "time never goes back");
			last = st.at_s;
		}
		if (st.kind == LT_STAGE_END)
			ended = 1;
		else if (st.kind == LT_STAGE_RATE)
			check(st.rate_rps >= 0, "rates are >= 0");
		else
			check(st.spawn_rate >= 0, "spawn rates are >= 0");
	}
	lt_shape_close(sh);
	return 0;
}
