/*
 * llmjson.h - the streams' part of a whole aggregate (llmstat.h holds the
 * statistics themselves): the "llm" object of the aggregate
 * (lt-aggregate(5)), written and merged back (lt-agg --merge), the
 * streams' summary for --format text, and a stream metric's value for
 * thresholds.  Not used by agg.c: llmstat knows nothing of struct lt_agg.
 */
#ifndef LT_LLMJSON_H
#define LT_LLMJSON_H

#include "agg/agg.h"
#include "agg/llmstat.h"
#include "core/buf.h"
#include "core/err.h"

/* Appends "llm":{...},\n when the aggregate has streams.  0 or -1. */
int lt_llmstat_write(const struct lt_agg *agg, struct lt_buf *b);

/*
 * Appends the streams' summary for --format text (vLLM's "Serving
 * Benchmark Result" lines) when the aggregate has streams.  0 or -1.
 */
int lt_llmstat_write_text(const struct lt_agg *agg, struct lt_buf *b);

/* Merges an aggregate's "llm" object (compact JSON text, or NULL) into
 * agg.  name names the document in messages.  0, or -1 with err. */
int lt_llmstat_merge(
    struct lt_agg *agg, const char *json, const char *name, struct lt_err *err);

/* e's (an endpoint's of agg) value of the metric (lt_llmstat_metric);
 * *reason set when it has none. */
double lt_llmstat_value(const struct lt_agg *agg, const struct lt_llmep *e,
    int which, double pct, const char **reason);

#endif
