/*
 * llm.h - token-level measurement of streamed answers (`stream sse` and
 * `stream openai` steps): the SSE framing of the body as it arrives, time
 * to first token, the gaps between content events, output and input
 * tokens, and the stream's own failures (error event, no [DONE], no
 * content, stall).  See lt-events(5) for the fields and their definitions.
 *
 * A struct lt_llm belongs to one transfer (lt_http_xfer.llm) on one loop;
 * it is fed from libcurl's write callback and read in the done callback.
 */
#ifndef LT_LLM_H
#define LT_LLM_H

#include <stddef.h>
#include <stdint.h>

#include <ev.h>

#include "core/buf.h"

struct lt_http_xfer;

/* Gaps kept per request at most; later ones are counted, not kept. */
#define LT_LLM_MAX_GAPS 16384

struct lt_llm {
	struct lt_http_xfer *x;
	struct ev_loop *loop;
	ev_timer stall;     /* the stream timeout */
	long stall_ms;      /* 0: none */
	int openai;         /* read data as OpenAI chunks; need [DONE] */
	int stalled;        /* the stream timeout fired */
	int done;           /* data: [DONE] seen */
	int error;          /* an error event was seen */
	struct lt_buf msg;  /* its message */
	struct lt_buf line; /* the line being assembled */
	struct lt_buf data; /* the event's data lines */
	int ev_error;       /* the event's type is "error" */
	int cr;             /* the last byte was '\r' */
	int64_t first_us;   /* monotonic time of the first content event */
	int64_t last_us;    /* ... of the last one */
	long content;       /* content events */
	long usage_out;     /* usage.completion_tokens, -1: none */
	long usage_in;      /* usage.prompt_tokens, -1: none */
	uint32_t *gaps_us;  /* between consecutive content events */
	size_t ngaps, gaps_cap;
	long gaps_lost; /* past LT_LLM_MAX_GAPS */
};

/* Allocates a measurement for x (on x's loop).  NULL when out of memory. */
struct lt_llm *lt_llm_new(struct lt_http_xfer *x, struct ev_loop *loop);

/* Stops its timer and frees it; NULL is a no-op. */
void lt_llm_free(struct lt_llm *m);

/*
 * Resets m for the next request, just before lt_http_start: openai reads
 * OpenAI chunks, stall_ms > 0 arms the stream timeout (no event for that
 * long cancels the transfer as a stall).
 */
void lt_llm_begin(struct lt_llm *m, int openai, long stall_ms);

/*
 * Prepares x's next request: with openai or stall_ms > 0 it gets a
 * measurement (allocated the first time, then lt_llm_begin); else its
 * measurement, if any, is freed.  Returns 0, or -1 when out of memory.
 */
int lt_llm_setup(
    struct lt_http_xfer *x, struct ev_loop *loop, int openai, long stall_ms);

/* Feeds len body bytes that arrived at monotonic time now_us. */
void lt_llm_feed(struct lt_llm *m, const char *p, size_t len, int64_t now_us);

/*
 * After the transfer: stops the timer and says whether the stream failed
 * on its own terms.  Returns 1 with *cat ("stream" or "stall") and *msg
 * (borrowed until the next request) set, or 0.  A transport failure other
 * than the stall (r_category not NULL) and HTTP statuses >= 400 are left
 * to the caller: returns 0.
 */
int lt_llm_end(struct lt_llm *m, const char *r_category, long status,
    const char **cat, const char **msg);

/*
 * Appends the event fields (",\"ttft_ms\":...") to b; t0_us is the
 * request's monotonic start.
 */
void lt_llm_put(const struct lt_llm *m, struct lt_buf *b, int64_t t0_us);

#endif
