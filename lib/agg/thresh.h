/*
 * thresh.h - threshold expressions (lt-agg --check), a grammar close to
 * k6's thresholds:
 *
 *	expr     = [ endpoint ":" ] metric op number [ unit ]
 *	endpoint = [ METHOD " " ] NAME       (NAME alone: every method)
 *	metric   = "p" NUMBER | "co_p" NUMBER | "avg" | "mean" | "min" | "max"
 *	         | "median" | "rps" | "fps" | "fail_ratio" | "failures"
 *	         | "requests" | "dropped" | "dropped_ratio" | "checks"
 *	         | LLM (lt_llmstat_metric: "ttft_p95",
 *	         "itl_median", "tpot_mean", "goodput", "tokens_per_s"...)
 *	op       = "<" | "<=" | ">" | ">=" | "==" | "!="
 *	unit     = "ms" | "s" | "us"   (times; default ms)
 *	         | "%" (fail_ratio, dropped_ratio, checks)
 *
 * e.g. "p95<300ms", "GET /items/{id}:p99<1s", "fail_ratio<1%", "rps>100".
 * The endpoint part ends at the last ':' so names may contain colons.
 * Spaces around the operator are allowed.  dropped and dropped_ratio are
 * run-wide (open-model iterations that could not start: lt-events(5)
 * "drop"); they take no endpoint.  checks is the fraction of check
 * evaluations that passed (k6's "checks" rate), of the endpoint or of all.
 */
#ifndef LT_THRESH_H
#define LT_THRESH_H

#include "agg/agg.h"
#include "core/buf.h"
#include "core/err.h"

enum lt_thresh_metric {
	LT_TM_PCT,
	LT_TM_CO_PCT,
	LT_TM_MEAN,
	LT_TM_MIN,
	LT_TM_MAX,
	LT_TM_MEDIAN,
	LT_TM_RPS,
	LT_TM_FPS,
	LT_TM_FAIL_RATIO,
	LT_TM_FAILURES,
	LT_TM_REQUESTS,
	LT_TM_DROPPED,
	LT_TM_DROPPED_RATIO,
	LT_TM_CHECKS, /* passed / evaluated checks ("checks", aggcheck.h) */
	LT_TM_LLM,    /* a stream metric (llmstat.h): ttft_p95, goodput... */
};

enum lt_thresh_op {
	LT_OP_LT,
	LT_OP_LE,
	LT_OP_GT,
	LT_OP_GE,
	LT_OP_EQ,
	LT_OP_NE
};

struct lt_thresh {
	char *expr;          /* owned copy of the expression */
	char *method, *name; /* owned; name NULL: the total */
	enum lt_thresh_metric metric;
	char metric_name[24]; /* as written, e.g. "p99.9" */
	double pct;           /* for LT_TM_PCT / LT_TM_CO_PCT / LT_TM_LLM */
	int llm;              /* LT_TM_LLM: which (lt_llmstat_metric) */
	enum lt_thresh_op op;
	double limit; /* in the metric's unit: ms, ratio, 1/s, count */

	/* result of lt_thresh_eval */
	int found;          /* the endpoint exists */
	const char *reason; /* static; non-NULL: no value (no samples) */
	int ok;
	double value;
};

/*
 * Parses expr into t (caller's storage, released by lt_thresh_fini).
 * Returns 0, or -1 with err (LT_EXIT_USAGE) naming the 1-based column:
 * "col 5: expected a number".
 */
int lt_thresh_parse(const char *expr, struct lt_thresh *t, struct lt_err *err);

/* Frees t's strings. */
void lt_thresh_fini(struct lt_thresh *t);

/*
 * Evaluates t against a finished aggregate, setting found, reason, value
 * and ok.  A missing endpoint fails; so does every metric but "requests"
 * and "dropped" when the selection has no requests (reason "no requests":
 * a CI gate must not pass on a run that produced nothing), a latency
 * metric without one latency sample (every request interrupted: "no
 * latency samples"), and co_pNN without corrected samples (a
 * closed-model run).  Returns 0 or -1 (ENOMEM).
 */
int lt_thresh_eval(struct lt_thresh *t, const struct lt_agg *agg);

/* The unit the metric's value and limit are in: "ms", "", "1/s" (ratios
 * are fractions, shown in percent by lt_thresh_describe). */
const char *lt_thresh_unit(const struct lt_thresh *t);

/* Appends the results of n thresholds as a JSON array. 0 or -1. */
int lt_thresh_write_json(const struct lt_thresh *t, size_t n, struct lt_buf *b);

/*
 * Appends one human line in the metric's unit: "PASS p95<300ms: p95 =
 * 12.3 ms (limit < 300 ms)", "FAIL fail_ratio<1%: fail_ratio = 2.27%
 * (limit < 1%)".
 */
int lt_thresh_describe(const struct lt_thresh *t, struct lt_buf *b);

#endif
