/*
 * llmstat.h - streamed-answer statistics of lt-agg: per endpoint TTFT,
 * ITL (every inter-token gap one sample), TPOT and e2e histograms, token
 * counts, goodput against SLOs (--goodput), and output tokens per second
 * in the timeline.  Definitions in lt-aggregate(5); they follow vLLM's
 * benchmark_serving except TTFT, which lt-run measures to the first event
 * with content (lt-events(5)).
 *
 * Only req events that carry "output_tokens" (a measured stream) count.
 * Histograms (sig 3, like the latency ones) are written into the
 * aggregate's "llm" object, so --merge adds them exactly.
 *
 * This file knows only its own types: the aggregator (agg.h) holds them
 * and passes them in.  What needs the whole aggregate (the "llm" object,
 * the text summary, a threshold's value) is in llmjson.h.
 */
#ifndef LT_LLMSTAT_H
#define LT_LLMSTAT_H

#include <stdint.h>

#include "agg/hist.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/evscan.h"

enum lt_llm_h { LT_LLM_TTFT, LT_LLM_ITL, LT_LLM_TPOT, LT_LLM_E2E, LT_LLM_NH };

/* One endpoint's (or the total's) stream statistics. */
struct lt_llmep {
	int64_t streams;               /* requests measured as streams */
	int64_t completed;             /* of them, not failed */
	int64_t out_tokens, in_tokens; /* of the completed ones */
	int64_t good;                  /* completed and meeting every SLO */
	struct lt_hist h[LT_LLM_NH];   /* of the completed ones, us */
};

/* One second of output tokens (by arrival time of each token). */
struct lt_llmsec {
	int64_t t, tokens;
};

/* The aggregator's stream state (lt_agg.llm); NULL until a stream. */
struct lt_llmagg {
	int has_slo;
	char *slo;              /* owned, normalised text, or NULL */
	int64_t slo_us[3];      /* ttft, tpot, e2e limits; -1: none */
	int slo_le[3];          /* 1: <=, 0: < */
	struct lt_llmsec *secs; /* open addressing by t, cap a power of 2 */
	size_t nsecs, cap;
	int merged; /* "llm" objects merged so far (--merge) */
};

/* Parses a goodput spec ("ttft<200ms,tpot<50ms,e2e<=2s") into *g (created
 * if NULL): 0, or -1 with err (LT_EXIT_USAGE). */
int lt_llmstat_goodput(
    struct lt_llmagg **g, const char *spec, struct lt_err *err);

/* Creates the aggregator's stream state *g if NULL: 0 or -1 (ENOMEM). */
int lt_llmstat_goodput_none(struct lt_llmagg **g, struct lt_err *err);

/* Adds n output tokens to Unix second t of g's timeline: 0 or -1. */
int lt_llmstat_add_tokens(struct lt_llmagg *g, int64_t t, int64_t n);

/* Records a req event into an endpoint's *e (and the aggregator's token
 * timeline in *g) when it is a measured stream; either is created if NULL.
 * failed: the request failed.  0, or -1 (ENOMEM). */
int lt_llmstat_record(struct lt_llmagg **g, struct lt_llmep **e,
    const struct lt_event *ev, int failed, struct lt_err *err);

/* Adds src into dst (dst's storage allocated when needed): 0 or -1. */
int lt_llmstat_add(struct lt_llmep **dst, const struct lt_llmep *src);

/* Frees an endpoint's stream statistics; NULL is a no-op. */
void lt_llmstat_ep_free(struct lt_llmep *e);

/* Frees the aggregator's stream state; NULL is a no-op. */
void lt_llmstat_free(struct lt_llmagg *g);

/*
 * Thresholds: recognises an LLM metric at s (ttft_p95, itl_median,
 * tpot_mean, e2e_max, tokens_per_s, goodput, goodput_rps, output_tokens,
 * streams).  Returns its length, 0 when s is none; *which and *pct say
 * what it is.
 */
size_t lt_llmstat_metric(const char *s, int *which, double *pct);

/* The metric's unit: "ms", "1/s", "ratio" or "". */
const char *lt_llmstat_unit(int which);

/* e's value of the metric, g the aggregator's stream state (or NULL) and
 * dur_s the run's duration in seconds; *reason set when it has none. */
double lt_llmstat_ep_value(const struct lt_llmagg *g, double dur_s,
    const struct lt_llmep *e, int which, double pct, const char **reason);

#endif
