/*
 * httpqueue.c - transfers between lt_http_start() and their done
 * callback: queued while the multi handle is at its connection limit,
 * admitted, drained after each socket action (outside every libcurl
 * callback, so done callbacks may start the next request at once), and
 * sent again when a server refused them before reading them (HTTP/2
 * GOAWAY, a closed keep-alive connection).
 */
#include "run/http.h"
#include "run/httppriv.h"

void
http_finish(struct lt_http_xfer *x, CURLcode code)
{
	struct lt_http_result *r = &x->res;
	curl_off_t total = 0, start = 0, conn = 0, pre = 0, up = 0;
	long nconn = 0, reqsize = 0;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME_T, &total);
	curl_easy_getinfo(x->easy, CURLINFO_STARTTRANSFER_TIME_T, &start);
	curl_easy_getinfo(x->easy, CURLINFO_CONNECT_TIME_T, &conn);
	curl_easy_getinfo(x->easy, CURLINFO_PRETRANSFER_TIME_T, &pre);
	curl_easy_getinfo(x->easy, CURLINFO_NUM_CONNECTS, &nconn);
	curl_easy_getinfo(x->easy, CURLINFO_REQUEST_SIZE, &reqsize);
	curl_easy_getinfo(x->easy, CURLINFO_SIZE_UPLOAD_T, &up);
	r->code = code;
	r->latency_us = total > 0 ? (int64_t)total + x->queue_us
	                          : lt_http_mono_us() - x->t0_us;
	r->ttfb_us = start > 0 ? (int64_t)start + x->queue_us : 0;
	r->new_conn = nconn > 0;
	r->http_version = 0;
	if (x->http->opts.http2 || x->http2)
		curl_easy_getinfo(
		    x->easy, CURLINFO_HTTP_VERSION, &r->http_version);
	/* CURLINFO_CONNECT_TIME_T(3) is 0 when the connection was reused. */
	r->connect_us = nconn > 0 ? conn : 0;
	r->bytes = x->bytes;
	/* CURLINFO_REQUEST_SIZE: request lines and headers of every request
	 * (redirects too); CURLINFO_SIZE_UPLOAD_T: the last request's body.
	 * libcurl 7.88 sends an HTTP/1.x body under 64 KiB (its
	 * MAX_INITIAL_POST_SIZE) in one write with the headers and counts
	 * it in both (measured against nginx's $request_length, see
	 * lt-events(5)): counted once here. */
	r->bytes_sent = reqsize > 0 ? reqsize : 0;
	if (up > 0 &&
	    (up >= 65536 || x->body_apart ||
	        r->http_version == CURL_HTTP_VERSION_2_0))
		r->bytes_sent += up;
	r->first_chunk_us = x->first_us ? x->first_us - x->t0_us : -1;
	r->events = x->events;
	r->category = http_category(code);
	r->message = NULL;
	if (code == CURLE_UNSUPPORTED_PROTOCOL) {
		long n = 0;

		curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_COUNT, &n);
		if (n > 0)
			r->category = "redirect";
	}
	if (code != CURLE_OK && code != CURLE_ABORTED_BY_CALLBACK)
		r->message = http_message(x, code);
	if (x->sent > 0 && code == CURLE_COULDNT_CONNECT) {
		/* libcurl sent the request on a kept-alive connection that
		 * died, and its silent retry found the server gone: what
		 * happened to the request is the reset, not the retry. */
		r->category = "reset";
		r->message = "connection closed with the request in flight";
	} else if (x->sent > 0 && r->category != NULL &&
	    strcmp(r->category, "request") == 0) {
		/* sent, then failed on what came back: the response */
		r->category = "http";
		r->message = http_response_message(x, code);
	}
}

void
http_unqueue(struct lt_http_multi *h, struct lt_http_xfer *x)
{
	if (x->qprev != NULL)
		x->qprev->qnext = x->qnext;
	else
		h->qhead = x->qnext;
	if (x->qnext != NULL)
		x->qnext->qprev = x->qprev;
	else
		h->qtail = x->qprev;
	x->qnext = x->qprev = NULL;
	x->queued = 0;
}

void
http_enqueue(struct lt_http_multi *h, struct lt_http_xfer *x)
{
	x->queued = 1;
	x->qnext = NULL;
	x->qprev = h->qtail;
	if (h->qtail != NULL)
		h->qtail->qnext = x;
	else
		h->qhead = x;
	h->qtail = x;
}

int
http_add(struct lt_http_xfer *x)
{
	struct lt_http_multi *h = x->http;

	if (curl_multi_add_handle(h->multi, x->easy) != CURLM_OK)
		return -1;
	h->active++;
	h->kick = 1;
	return 0;
}

void
http_fail_unsent(struct lt_http_xfer *x, CURLcode code, const char *category,
    const char *why)
{
	struct lt_http_result *r = &x->res;

	memset(r, 0, sizeof(*r));
	r->code = code;
	r->latency_us = lt_http_mono_us() - x->t0_us;
	r->first_chunk_us = -1;
	r->category = category;
	r->message = why;
	x->busy = 0;
	x->done(x, x->arg);
}

/* The time queued counts toward the request's timeout: libcurl gets
 * what is left, and nothing is sent when nothing is. */
static int
queue_timed_out(struct lt_http_xfer *x)
{
	long limit =
	    x->timeout_ms > 0 ? x->timeout_ms : x->http->opts.timeout_ms;
	long waited;

	x->queue_us = lt_http_mono_us() - x->t0_us;
	if (limit <= 0)
		return 0;
	waited = (long)(x->queue_us / 1000);
	if (waited >= limit)
		return 1;
	curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, limit - waited);
	return 0;
}

static void
admit(struct lt_http_multi *h)
{
	struct lt_http_xfer *x;

	while (h->qhead != NULL && h->active < h->opts.max_total) {
		x = h->qhead;
		http_unqueue(h, x);
		if (queue_timed_out(x))
			http_fail_unsent(x, CURLE_OPERATION_TIMEDOUT, "timeout",
			    http_message(x, CURLE_OPERATION_TIMEDOUT));
		else if (http_add(x) != 0)
			http_fail_unsent(x, CURLE_OUT_OF_MEMORY, "request",
			    "libcurl refused the transfer");
	}
}

void
http_detach(struct lt_http_xfer *x)
{
	curl_multi_remove_handle(x->http->multi, x->easy);
	x->busy = 0;
	x->http->active--;
	admit(x->http);
}

/*
 * An HTTP/2 server that closes a connection with GOAWAY (nginx after
 * keepalive_requests, 1000 by default) refuses the streams above its last
 * one: they were not processed and may be sent again (RFC 9113 6.8).
 * libcurl 7.88 does so, but gives up after 5 tries with "Connection died,
 * tried 5 times before giving up" when its retries land on connections
 * that are closing too, as they do with many users multiplexed.  Since
 * libcurl only says that for a request it judged unprocessed, send it
 * again here, a bounded number of times, within the request's timeout;
 * the time lost counts in its latency, as the user waited for it.
 * Returns 1 when x was sent again.
 */
#define LT_HTTP_MAX_REFUSED 20

static int
retry_refused(struct lt_http_xfer *x, CURLcode code)
{
	struct lt_http_multi *h = x->http;
	int64_t queued = x->queue_us;

	if ((code != CURLE_SEND_ERROR && code != CURLE_RECV_ERROR) ||
	    strstr(x->errbuf, "Connection died") == NULL ||
	    x->refused >= LT_HTTP_MAX_REFUSED)
		return 0;
	if (queue_timed_out(x)) {
		x->queue_us = queued; /* finish() adds libcurl's time */
		return 0;
	}
	x->refused++;
	x->errbuf[0] = '\0';
	x->bytes = 0;
	x->first_us = 0;
	x->events = 0;
	x->last = '\n';
	lt_buf_reset(&x->body);
	lt_buf_reset(&x->headers);
	curl_multi_remove_handle(h->multi, x->easy);
	if (curl_multi_add_handle(h->multi, x->easy) != CURLM_OK) {
		h->active--;
		x->busy = 0;
		http_fail_unsent(
		    x, code, "reset", "libcurl refused the transfer");
		admit(h);
		x->done(x, x->arg);
		return 1;
	}
	h->kick = 1;
	return 1;
}

void
http_drain(struct lt_http_multi *h)
{
	CURLMsg *m;
	int left;
	struct lt_http_xfer *x;
	CURL *e;
	CURLcode code;

	for (;;) {
		m = curl_multi_info_read(h->multi, &left);
		if (m == NULL)
			break;
		if (m->msg != CURLMSG_DONE)
			continue;
		e = m->easy_handle;
		code = m->data.result;
		x = NULL;
		curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&x);
		if (retry_refused(x, code))
			continue;
		http_finish(x, code);
		http_detach(x);
		x->done(x, x->arg);
	}
}

void
http_kick(struct lt_http_multi *h)
{
	int rounds = 0;

	while (h->kick && rounds++ < 64) {
		h->kick = 0;
		curl_multi_socket_action(
		    h->multi, CURL_SOCKET_TIMEOUT, 0, &h->running);
		http_drain(h);
	}
}
