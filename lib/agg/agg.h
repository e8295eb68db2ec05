/*
 * agg.h - the aggregator behind lt-agg: events in, statistics out.
 *
 * State is proportional to the endpoints and the seconds seen, never to
 * the events (DESIGN.md): per endpoint (method + name) counters, status
 * code counts and sig-3 histograms of latency, time to first byte and,
 * for open-model events carrying wait_ms, coordinated-omission-corrected
 * latency (wait + latency); a per-second timeline (timeline.h); failures
 * grouped by method, name and error.  The hot path (lt_agg_line) parses
 * one line with evscan, finds the endpoint in a hash table and records
 * into preallocated histograms: no allocation per event.
 *
 * Semantics follow Locust's stats module (shared/reference/locust.md
 * section 4): a failed request counts as a request and a failure; rps and
 * fps are whole-run averages over run.duration_s; fail_ratio is
 * failures / requests.  The "Aggregated" total is computed at the end by
 * merging the endpoints, which keeps the per-event work to one record.
 */
#ifndef LT_AGG_H
#define LT_AGG_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/evscan.h"
#include "core/hist.h"
#include "agg/keytab.h"
#include "agg/llmstat.h"
#include "agg/timeline.h"

#define LT_AGG_REJECTS        10   /* rejects listed in the aggregate */
#define LT_AGG_MAX_ENDPOINTS  1000 /* further ones fold into "(other)" */
#define LT_AGG_MAX_FAILGROUPS 1000 /* further errors fold together */
#define LT_STATUS_N           1000 /* status codes 0..999 */
#define LT_TS_NONE            INT64_MIN

struct lt_aggcls;
struct lt_aggchk;

struct lt_ep {
	struct lt_keyed key; /* p[0] method, p[1] name */
	int64_t requests, failures, bytes;
	int64_t bytes_sent; /* request bytes sent, of events that had them */
	int has_sent;       /* some event had "bytes_sent" */
	int64_t first_ts_us, last_ts_us; /* request start times */
	int64_t seq;         /* order of first appearance, 0-based ("seq") */
	struct lt_hist hist; /* latency; always allocated */
	struct lt_hist ttfb, co; /* counts NULL until first used */
	int64_t *status;         /* LT_STATUS_N counts */
	struct lt_series *tl;    /* with timeline_endpoints, else NULL */
	int64_t live_requests, live_failures; /* at the last live table */
	struct lt_llmep *llm; /* stream statistics (llmstat.h), or NULL */
};

struct lt_failgroup {
	struct lt_keyed key; /* p[0] method, p[1] name, p[2] error key */
	int64_t occurrences;
	char *example; /* owned; the first message seen when it differs
	                  from the key (aggerr.h), else NULL */
	size_t example_len;
};

struct lt_reject {
	char file[256];
	int64_t line;
	char reason[192];
};

struct lt_agg_opts {
	int timeline_endpoints; /* per-endpoint series in the timeline */
	/*
	 * A time window (lt-agg --since/--until) relative to the run start
	 * (the run start event, else the earliest event seen): req, users
	 * and drop events outside [since, until) are counted in `outside`
	 * and left out, and the run span is clipped to it.  0: no bound.
	 */
	int64_t since_us, until_us;
};

struct lt_agg {
	struct lt_agg_opts opts;

	/* input accounting */
	int64_t lines, events, rejected, unknown, other_endpoint_events;
	int64_t outside;      /* events outside the time window */
	int64_t win_first_us; /* earliest windowed event (the base when
	                          there is no run start) */
	struct lt_reject rejects[LT_AGG_REJECTS];
	int nrejects;

	/* run */
	int64_t run_start_us, run_end_us; /* LT_TS_NONE when absent */
	int64_t first_us;                 /* earliest event ts */
	int64_t last_req_us; /* latest request completion (ts+latency) */
	int64_t last_us;     /* latest event ts */
	char *host, *scenario, *options, *end_reason; /* owned or NULL */
	int64_t runs, max_users, dropped;

	/* endpoints, in order of appearance until lt_agg_finish sorts them */
	struct lt_keytab ep_tab;
	struct lt_ep **eps;
	size_t n_eps, eps_alloc;
	struct lt_ep *other; /* "(other)" once an endpoint was folded */

	struct lt_series tl;   /* all requests */
	struct lt_llmagg *llm; /* streams (llmstat.h), NULL: none seen */
	struct lt_aggcls *cls; /* user classes (aggclass.h), NULL: none */
	struct lt_aggchk *chk; /* checks (aggcheck.h), NULL: none seen */
	int tl_no_bytes;       /* a merged document's timeline had no bytes */

	struct lt_keytab fail_tab;
	struct lt_failgroup **fails;
	size_t n_fails, fails_alloc;
	struct lt_buf errkey; /* scratch for lt_aggerr_key */

	int64_t live_requests,
	    live_failures; /* totals at the last live table */

	/* set by lt_agg_finish */
	struct lt_ep total;
	int64_t start_us, end_us; /* run.start, run.end */
	int finished;
};

/* Derived statistics of one endpoint (or the total), Locust's set. */
struct lt_ep_stats {
	int64_t requests, failures;
	double fail_ratio, rps, fps;
	int64_t min_us, max_us, median_us;
	double mean_us;
	int64_t pct_us[LT_PCT_N];
	double avg_bytes;
	int has_ttfb;
	double ttfb_mean_us;
	int64_t ttfb_pct_us[LT_PCT_N];
	int has_co;
	double co_mean_us;
	int64_t co_max_us;
	int64_t co_pct_us[LT_PCT_N];
};

/* A new aggregator (NULL on ENOMEM); free with lt_agg_free. */
struct lt_agg *lt_agg_new(const struct lt_agg_opts *opts);

/* Frees agg and everything it owns; NULL is a no-op. */
void lt_agg_free(struct lt_agg *agg);

/*
 * Takes one input line: counts it, parses it with sc and adds the event.
 * Returns 0 when used (or skipped as an unknown type), 1 when rejected
 * (recorded in the input accounting as file:lineno; err holds the reason,
 * LT_EXIT_USAGE, already prefixed with "file:lineno: "), -1 on a runtime
 * failure (ENOMEM; err set, LT_EXIT_RUNTIME).
 */
int lt_agg_line(struct lt_agg *agg, struct lt_evscan *sc, const char *line,
    size_t len, const char *file, int64_t lineno, struct lt_err *err);

/* Counts a line that never reached the parser (too long): a reject. */
void lt_agg_reject(
    struct lt_agg *agg, const char *file, int64_t lineno, const char *reason);

/* Adds one parsed event.  Returns 0, 1 (rejected: err says why) or -1. */
int lt_agg_event(
    struct lt_agg *agg, const struct lt_event *ev, struct lt_err *err);

/*
 * The endpoint (method, name), created if new; NULL on ENOMEM.  Beyond
 * LT_AGG_MAX_ENDPOINTS named endpoints (the "(other)" one does not take
 * a slot), a new name gives "(other)" and counts one event in
 * other_endpoint_events.
 */
struct lt_ep *lt_agg_ep(struct lt_agg *agg, const char *method,
    size_t method_len, const char *name, size_t name_len);

/*
 * As lt_agg_ep, for merging: a folded name counts `events` (its
 * requests) in other_endpoint_events; ("", "(other)") is "(other)".
 */
struct lt_ep *lt_agg_ep_n(struct lt_agg *agg, const char *method,
    size_t method_len, const char *name, size_t name_len, int64_t events);

/*
 * Adds n occurrences of error to the failure group of (method, name, the
 * error's grouping key: aggerr.h).  example is the message to keep as the
 * group's example (a merged document's), or NULL: error itself when it
 * differs from its key.  Returns 0 or -1 (ENOMEM).
 */
int lt_agg_fail(struct lt_agg *agg, const char *method, size_t method_len,
    const char *name, size_t name_len, const char *error, size_t error_len,
    const char *example, size_t example_len, int64_t n);

/* Allocates ep's optional histogram h (ttfb or co) if needed: 0 or -1. */
int lt_agg_ep_hist(struct lt_hist *h);

/*
 * Completes the aggregate: flushes the timelines, sorts endpoints (name,
 * then method) and failures (occurrences descending, then method, name,
 * error), computes the total and the run span.  May be called again after
 * more input (lt-agg --live calls it for each table).  0 or -1 (ENOMEM).
 */
int lt_agg_finish(struct lt_agg *agg);

/* Run duration in seconds, and in us (after lt_agg_finish). */
double lt_agg_duration_s(const struct lt_agg *agg);
int64_t lt_agg_duration_us(const struct lt_agg *agg);

/* Fills st for ep (an endpoint or &agg->total) after lt_agg_finish. */
void lt_agg_stats(
    const struct lt_agg *agg, const struct lt_ep *ep, struct lt_ep_stats *st);

/* Frees an endpoint's storage (for endpoints built outside an agg). */
void lt_ep_fini(struct lt_ep *ep);

/* Initialises an endpoint's storage: 0 or -1 (ENOMEM). */
int lt_ep_init(struct lt_ep *ep, int with_tl);

/* Adds src's counters and histograms into dst: 0 or -1 (ENOMEM). */
int lt_ep_add(struct lt_ep *dst, const struct lt_ep *src);

#endif
