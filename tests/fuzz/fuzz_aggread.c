/*
 * fuzz_aggread.c - fuzzes the aggregate reader (lib/agg/aggread.c) and the
 * merge: any input either is refused with a message or loads; a loaded
 * document is merged, written again, and the result must load and merge
 * to the same document (write(merge(read(x))) is a fixed point).  The
 * streamed reader must agree with the whole-tree one (lt_aggdoc_parse_whole)
 * on every input: same document, or the same message.
 */
#include <stdlib.h>
#include <string.h>

#include "agg/aggmerge.h"
#include "agg/aggread.h"
#include "agg/aggwrite.h"
#include "fuzz.h"

/* Merges doc into a fresh aggregator and writes it into b. */
static int
remerge(const struct lt_aggdoc *doc, struct lt_buf *b)
{
	struct lt_agg *agg = lt_agg_new(NULL);
	struct lt_err err;
	int rc = -1;

	if (agg && lt_agg_add_doc(agg, doc, &err) == 0 &&
	    lt_agg_finish(agg) == 0)
		rc = lt_agg_write_json(agg, NULL, NULL, b);
	lt_agg_free(agg);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lt_aggdoc doc, again;
	struct lt_buf one, two;
	struct lt_err err;

	struct lt_err err2;
	int rc = lt_aggdoc_parse(&doc, (const char *)data, size, "fuzz", &err);

	/* the streamed reader and the whole-tree one agree */
	if (lt_aggdoc_parse_whole(
	        &again, (const char *)data, size, "fuzz", &err2) != rc ||
	    (rc == -1 && strcmp(err.msg, err2.msg) != 0))
		abort();
	lt_buf_init(&one, 0);
	lt_buf_init(&two, 0);
	if (rc == 0 && remerge(&again, &two) == 0) {
		if (remerge(&doc, &one) != 0 || one.len != two.len ||
		    memcmp(one.data, two.data, one.len) != 0)
			abort();
		lt_buf_reset(&one);
		lt_buf_reset(&two);
	}
	if (rc == 0)
		lt_aggdoc_fini(&again);
	if (rc == -1) {
		lt_buf_fini(&one);
		lt_buf_fini(&two);
		if (err.msg[0] == '\0')
			abort(); /* a refusal must say why */
		return 0;
	}
	if (remerge(&doc, &one) == 0) {
		if (lt_aggdoc_parse(&again, one.data, one.len, "again", &err))
			abort(); /* our own output must load */
		if (remerge(&again, &two) != 0 || one.len != two.len ||
		    memcmp(one.data, two.data, one.len) != 0)
			abort(); /* and be a fixed point */
		lt_aggdoc_fini(&again);
	}
	lt_buf_fini(&one);
	lt_buf_fini(&two);
	lt_aggdoc_fini(&doc);
	return 0;
}
