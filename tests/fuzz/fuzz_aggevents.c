/*
 * fuzz_aggevents.c - fuzzes the event path of lt-agg (lib/agg/agg.c on top of
 * evscan): every line of the input goes into an aggregator, which must
 * account for each line (events + rejected + unknown + blank = lines) and
 * write an aggregate that the aggregate reader loads.
 */
#include <stdlib.h>
#include <string.h>

#include "agg/agg.h"
#include "agg/aggread.h"
#include "agg/aggwrite.h"
#include "core/evscan.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lt_agg_opts o = { .timeline_endpoints = size & 1 };
	struct lt_agg *agg = lt_agg_new(&o);
	struct lt_evscan *sc = lt_evscan_new();
	const char *p = (const char *)data, *end = p + size;
	int64_t lineno = 0, blank = 0;
	struct lt_aggdoc doc;
	struct lt_buf b;
	struct lt_err err;

	if (agg == NULL || sc == NULL)
		abort();
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		blank += len == 0;
		if (lt_agg_line(agg, sc, p, len, "fuzz", ++lineno, &err) == -1)
			abort();
		p += len + (nl != NULL);
	}
	if (agg->events + agg->rejected + agg->unknown + blank != agg->lines)
		abort();
	if (lt_agg_finish(agg) == -1)
		abort();
	lt_buf_init(&b, 0);
	if (lt_agg_write_json(agg, NULL, NULL, &b) == -1)
		abort();
	if (lt_aggdoc_parse(&doc, b.data, b.len, "out", &err) == -1)
		abort(); /* what we write, we read */
	lt_aggdoc_fini(&doc);
	lt_buf_fini(&b);
	lt_evscan_free(sc);
	lt_agg_free(agg);
	return 0;
}
