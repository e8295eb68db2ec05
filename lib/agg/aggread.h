/*
 * aggread.h - reading an aggregate document (lt-aggregate(5), version 1)
 * into plain C structures, for lt-agg --merge / --baseline and lt-report.
 *
 * jansson parses (a DOM is right for one document per run, and its errors
 * carry line and column); this module validates and converts: times to
 * integer microseconds, histograms to struct lt_hist (sig 3) and, for the
 * timeline, struct lt_shist (sig 2).  Required: "lt_aggregate": 1, "run",
 * "endpoints", "total", "timeline", "failures"; each endpoint's "method",
 * "name", "requests", "failures" and "hist".  Other members are read when
 * present and default to zero/null, so older or hand-made documents load.
 */
#ifndef LT_AGGREAD_H
#define LT_AGGREAD_H

#include <stddef.h>
#include <stdint.h>

#include "agg/aggdoc.h"
#include "core/err.h"

/*
 * Parses text[0..len) into doc (the caller's storage).  name is used in
 * messages.  Returns 0, or -1 with err (LT_EXIT_USAGE, "name:LINE:COL:
 * ..." for JSON syntax, "name: endpoints[2].hist: ..." for content) and
 * doc empty (safe to lt_aggdoc_fini).
 */
int lt_aggdoc_parse(struct lt_aggdoc *doc, const char *text, size_t len,
    const char *name, struct lt_err *err);

/*
 * As lt_aggdoc_parse, always through one jansson tree of the whole text
 * (lt_aggdoc_parse streams "endpoints" and "timeline"); for tests, which
 * check that both give the same document and the same messages.
 */
int lt_aggdoc_parse_whole(struct lt_aggdoc *doc, const char *text, size_t len,
    const char *name, struct lt_err *err);

/* Reads and parses a file ("-": stdin).  Returns 0 or -1 with err. */
int lt_aggdoc_load(struct lt_aggdoc *doc, const char *path, struct lt_err *err);

/* Frees everything doc owns; zeroed storage is fine. */
void lt_aggdoc_fini(struct lt_aggdoc *doc);

/* The endpoint method+name in doc, or NULL. */
const struct lt_doc_ep *lt_aggdoc_find(
    const struct lt_aggdoc *doc, const char *method, const char *name);

#endif
