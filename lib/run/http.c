/*
 * http.c - libcurl multi driven by libev; see http.h.  This file holds the
 * multi handle and the transfers (their easy handles, options, body and
 * header buffers); the rest of the driver is in the files listed in
 * httppriv.h.
 *
 * The socket callback keeps one ev_io per socket number (a table by
 * number, see struct lt_http_sock), the timer callback one ev_timer per
 * multi handle
 * (timeout_ms / 1000.0: the integer division in curl's example is a bug).
 * Finished transfers are drained with curl_multi_info_read after each
 * socket action, outside every libcurl callback, so done callbacks may
 * start the next request at once.  The host name is resolved once and
 * pinned with CURLOPT_RESOLVE so DNS stays out of the measured path.
 */
#include <stdlib.h>

#include "core/fnv.h"
#include "run/http.h"
#include "run/httppriv.h"

int64_t
lt_http_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t
lt_http_real_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
lt_http_init(struct lt_http_multi *h, struct ev_loop *loop,
    const struct lt_http_opts *o, struct lt_err *err)
{
	memset(h, 0, sizeof(*h));
	h->loop = loop;
	h->opts = *o;
	if (o->host != NULL && o->host[0] != '\0' &&
	    http_pin_dns(h, o->host, err) != 0)
		return -1;
	h->multi = curl_multi_init();
	if (h->multi == NULL) {
		curl_slist_free_all(h->resolve);
		return lt_err_set(
		    err, LT_EXIT_RUNTIME, "curl_multi_init failed");
	}
	ev_init(&h->timer, http_timer_fire);
	h->timer.data = h;
	ev_prepare_init(&h->prepare, http_prepare_fire);
	h->prepare.data = h;
	ev_prepare_start(loop, &h->prepare);
	ev_unref(loop);
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, http_sock_cb);
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, http_timer_cb);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	/* One connection per in-flight request unless --http2 (apis 1.4). */
	/* CURLMOPT_MAXCONNECTS(3): by default 4 x the transfers in flight,
	 * far fewer than users who think; a full cache closes connections. */
	/*
	 * libcurl 7.88 looks for an idle connection by walking every
	 * connection to the host (ConnectionExists), so a burst of slow
	 * answers that opens thousands of connections makes each new
	 * request cost thousands of steps, which stalls the loop, which
	 * opens more connections.  A cap keeps the walk short; transfers
	 * beyond it wait in libcurl's queue, and the wait is in latency_ms.
	 */
	if (o->max_total > 0)
		curl_multi_setopt(
		    h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, o->max_total);
	if (o->max_connects > 0)
		curl_multi_setopt(
		    h->multi, CURLMOPT_MAXCONNECTS, o->max_connects);
	curl_multi_setopt(h->multi, CURLMOPT_PIPELINING,
	    o->http2 ? (long)CURLPIPE_MULTIPLEX : (long)CURLPIPE_NOTHING);
	return 0;
}

void
lt_http_fini(struct lt_http_multi *h)
{
	if (h->multi == NULL)
		return;
	ev_timer_stop(h->loop, &h->timer);
	ev_ref(h->loop);
	ev_prepare_stop(h->loop, &h->prepare);
	curl_multi_cleanup(h->multi);
	h->multi = NULL;
	for (size_t i = 0; i < h->nsocks; i++) {
		if (h->socks[i] != NULL)
			ev_io_stop(h->loop, &h->socks[i]->io);
		free(h->socks[i]);
	}
	free(h->socks);
	h->socks = NULL;
	h->nsocks = 0;
	curl_slist_free_all(h->resolve);
	h->resolve = NULL;
}

static size_t
write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct lt_http_xfer *x = arg;
	size_t len = size * n, i, room;

	if (len == 0)
		return 0;
	x->bytes += (int64_t)len;
	if (x->streaming) {
		int64_t now = lt_http_mono_us();

		if (x->first_us == 0)
			x->first_us = now;
		/* An SSE event ends with a blank line (WHATWG SSE 9.2.5). */
		for (i = 0; i < len; i++) {
			if (p[i] == '\n' && x->last == '\n')
				x->events++;
			if (p[i] != '\r')
				x->last = p[i];
		}
		if (x->llm != NULL)
			x->llm_feed(x->llm, p, len, now);
	}
	if (x->want_body) {
		room = x->body.cap - x->body.len;
		lt_buf_add(&x->body, p, len < room ? len : room);
	}
	return len;
}

static size_t
header_cb(char *p, size_t size, size_t n, void *arg)
{
	struct lt_http_xfer *x = arg;
	size_t len = size * n, room;

	room = x->headers.cap - x->headers.len;
	lt_buf_add(&x->headers, p, len < room ? len : room);
	return len;
}

static void setup(struct lt_http_xfer *x);

int
lt_http_xfer_init(struct lt_http_multi *h, struct lt_http_xfer *x,
    size_t body_cap, lt_http_done_fn *done, void *arg, struct lt_err *err)
{
	CURL *e;

	memset(x, 0, sizeof(*x));
	x->http = h;
	x->done = done;
	x->arg = arg;
	lt_buf_init(&x->body, body_cap ? body_cap : 1 << 20);
	lt_buf_init(&x->headers, 64 << 10);
	e = curl_easy_init();
	if (e == NULL)
		return lt_err_set(
		    err, LT_EXIT_RUNTIME, "curl_easy_init failed");
	x->easy = e;
	setup(x);
	return 0;
}

/* CURLOPT_PREREQFUNCTION(3): a request is about to go out. */
static int
prereq_cb(void *arg, char *conn_primary_ip, char *conn_local_ip,
    int conn_primary_port, int conn_local_port)
{
	struct lt_http_xfer *x = arg;

	(void)conn_primary_ip;
	(void)conn_local_ip;
	(void)conn_primary_port;
	(void)conn_local_port;
	x->sent++;
	return CURL_PREREQFUNC_OK;
}

static void
setup(struct lt_http_xfer *x)
{
	struct lt_http_multi *h = x->http;
	CURL *e = x->easy;

	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, prereq_cb);
	curl_easy_setopt(e, CURLOPT_PREREQDATA, x);
	curl_easy_setopt(e, CURLOPT_SOCKOPTFUNCTION, http_sockopt_cb);
	curl_easy_setopt(e, CURLOPT_SOCKOPTDATA, h);
	curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, http_closesocket_cb);
	curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, h);
	curl_easy_setopt(e, CURLOPT_COOKIEFILE, "");
	/* No proxy, whatever the environment says: also spares the
	 * per-transfer *_proxy getenv(3) calls. */
	curl_easy_setopt(e, CURLOPT_PROXY, "");
	curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
	/* Names resolved once per run (see lt-run.1); also spares 7.88's
	 * walk of its whole DNS cache on every request. */
	curl_easy_setopt(e, CURLOPT_DNS_CACHE_TIMEOUT, -1L);
	/* No User-Agent (like wrk): scenarios add one with "header". */
	if (h->resolve != NULL)
		curl_easy_setopt(e, CURLOPT_RESOLVE, h->resolve);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
	    h->opts.http2 ? (long)CURL_HTTP_VERSION_2TLS
	                  : (long)CURL_HTTP_VERSION_1_1);
	if (h->opts.http2)
		curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	if (h->opts.username != NULL) {
		curl_easy_setopt(e, CURLOPT_USERNAME, h->opts.username);
		curl_easy_setopt(e, CURLOPT_PASSWORD,
		    h->opts.password != NULL ? h->opts.password : "");
	}
	if (h->opts.insecure) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	/* Only HTTP, also after a redirect (no file://, ftp://, ...), and
	 * a redirect loop stops at 50 like curl(1); libcurl's default is
	 * unlimited, so a loop would be one "request" of 1000s. */
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)LT_HTTP_MAX_REDIRS);
	if (h->opts.timeout_ms > 0)
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, h->opts.timeout_ms);
	if (h->opts.connect_timeout_ms > 0)
		curl_easy_setopt(
		    e, CURLOPT_CONNECTTIMEOUT_MS, h->opts.connect_timeout_ms);
}

void
lt_http_xfer_fini(struct lt_http_xfer *x)
{
	if (x->easy == NULL)
		return;
	if (x->queued) {
		http_unqueue(x->http, x);
		x->busy = 0;
	} else if (x->busy) {
		http_detach(x);
	}
	curl_easy_cleanup(x->easy);
	x->easy = NULL;
	curl_url_cleanup(x->url);
	x->url = NULL;
	lt_buf_fini(&x->body);
	lt_buf_fini(&x->headers);
	if (x->llm != NULL)
		x->llm_free(x->llm);
	x->llm = NULL;
}

CURL *
lt_http_xfer_easy(struct lt_http_xfer *x)
{
	return x->easy;
}

/*
 * A URL given as CURLOPT_URL is parsed, and put together again as text,
 * by libcurl 7.88 for every transfer (a fifth of its instructions per
 * request on a keep-alive GET); a CURLU handle is parsed here once per
 * distinct URL.  Flags as libcurl's own parse of CURLOPT_URL.  A URL
 * this parse refuses goes as text, so libcurl reports it as before.
 */
void
lt_http_set_url(struct lt_http_xfer *x, const char *url, size_t len)
{
	uint64_t h = lt_fnv1a(url, len);

	if (h == x->url_hash && x->url_hash != 0)
		return;
	x->url_hash = h;
	if (x->url == NULL)
		x->url = curl_url();
	if (x->url != NULL &&
	    curl_url_set(x->url, CURLUPART_URL, url,
	        CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK) {
		/* 7.88 takes the text URL (effective URL, the next parse's
		 * base) from the CURLU only while no text URL is set. */
		curl_easy_setopt(x->easy, CURLOPT_URL, NULL);
		curl_easy_setopt(x->easy, CURLOPT_CURLU, x->url);
		return;
	}
	curl_easy_setopt(x->easy, CURLOPT_CURLU, NULL);
	curl_easy_setopt(x->easy, CURLOPT_URL, url);
}

int
lt_http_start(struct lt_http_xfer *x)
{
	struct lt_http_multi *h = x->http;

	x->errbuf[0] = '\0';
	x->bytes = 0;
	x->sent = 0;
	x->first_us = 0;
	x->events = 0;
	x->last = '\n';
	lt_buf_reset(&x->body);
	lt_buf_reset(&x->headers);
	/* CURLOPT_HEADERDATA(3): with no header function but header data,
	 * headers would go to the write callback; set both or neither. */
	curl_easy_setopt(x->easy, CURLOPT_HEADERFUNCTION,
	    x->want_headers ? header_cb : NULL);
	curl_easy_setopt(
	    x->easy, CURLOPT_HEADERDATA, x->want_headers ? x : NULL);
	x->t0_us = lt_http_mono_us();
	x->queue_us = 0;
	x->refused = 0;
	if (h->opts.max_total > 0 && h->active >= h->opts.max_total) {
		http_enqueue(h, x);
	} else if (http_add(x) != 0) {
		return -1;
	}
	x->busy = 1;
	return 0;
}

void
lt_http_cancel(struct lt_http_xfer *x, const char *why)
{
	struct lt_http_result *r = &x->res;

	if (!x->busy)
		return;
	if (x->queued) {
		http_unqueue(x->http, x);
		http_fail_unsent(
		    x, CURLE_ABORTED_BY_CALLBACK, "interrupted", why);
		return;
	}
	http_finish(x, CURLE_ABORTED_BY_CALLBACK);
	http_detach(x);
	r->latency_us = lt_http_mono_us() - x->t0_us;
	r->category = "interrupted";
	r->message = why;
	x->done(x, x->arg);
}
