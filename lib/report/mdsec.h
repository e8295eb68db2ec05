/*
 * mdsec.h - the report's sections beyond the Locust-style tables, for
 * md.c's builder: thresholds with units at the top, the comparison with a
 * baseline (regressions first), time to first byte, response time ranges,
 * bytes received and failed checks.  Each writes through the document API
 * of md.h and is left out when the aggregate has nothing for it.
 */
#ifndef LT_MDSEC_H
#define LT_MDSEC_H

#include "report/mddoc.h"
#include "report/report.h"

/* Thresholds: value and limit with units, PASS/FAIL. */
void lt_mdsec_thresholds(struct lt_md *d, const struct lt_report *r);

/*
 * The comparison of r with base (label: its file name; tol 0.10 for 10%):
 * regressions first, then every endpoint.  0, or -1 out of memory.
 */
int lt_mdsec_compare(struct lt_md *d, const struct lt_report *r,
    const struct lt_report *base, const char *label, double tol);

/* Time to first byte percentiles, when the aggregate has them. */
void lt_mdsec_ttfb(struct lt_md *d, const struct lt_report *r);

/*
 * Requests per response time range (under lo_ms, lo_ms to hi_ms, hi_ms
 * or more) and failed ones.
 */
void lt_mdsec_ranges(
    struct lt_md *d, const struct lt_report *r, double lo_ms, double hi_ms);

/* Bytes received, in total and per second. */
void lt_mdsec_bytes(struct lt_md *d, const struct lt_report *r);

/*
 * A section per endpoint of eps[0..n): its figures in a line, then (html
 * mode) html[i], its charts, when not NULL.  pick says how they were
 * chosen from all.
 */
void lt_mdsec_detail(struct lt_md *d, const struct lt_report *r,
    const struct lt_rep_ep *const *eps, const struct lt_rep_pick *pick,
    const char *const *html);

#endif
