/*
 * aggdoc.h - an aggregate document (lt-aggregate(5), version 1) as plain
 * C structures: what aggread.h fills and its helpers (aggfold.h,
 * aggsec.h) work on.  Types only.
 */
#ifndef LT_AGGDOC_H
#define LT_AGGDOC_H

#include <stddef.h>
#include <stdint.h>

#include "core/hist.h"

#define LT_DOC_TS_NONE INT64_MIN /* a null timestamp */

/*
 * At most this many endpoints are kept, as lt-agg keeps them
 * (LT_AGG_MAX_ENDPOINTS): further ones in a document are folded into
 * "(other)" while reading (aggfold.h) and counted in folded_endpoints.
 */
#define LT_DOC_MAX_ENDPOINTS 1000

struct lt_doc_status {
	int code; /* 0..999; 0: no response */
	int64_t n;
};

struct lt_doc_ep {
	char *method, *name; /* owned; total: "" and "Aggregated" */
	int64_t requests, failures;
	double fail_ratio, rps, fps;
	int64_t min_us, max_us, median_us;
	double mean_us;
	int64_t pct_us[LT_PCT_N]; /* order of lt_pct_list */
	double avg_bytes;
	int64_t bytes;
	int64_t bytes_sent;           /* 0 when absent */
	int has_sent;                 /* "bytes_sent" was there */
	struct lt_doc_status *status; /* owned, ascending code */
	size_t n_status;
	int has_ttfb;
	double ttfb_mean_us;
	int64_t ttfb_pct_us[LT_PCT_N];
	int has_co; /* events carried wait_ms */
	double co_mean_us;
	int64_t co_max_us;
	int64_t co_pct_us[LT_PCT_N];
	int64_t first_ts_us, last_ts_us; /* or LT_DOC_TS_NONE */
	int64_t seq; /* order of first appearance, or -1 when absent */
	struct lt_hist hist, ttfb_hist; /* sig 3 */
	struct lt_hist co_hist;         /* sig 3; counts NULL when !has_co */
};

/* One endpoint within one second (--timeline-endpoints). */
struct lt_doc_sec_ep {
	char *method, *name; /* owned */
	int64_t requests, failures;
	int64_t p50_us, p95_us, p99_us;
	double mean_us;
	struct lt_shist hist; /* sig 2 */
};

struct lt_doc_sec {
	int64_t t;           /* Unix second */
	int64_t users;       /* -1 when null */
	int64_t users_ts_us; /* users event in this second, or NONE */
	int64_t requests, failures, dropped;
	int64_t bytes;      /* response bytes; 0 when absent */
	int64_t bytes_sent; /* request bytes sent; 0 when absent */
	int has_bytes;      /* the second had "bytes" (older lt-agg: not) */
	int64_t p50_us, p95_us, p99_us;
	double mean_us;
	int has_co;
	int64_t co_p50_us, co_p95_us, co_p99_us;
	double co_mean_us;
	struct lt_shist hist, co_hist; /* sig 2 */
	struct lt_doc_sec_ep *eps;     /* owned; NULL without endpoints */
	size_t n_eps;
	int has_eps; /* the second had an "endpoints" object */
};

struct lt_doc_failure {
	char *method, *name, *error; /* owned */
	char *example;               /* owned, or NULL */
	int64_t occurrences;
};

struct lt_doc_thresh {
	char *expr, *metric, *op, *unit; /* owned; op/unit may be NULL */
	char *endpoint;                  /* owned; NULL: the total */
	char *reason; /* owned; NULL: evaluated ("no requests", ...) */
	int ok;
	int has_value;
	double value, limit;
};

/* One user class ("classes", aggclass.h). */
struct lt_doc_class {
	char *name; /* owned */
	int folded; /* the "(other)" entry of folded classes */
	int64_t requests, failures, bytes, seq;
	int64_t bytes_sent; /* 0 when absent */
	int has_sent;       /* "bytes_sent" was there */
	double fail_ratio, rps, mean_us;
	int64_t min_us, max_us, median_us;
	int64_t pct_us[LT_PCT_N]; /* order of lt_pct_list */
	struct lt_hist hist;      /* sig 3 */
};

/* One check of one endpoint ("checks", aggcheck.h). */
struct lt_doc_check {
	char *method, *name, *check; /* owned */
	int folded; /* the "(other)" entry of pairs past the cap */
	int64_t passes, fails, seq;
};

struct lt_doc_reject {
	char *file, *reason; /* owned */
	int64_t line;
};

struct lt_aggdoc {
	int version;
	char *lt_version; /* owned or NULL */

	/* run */
	int64_t start_us, end_us;
	double duration_s;
	char *host, *scenario, *end_reason; /* owned or NULL */
	char *options_json; /* owned compact JSON text, or NULL */
	int64_t runs, max_users, dropped;
	int64_t run_start_us, run_end_us; /* or LT_DOC_TS_NONE */
	int64_t first_event_us, last_event_us, last_completion_us;

	/* input */
	int64_t lines, events, rejected, unknown, other_endpoint_events;
	int64_t folded_endpoints; /* beyond the cap, folded while reading
	                             (their events are in
	                             other_endpoint_events too) */
	struct lt_doc_reject *rejects;
	size_t n_rejects;

	struct lt_doc_ep *eps; /* owned, in document order */
	size_t n_eps;
	struct lt_doc_ep total;
	struct lt_doc_sec *timeline; /* owned, in document order */
	size_t n_timeline;
	struct lt_doc_failure *failures;
	size_t n_failures;
	struct lt_doc_thresh *thresholds;
	size_t n_thresholds;
	char *baseline_json; /* owned compact JSON text, or NULL */
	char *llm_json;      /* "llm": owned compact JSON text, or NULL */
	struct lt_doc_class *classes; /* owned; NULL: no "classes" */
	size_t n_classes;
	struct lt_doc_check *checks; /* owned; NULL: no "checks" */
	size_t n_checks;
};

#endif
