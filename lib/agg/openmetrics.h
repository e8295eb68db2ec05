/*
 * openmetrics.h - an aggregate as a Prometheus exposition: OpenMetrics
 * 1.0 text (application/openmetrics-text) or the older Prometheus text
 * format 0.0.4 that the Pushgateway and node_exporter's textfile
 * collector parse.  lt-agg --format openmetrics|prometheus writes it
 * once; --live-format writes it at every live interval.
 */
#ifndef LT_OPENMETRICS_H
#define LT_OPENMETRICS_H

#include "agg/agg.h"
#include "core/buf.h"

enum lt_om_flavour {
	LT_OM_OPENMETRICS, /* OpenMetrics 1.0: counters' TYPE without
	                      _total, UNIT lines, "# EOF" */
	LT_OM_PROMETHEUS,  /* text 0.0.4: TYPE names the _total sample,
	                      no UNIT; "# EOF" too (a comment to it) */
};

/*
 * Appends the exposition of a finished agg (lt_agg_finish) to b.
 * interval_s > 0: the lt_requests_per_second gauges are rates over the
 * last live interval (since the live counters were last reset); 0:
 * whole-run averages.  Label values are escaped (backslash, quote,
 * newline) and invalid UTF-8 is replaced by U+FFFD, so endpoint names
 * cannot break the exposition.  Returns 0 or -1 (buffer cap).
 */
int lt_om_write(const struct lt_agg *agg, enum lt_om_flavour fl,
    double interval_s, struct lt_buf *b);

/* Appends s[0..n) escaped as an OpenMetrics label value (no quotes). */
int lt_om_label(struct lt_buf *b, const char *s, size_t n);

#endif
