/*
 * report.h - lt-report's model of one aggregate, and the report writers.
 *
 * lt-report renders an aggregate (lt-aggregate(5), written by lt-agg) as
 * Locust-compatible CSV files, a self-contained HTML page and a Markdown
 * text.  The writers work on this flat, read-only model rather than on a
 * JSON tree so that each of them is a plain loop over arrays; the model
 * is filled from the aggregate reader (lt_report_load) and owned by one
 * arena-like allocation group freed by lt_report_free.
 *
 * The aggregate is read by aggread.c (the one aggregate reader, shared
 * with lt-agg --merge); this model is a view of that document converted to
 * what the writers print: times in milliseconds (double), timestamps in
 * Unix seconds.  Strings and histograms point into the document, which the
 * report owns.
 */
#ifndef LT_REPORT_H
#define LT_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "agg/aggread.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/hist.h"

/* Locust's percentile set (hist.h lt_pct_list): labels "50%" ... "100%". */
#define LT_REP_NPCT LT_PCT_N
extern const char *const lt_rep_pct_label[LT_REP_NPCT];

struct lt_rep_status {
	char code[16]; /* "200", "0" for no response */
	int64_t count;
};

struct lt_rep_ep {
	const char *method, *name; /* total: "" and "Aggregated" */
	int64_t requests, failures, bytes;
	int64_t bytes_sent; /* when has_sent */
	int has_sent;       /* the aggregate had "bytes_sent" */
	double fail_ratio, rps, fps;
	double min_ms, max_ms, mean_ms, median_ms, avg_bytes;
	double pct_ms[LT_REP_NPCT]; /* valid when requests > 0 */
	size_t n_status;
	struct lt_rep_status *status;
	int has_co; /* CO-corrected latency present */
	double co_mean_ms, co_max_ms, co_pct_ms[LT_REP_NPCT];
	const struct lt_hist *hist;    /* sig 3; may be empty */
	const struct lt_hist *co_hist; /* NULL without CO data */
};

struct lt_rep_sec {
	int64_t t;     /* Unix second */
	int64_t users; /* -1 when unknown */
	int64_t requests, failures, dropped;
	int64_t bytes; /* response bytes (when the report's has_sec_bytes) */
	double p50_ms, p95_ms, p99_ms, mean_ms;
	int has_co;
	double co_p50_ms, co_p99_ms;
	const struct lt_shist *hist;  /* sig 2 */
	const struct lt_doc_sec *src; /* per-endpoint series, if any */
};

struct lt_rep_fail {
	const char *method, *name, *error;
	int64_t occurrences;
};

struct lt_rep_thr {
	const char *expr, *metric, *endpoint; /* endpoint NULL: the total */
	int ok;
	int has_value; /* 0: lt-agg had no value (no samples) */
	double value, limit;
};

/* One key/value of the run's options, rendered as text (owned). */
struct lt_rep_opt {
	char *key, *value;
};

struct lt_report {
	struct lt_aggdoc doc;   /* the aggregate as read; owned */
	const char *lt_version; /* NULL when unknown */
	double start, end, duration_s;
	const char *host, *scenario, *end_reason; /* NULL when unknown */
	int64_t runs, max_users, dropped;
	size_t n_opts;
	struct lt_rep_opt *opts;
	int64_t in_lines, in_events, in_rejected, in_unknown;
	size_t n_eps;
	struct lt_rep_ep *eps;
	struct lt_rep_ep total;
	size_t n_secs;
	struct lt_rep_sec *secs;
	size_t n_fails;
	struct lt_rep_fail *fails;
	size_t n_thrs;
	struct lt_rep_thr *thrs;
	int has_co;        /* any endpoint or second has CO data */
	int has_sec_eps;   /* the timeline has per-endpoint series */
	int has_sec_bytes; /* every second has bytes (lt-agg from issue 14 on) */
	int csv_full_history; /* set by the caller: the history CSV gets
				 per-endpoint rows (Locust's
				 --csv-full-history) when has_sec_eps */
	int csv_safe;         /* set by the caller: CSV text fields escaped
				 against formula injection (csv.c) */
};

/*
 * Reads the aggregate at path ("-" or NULL: stdin) into a new report.
 * Returns it (free with lt_report_free), or NULL with err set: code
 * LT_EXIT_USAGE for unreadable or malformed input (message names the file
 * and, for JSON errors, the line), LT_EXIT_RUNTIME for out of memory.
 */
struct lt_report *lt_report_load(const char *path, struct lt_err *err);

/*
 * Like lt_report_load, from text[0..len) (name for messages): for tests
 * and fuzzing.
 */
struct lt_report *lt_report_parse(
    const char *text, size_t len, const char *name, struct lt_err *err);

/*
 * The largest span of seconds a timeline may cover for the writers to
 * walk it second by second (gap filling, charts): about three years.
 */
#define LT_REP_MAX_SPAN 100000000

/*
 * 1 when the timeline is ascending, in non-negative seconds, and spans at
 * most LT_REP_MAX_SPAN: the writers then walk it second by second; else
 * they leave out what needs that walk (the history rows between entries,
 * the timeline charts).  0 for an empty timeline.
 */
int lt_report_timeline_ok(const struct lt_report *r);

/*
 * The history CSV fills a gap in the timeline with a row per second, as
 * Locust writes one every second, when the gap holds at most this many
 * seconds without events (an idle hour); a wider one (a stray event with
 * a wrong clock, weeks away) is left out (QA F30).
 */
#define LT_REP_GAP_FILL_MAX 3600

/*
 * Counts the gaps of r's timeline with more than max seconds without
 * events between two entries; *from and *to get the entries around the
 * widest.  0 when the timeline is not sane (lt_report_timeline_ok).
 */
size_t lt_report_gaps(
    const struct lt_report *r, int64_t max, int64_t *from, int64_t *to);

/*
 * When the history leaves gaps out, writes a one-line note saying so into
 * msg ("no events for 4999998 s (from A to B): the history leaves that
 * gap out") and returns 1; else 0.
 */
int lt_report_gap_note(const struct lt_report *r, char *msg, size_t cap);

/* Frees a report and everything it owns; NULL is a no-op. */
void lt_report_free(struct lt_report *r);

/* Finds the endpoint with this method and name, or NULL. */
const struct lt_rep_ep *lt_report_find(
    const struct lt_report *r, const char *method, const char *name);

/* What lt_report_pick chose from. */
struct lt_rep_pick {
	size_t picked, with_requests; /* endpoints picked, of those with any */
	size_t picked_failing, failing; /* of them flagged, of all */
};

/*
 * Picks at most max endpoints that had requests into out, in report
 * order: every flagged endpoint first (with failures, or with flag[i] set
 * for r->eps[i] when flag is not NULL: regressions), the busiest of them
 * when there are more, then the busiest others.  Fills p.  Returns the
 * number picked, or -1 when memory ran out.
 */
int lt_report_pick(const struct lt_report *r, size_t max,
    const unsigned char *flag, const struct lt_rep_ep **out,
    struct lt_rep_pick *p);

/* Percentile p (in percent, 0 < p <= 100) of h in ms; 0 when empty. */
double lt_rep_pct_ms(const struct lt_hist *h, double p);

#endif
