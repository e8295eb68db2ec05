/*
 * evscan.h - parsing one line of the event stream (event format v1,
 * lt-events(5)) into a struct lt_event without allocating.
 *
 * Hand-written scanner rather than a JSON library: lt-agg must take
 * millions of events per second, and a DOM parser caps that near 0.2 M/s
 * (shared/reference/apis.md section 5).  It accepts any key order,
 * whitespace, escapes (\uXXXX, surrogate pairs), number forms jq writes
 * (1e-05, 12.3), null for absent fields, and unknown keys with any value
 * (skipped iteratively, never by recursion).
 *
 * Strings are views: into the line when they hold no escape, otherwise into
 * the scanner's scratch storage.  Views stay valid until the next parse on
 * the same scanner and while the line buffer is unchanged.
 */
#ifndef LT_EVSCAN_H
#define LT_EVSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* A string view; ptr NULL means absent or JSON null. */
struct lt_sv {
	const char *ptr;
	size_t len;
};

enum lt_event_type {
	LT_EV_UNKNOWN = 0, /* a type lt does not know: skip, not an error */
	LT_EV_REQ,
	LT_EV_USERS,
	LT_EV_RUN,
	LT_EV_WORKER,
	LT_EV_DROP, /* open model: iterations that could not start */
};

/* One member of a req event's "checks" object. */
struct lt_evcheck {
	struct lt_sv label; /* the check as the scenario wrote it */
	int ok;             /* 1 passed, 0 failed */
};

/* Sentinel for absent numeric fields. */
#define LT_EV_ABSENT INT64_MIN

struct lt_event {
	enum lt_event_type type;
	struct lt_sv type_name; /* the "type" string as written */
	int64_t ts_us;          /* Unix time in microseconds; required */

	/* req */
	struct lt_sv name, method, url, error, class_name;
	int64_t status; /* LT_EV_ABSENT when missing */
	int ok;         /* -1 absent, 0 false, 1 true */
	int64_t latency_us, ttfb_us, connect_us, wait_us; /* or LT_EV_ABSENT */
	int64_t bytes, user;                              /* or LT_EV_ABSENT */
	int64_t bytes_sent; /* request bytes sent; or LT_EV_ABSENT */
	/* req of a measured stream (lt-events(5), optional extension) */
	int64_t ttft_us, e2e_us;             /* or LT_EV_ABSENT */
	int64_t output_tokens, input_tokens; /* or LT_EV_ABSENT */
	struct lt_sv itl_us; /* raw JSON text of the "itl_us" array */
	/* "checks": in the scanner's storage, valid as the string views;
	   members whose value is null are left out */
	const struct lt_evcheck *checks;
	size_t n_checks;

	/* users, drop */
	int64_t count;        /* or LT_EV_ABSENT */
	struct lt_sv classes; /* raw JSON text of the "classes" object */

	/* run */
	struct lt_sv phase, host, reason, scenario;
	struct lt_sv options; /* raw JSON text of the "options" object */

	/* worker */
	struct lt_sv worker, state;
};

struct lt_evscan;

/* Returns a new scanner (NULL on ENOMEM).  Owned by the caller. */
struct lt_evscan *lt_evscan_new(void);

/* Frees a scanner; NULL is a no-op. */
void lt_evscan_free(struct lt_evscan *sc);

/*
 * Parses line[0..len) (no '\n') into *ev.  Returns 0, or -1 with err set to
 * LT_EXIT_USAGE and a reason that names the column ("col 57: expected ','
 * or '}'"); the caller prefixes file and line.  A line that is valid JSON
 * but not an event (no "type", no "ts", a req without "name", a known key
 * with a value of the wrong type, an integer field with a fraction, a
 * number beyond 64 bits, unknown values nested deeper than 64) is an error
 * too.  An unknown "type" is not: ev->type is LT_EV_UNKNOWN.  A req
 * without "method" gets an empty (non-NULL) view.  Numbers are converted
 * exactly from their decimal text, rounding half away from zero.
 * err->code is LT_EXIT_RUNTIME only when scratch memory runs out.
 * Never reads outside line[0..len); allocates only when a line with
 * escapes is longer than any before.
 */
int lt_evscan_parse(struct lt_evscan *sc, const char *line, size_t len,
    struct lt_event *ev, struct lt_err *err);

#endif
