/*
 * aggwrite.h - writing the aggregate document (lt-aggregate(5), version 1)
 * and the plain-text summary of lt-agg --format text.
 */
#ifndef LT_AGGWRITE_H
#define LT_AGGWRITE_H

#include "agg/agg.h"
#include "core/buf.h"

#define LT_AGGREGATE_VERSION 1

/*
 * Appends agg (after lt_agg_finish) as the aggregate JSON document to b,
 * one line per top-level key, endpoint, second and failure.
 * thresholds_json is the JSON array text for "thresholds" (NULL: []),
 * baseline_json the object for "baseline" (NULL: null); both borrowed.
 * Returns 0 or -1 (buffer cap).
 */
int lt_agg_write_json(const struct lt_agg *agg, const char *thresholds_json,
    const char *baseline_json, struct lt_buf *b);

/*
 * Appends the human summary (Locust's console tables: requests, response
 * time percentiles, failures; then input accounting) to b.  name_width is
 * the width of the name column (Locust: 80 when not a terminal).
 */
int lt_agg_write_text(
    const struct lt_agg *agg, int name_width, struct lt_buf *b);

/*
 * Appends the compact live table (lt-agg --live): per endpoint the total
 * requests and failures, the rate over the last interval_s seconds and the
 * cumulative latency figures; then resets the interval counters.  agg must
 * be finished (lt_agg_finish) first.
 */
int lt_agg_write_live(struct lt_agg *agg, double interval_s, struct lt_buf *b);

/* Starts a new live interval: the rates count from here. */
void lt_agg_live_mark(struct lt_agg *agg);

/* Characters (UTF-8 code points) in s[0..n): the text tables' widths. */
size_t lt_agg_text_cols(const char *s, size_t n);

#endif
