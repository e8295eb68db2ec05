/*
 * csv.h - Locust-compatible CSV files from an lt report model.
 *
 * The four files Locust 2.x writes with --csv PREFIX, with exactly its
 * header rows, column order, Aggregated row, CRLF line ends (Python's csv
 * module) and number formats (Python float repr; percentiles as integer
 * milliseconds; "N/A" percentiles for an endpoint without requests), so
 * that tools built for Locust's CSVs read lt's unchanged.  Differences in
 * the values, not the format, are documented in lt-report(1): lt's
 * percentiles come from HDR histograms (<= 0.1% error, then rounded to
 * the millisecond) where Locust rounds to two significant digits first.
 */
#ifndef LT_CSV_H
#define LT_CSV_H

#include "core/buf.h"
#include "report/report.h"

/* Appends one field, quoted the way Python's csv.QUOTE_MINIMAL does. */
int lt_csv_field(struct lt_buf *b, const char *s);

/*
 * Appends v as Python's repr(float) writes it: the shortest string that
 * reads back as v, with ".0" on integral values, exponent form outside
 * 1e-4 <= |v| < 1e16.
 */
int lt_csv_pyfloat(struct lt_buf *b, double v);

/* PREFIX_stats.csv: endpoints sorted by name and method, then Aggregated. */
int lt_csv_stats(struct lt_buf *b, const struct lt_report *r);

/*
 * PREFIX_stats_history.csv: one Aggregated row per second from the first
 * to the last second of the timeline; percentiles and Total columns are
 * cumulative up to that second (Locust's default, without
 * --csv-full-history), Requests/s and Failures/s are that second's counts.
 * With r->csv_full_history and per-endpoint series in the timeline
 * (lt-agg --timeline-endpoints), each second first has a row per endpoint
 * that has had requests so far (Type is the method), as Locust's
 * --csv-full-history writes.
 * Returns 0, or -1 when memory runs out.
 */
int lt_csv_history(struct lt_buf *b, const struct lt_report *r);

/* PREFIX_failures.csv (Locust 2.12 columns). */
int lt_csv_failures(struct lt_buf *b, const struct lt_report *r);

/*
 * PREFIX_exceptions.csv: the failures of exec tasks (error category
 * "exec"), lt's errors of the test's own code: Count, Message (the
 * error), Traceback ("exec task NAME"), Nodes ("local").
 */
int lt_csv_exceptions(struct lt_buf *b, const struct lt_report *r);

#endif
