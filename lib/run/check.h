/*
 * check.h - checks ("expect ...") and captures ("save ...") evaluated on a
 * finished response: Locust's catch_response, as data.
 *
 * Checks and captures are compiled at load (regexes with regcomp(3), JSON
 * paths split into steps, expected JSON values parsed); evaluation reads
 * the status, the raw header block, the body and the latency the engine
 * collected.  The body is parsed as JSON (jansson) only when one of the
 * step's checks or captures needs it.  Pure code: no I/O, no globals.
 *
 * JSON paths (a subset of jq): ".a.b[0].c", ".token", ".[2].id", "." (the
 * whole document), ".\"odd key\"".  Regexes are POSIX extended (regex(7))
 * plus "\d" and "\D", which are rewritten to [0-9] and [^0-9].
 */
#ifndef LT_CHECK_H
#define LT_CHECK_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "run/tmpl.h"

/* One step of a JSON path: an object key or an array index. */
struct lt_jpath_seg {
	const char *key; /* NULL for an index */
	size_t key_len;
	long index; /* negative counts from the end (-1: last) */
};

struct lt_jpath {
	const char *src; /* as written, for messages */
	struct lt_jpath_seg *segs;
	size_t nsegs; /* 0: the whole document */
};

struct lt_status_range {
	int lo, hi; /* inclusive */
};

enum lt_check_kind {
	LT_CHK_STATUS,        /* ranges: status within any of them */
	LT_CHK_BODY_CONTAINS, /* text (a template) */
	LT_CHK_BODY_LACKS,    /* "not contains": text */
	LT_CHK_BODY_MATCH,    /* re */
	LT_CHK_BODY_NOMATCH,  /* re */
	LT_CHK_JSON_EXISTS,   /* path */
	LT_CHK_JSON_MISSING,  /* path: "not exists" */
	LT_CHK_JSON_EQ,       /* path == value (a template parsed as JSON,
				   or a bare word compared as a string) */
	LT_CHK_JSON_NE,       /* path != value */
	LT_CHK_JSON_MATCH,    /* path ~ re: the value as text */
	LT_CHK_HEADER_EXISTS, /* name */
	LT_CHK_HEADER_EQ,     /* name == text (case-sensitive value) */
	LT_CHK_HEADER_MATCH,  /* name ~ re */
	LT_CHK_LATENCY,       /* latency_us < max_latency_us */
};

struct lt_check {
	enum lt_check_kind kind;
	int line;          /* scenario line, for messages */
	const char *src;   /* the line after "expect", as written */
	const char *label; /* the check's name in events ("checks"): src,
	                      with a credential header's value masked */
	struct lt_status_range *ranges; /* LT_CHK_STATUS */
	size_t nranges;
	struct lt_tmpl *text; /* contains/lacks/EQ value */
	void *value_json;     /* EQ/NE: json_t * parsed at load when
					   text is literal, else NULL */
	regex_t re;           /* *_MATCH */
	int has_re;
	const char *re_src;
	struct lt_jpath path;   /* LT_CHK_JSON_* */
	const char *header;     /* LT_CHK_HEADER_* */
	int64_t max_latency_us; /* LT_CHK_LATENCY */
};

enum lt_capture_kind {
	LT_CAP_JSON,   /* path: strings unquoted, others as JSON */
	LT_CAP_HEADER, /* header: its value */
	LT_CAP_REGEX,  /* re on the body: group 1, or the whole match */
	LT_CAP_STATUS, /* the status code as decimal text */
	LT_CAP_BODY,   /* the whole body */
};

struct lt_capture {
	enum lt_capture_kind kind;
	int line;
	const char *label; /* "save " and the rest of the line */
	size_t var;        /* variable id (lt_tmpl_env_var) */
	struct lt_jpath path;
	const char *header;
	regex_t re;
	int has_re;
	const char *re_src;
};

/* All checks and captures of one step, in the order written. */
struct lt_checks {
	struct lt_check *v;
	size_t n;
	struct lt_capture *cap;
	size_t ncap;
	int need_json;  /* some check or capture reads the JSON body */
	int has_status; /* an "expect status": no default rule */
};

/* What the engine collected for one finished request (or exec). */
struct lt_response {
	long status;         /* HTTP status; exec: the exit status */
	const char *headers; /* raw header lines as received ("Name:
				   value\r\n"...); after redirects only the
				   last block (from the last "HTTP/" line)
				   counts.  May be NULL. */
	size_t headers_len;
	const char *body; /* may be NULL when body_len is 0 */
	size_t body_len;
	int64_t latency_us;
	int show_secrets; /* quote credential headers in clear */
};

enum lt_check_result {
	LT_CHECK_OK = 0,
	LT_CHECK_FAIL = 1, /* reason: "check: ..." */
	LT_CHECK_HTTP = 2, /* no "expect status" and status >= 400;
				   reason: "http: status 503" */
};

/* What lt_check_eval records for each check and capture. */
enum lt_check_mark {
	LT_MARK_NOT_RUN = 0, /* a capture after a failed status check */
	LT_MARK_PASS = 1,
	LT_MARK_FAIL = 2,
};

/*
 * Evaluates cs on resp: the status checks, then (when they passed) the
 * captures into ctx->vars, then every other check.  Every check is
 * evaluated even after one failed, as k6 does, so that each has a pass
 * and a failure count; a capture that finds nothing fails and leaves its
 * variable as it was.  Without an "expect status", a status of 400 or
 * more fails as LT_CHECK_HTTP and the captures are not run.
 *
 * Returns an enum lt_check_result, or -1 on ENOMEM.  On a failure, reason
 * receives the first failure's message (reset first), e.g. "check: status
 * 500 != 200", "check: body lacks \"price\"", "check: json .token
 * missing", "check: save token: no header Location".  When marks is not
 * NULL, marks[i] (i < cs->n) receives an enum lt_check_mark for check i
 * and marks[cs->n + k] for capture k.  Templates in expected values are
 * expanded with ctx; scratch is a caller's reusable buffer.  Runs on the
 * user's loop thread.
 */
int lt_check_eval(const struct lt_checks *cs, const struct lt_response *resp,
    struct lt_tmpl_ctx *ctx, struct lt_buf *scratch, struct lt_buf *reason,
    unsigned char *marks);

/*
 * Finds header name (case-insensitive) in resp's last header block.
 * Returns a pointer to its value (trimmed, not NUL-terminated) and sets
 * *len, or NULL when absent.
 */
const char *lt_check_header(
    const struct lt_response *resp, const char *name, size_t *len);

/*
 * Compiles a JSON path ("." , ".a.b[0]", ".[2].id") into *p (arena).
 * Returns 0, or -1 with err ("expected a key or [index] after '.'") and
 * *err_col the 1-based offset in src.
 */
int lt_jpath_compile(struct lt_arena *a, const char *src, struct lt_jpath *p,
    int *err_col, struct lt_err *err);

/*
 * Compiles a POSIX extended regex with \d and \D rewritten.  Returns 0 or
 * -1 with err holding regerror(3)'s text.  Free with regfree(3).
 */
int lt_check_regcomp(
    regex_t *re, const char *src, int flags, struct lt_err *err);

/* Releases the regexes held by cs (called by lt_scenario_free). */
void lt_checks_fini(struct lt_checks *cs);

#endif
