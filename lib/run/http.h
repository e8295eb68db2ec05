/*
 * http.h - the HTTP engine of lt-run: one libcurl multi handle driven by
 * one libev loop through curl_multi_socket_action (apis.md section 1).
 *
 * A struct lt_http_multi belongs to one loop and is used from that loop's thread
 * only.  A transfer (struct lt_http_xfer) is caller's storage that lives as
 * long as the simulated user that owns it: its easy handle is created once
 * and reused for every request, so the cookie jar is per user and the hot
 * path does not allocate.  Connections are pooled by the multi handle.
 * By default one connection carries one request at a time (no HTTP/2
 * multiplexing), like wrk and Locust; `http2` turns multiplexing on.
 */
#ifndef LT_HTTP_H
#define LT_HTTP_H

#include <stdint.h>

#include <curl/curl.h>
#include <ev.h>

#include "core/buf.h"
#include "core/err.h"

/* Redirects followed at most per request (curl(1) uses 50 too). */
#define LT_HTTP_MAX_REDIRS 50

struct lt_http_opts {
	const char *host; /* base URL; its host name is resolved once */
	int http2;        /* allow HTTP/2 and multiplex streams */
	int insecure;     /* do not verify TLS peers */
	long timeout_ms;  /* default per-request timeout, 0: none */
	long connect_timeout_ms;
	long max_connects;    /* idle connections kept: one per user */
	long max_total;       /* open connections and transfers in flight at
	                         most, 0: no limit; later ones wait, first in
	                         first out; the wait is in their latency and
	                         counts toward their timeout */
	const char *username; /* HTTP auth from the base URL, NULL: none */
	const char *password;
};

struct lt_http_multi {
	struct ev_loop *loop;
	CURLM *multi;
	ev_timer timer;
	ev_prepare prepare; /* runs transfers started this turn */
	int running;
	int active;                 /* transfers added and not finished */
	int kick;                   /* transfers added since the last action */
	struct lt_http_xfer *qhead; /* started, waiting for a free connection */
	struct lt_http_xfer *qtail;
	struct curl_slist *resolve;  /* pinned DNS for the host */
	struct lt_http_sock **socks; /* by socket number, see httpsock.c */
	size_t nsocks;
	struct lt_http_opts opts;
};

/* Result of one transfer, filled before the done callback. */
struct lt_http_result {
	int code;           /* CURLcode */
	long status;        /* HTTP status, 0 without a response */
	int64_t latency_us; /* whole request, body included */
	int64_t ttfb_us;
	int64_t connect_us; /* 0 on a reused connection */
	int64_t bytes;      /* response body bytes */
	int64_t bytes_sent; /* request bytes as libcurl sent them, see
			       http_finish */
	int new_conn;
	long http_version;      /* CURL_HTTP_VERSION_*, read with HTTP/2 on */
	int64_t first_chunk_us; /* streaming: -1 when no chunk came */
	long events;            /* streaming: SSE events seen */
	const char *category;   /* NULL when the transport succeeded */
	const char *message;    /* curl's error text, NULL on success */
};

struct lt_http_xfer;
typedef void lt_http_done_fn(struct lt_http_xfer *x, void *arg);

struct lt_http_xfer {
	struct lt_http_multi *http;
	CURL *easy;
	int busy;           /* started and not finished: queued or added */
	int queued;         /* waiting in the multi's queue, not yet added */
	int want_body;      /* collect the body into body (up to its cap) */
	int want_headers;   /* collect header lines into headers */
	int streaming;      /* time the first chunk, count SSE events */
	struct lt_llm *llm; /* token measurement (run/llm.h), NULL: none;
			       owned, freed by lt_http_xfer_fini */
	/* llm's functions, set with llm by lt_llm_setup: the driver calls
	 * them without including llm.h, which includes this header */
	void (*llm_feed)(
	    struct lt_llm *m, const char *p, size_t len, int64_t now_us);
	void (*llm_free)(struct lt_llm *m);
	int http2;        /* this request allows HTTP/2 */
	long timeout_ms;  /* this request's CURLOPT_TIMEOUT_MS, for messages;
	                     0: the multi handle's default */
	int64_t t0_us;    /* CLOCK_MONOTONIC at start */
	int64_t queue_us; /* time spent queued before it was added, and in
			     attempts refused by a closing HTTP/2
			     connection (see retry_refused in httpqueue.c) */
	int refused;      /* such attempts of this request so far */
	int64_t first_us; /* monotonic time of the first body chunk */
	long events;
	char last; /* last body byte seen, for SSE framing */
	int64_t bytes;
	int body_apart; /* the body does not go with the headers even when
			   small (Expect: 100-continue, chunked): see
			   http_finish */
	int sent;       /* requests handed to the connection (prereq callback):
	             libcurl retries one a dying keep-alive connection took */
	struct lt_buf body;
	struct lt_buf headers;
	struct lt_http_result res;
	lt_http_done_fn *done;
	void *arg;
	struct lt_http_xfer *qnext, *qprev; /* in the multi's queue */
	CURLU *url;        /* parsed once per distinct URL, see set_url */
	uint64_t url_hash; /* of the URL set on the easy handle */
	char errbuf[CURL_ERROR_SIZE];
};

/*
 * Resolves the host of the base URL url as lt_http_multi_init will,
 * without keeping anything: lt-run calls it before it opens its output.
 * Returns 0, or -1 with err set (LT_EXIT_RUNTIME when the name does not
 * resolve).
 */
int lt_http_check_host(const char *url, struct lt_err *err);

/*
 * Checks a base URL (-H, a scenario's host): scheme http or https, a
 * host, no query, no fragment.  On success *base is a copy of url
 * without "user:password@", *user and *password the decoded credentials
 * or NULL; free them with lt_http_base_url_free.  Returns 0, or -1 with
 * err set (LT_EXIT_USAGE: "bad host URL 'url'...").
 */
int lt_http_base_url(const char *url, char **base, char **user, char **password,
    struct lt_err *err);

void lt_http_base_url_free(char *base, char *user, char *password);

/*
 * Sets up h on loop with options o (copied; strings borrowed and must
 * outlive h).  Returns 0, or -1 with err set (LT_EXIT_RUNTIME or, for a bad
 * host URL, LT_EXIT_USAGE).
 */
int lt_http_init(struct lt_http_multi *h, struct ev_loop *loop,
    const struct lt_http_opts *o, struct lt_err *err);

/* Stops the timer and cleans the multi handle; transfers must be fini'd. */
void lt_http_fini(struct lt_http_multi *h);

/*
 * Creates x's easy handle with the options common to every request (cookie
 * engine, pinned DNS, no signals, error buffer).  done(x, arg) is called on
 * the loop when a transfer started with lt_http_start finishes.  body_cap
 * caps the collected body.  Returns 0 or -1 with err set.
 */
int lt_http_xfer_init(struct lt_http_multi *h, struct lt_http_xfer *x,
    size_t body_cap, lt_http_done_fn *done, void *arg, struct lt_err *err);

/* Frees x's handle and buffers, cancelling a transfer in progress. */
void lt_http_xfer_fini(struct lt_http_xfer *x);

/*
 * The easy handle, to set the per-request options (URL, method, headers,
 * body, timeout) before lt_http_start.  Borrowed.
 */
CURL *lt_http_xfer_easy(struct lt_http_xfer *x);

/* Sets the URL of x's next request (len bytes at url, NUL-terminated). */
void lt_http_set_url(struct lt_http_xfer *x, const char *url, size_t len);

/*
 * Starts the transfer configured on x.  Must not be called from inside a
 * libcurl callback; calling it from a done callback is fine.  Returns 0, or
 * -1 when libcurl refuses (the done callback is then not called).
 */
int lt_http_start(struct lt_http_xfer *x);

/*
 * Aborts a transfer in progress: removes it, fills x->res with category
 * "interrupted" and the message `why`, then calls the done callback.  No-op
 * when x is not busy.
 */
void lt_http_cancel(struct lt_http_xfer *x, const char *why);

/* Monotonic and real clocks in microseconds. */
int64_t lt_http_mono_us(void);
int64_t lt_http_real_us(void);

#endif
