/*
 * http.c - libcurl multi driven by libev; see http.h.
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
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "core/fnv.h"
#include "run/http.h"
#include "run/secret.h"
#include "run/llm.h"

/*
 * One per socket number, kept after libcurl lets go of the socket
 * (CURL_POLL_REMOVE when a connection goes idle between requests): the
 * next request on that connection registers the same interest again,
 * and an ev_io that keeps its fd lets libev see that nothing changed,
 * where a new one (ev_io_set) costs an epoll_ctl(2) per request.
 * fresh says the number may now name a new socket, whose epoll
 * registration must be made anew: a connection socket is known from its
 * opening (CURLOPT_SOCKOPTFUNCTION) to its closing
 * (CURLOPT_CLOSESOCKETFUNCTION); any other (the threaded resolver's
 * socketpair, closed without a callback) counts as new after each
 * CURL_POLL_REMOVE.
 */
struct lt_http_sock {
	ev_io io;
	struct lt_http_multi *h;
	int fresh;
	int conn; /* an open connection socket */
};

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

static const char *
category(CURLcode c)
{
	switch (c) {
	case CURLE_OK:
		return NULL;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return "dns";
	case CURLE_COULDNT_CONNECT:
		return "connect";
	case CURLE_OPERATION_TIMEDOUT:
		return "timeout";
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_SHUTDOWN_FAILED:
		return "tls";
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2_STREAM:
		return "reset";
	case CURLE_TOO_MANY_REDIRECTS:
		return "redirect";
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_BAD_CONTENT_ENCODING:
	case CURLE_HTTP2:
	case CURLE_FILESIZE_EXCEEDED:
		return "http";
	default:
		/* The request could not be made: a malformed URL, a refused
		 * protocol, a local failure. */
		return "request";
	}
}

/*
 * The message of a failed transfer.  Texts that would embed measured
 * numbers (libcurl's "after 1001 milliseconds") are replaced by stable
 * ones, so identical failures group together downstream (lt-agg groups
 * by error text).
 */
static const char *
message(struct lt_http_xfer *x, CURLcode code)
{
	long oserr = 0, redirects = 0, limit;
	char *p;

	curl_easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &oserr);
	curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_COUNT, &redirects);
	switch (code) {
	case CURLE_OPERATION_TIMEDOUT:
		limit = x->timeout_ms > 0 ? x->timeout_ms
		                          : x->http->opts.timeout_ms;
		if (limit > 0)
			snprintf(x->errbuf, sizeof(x->errbuf),
			    "no response within %ld ms", limit);
		else
			snprintf(x->errbuf, sizeof(x->errbuf),
			    "no response in time");
		return x->errbuf;
	case CURLE_COULDNT_CONNECT:
		snprintf(x->errbuf, sizeof(x->errbuf), "%s",
		    oserr > 0 ? strerror((int)oserr) : "cannot connect");
		/* "connection refused", as the category is a prefix */
		for (p = x->errbuf; *p != '\0' && *p != ' '; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		return x->errbuf;
	case CURLE_TOO_MANY_REDIRECTS:
		snprintf(x->errbuf, sizeof(x->errbuf),
		    "too many redirects (%d)", LT_HTTP_MAX_REDIRS);
		return x->errbuf;
	case CURLE_UNSUPPORTED_PROTOCOL:
		if (redirects > 0) {
			snprintf(x->errbuf, sizeof(x->errbuf),
			    "to a protocol other than http or https");
			return x->errbuf;
		}
		break;
	default:
		break;
	}
	return x->errbuf[0] ? x->errbuf : curl_easy_strerror(code);
}

/* The message of a response libcurl would not take (category http). */
static const char *
response_message(struct lt_http_xfer *x, CURLcode code)
{
	switch (code) {
	case CURLE_OUT_OF_MEMORY:
		/* 7.88 says "Out of memory" for a header over its 100 KB */
#if LIBCURL_VERSION_NUM >= 0x080600
	case CURLE_TOO_LARGE: /* what 8.6 and later say */
#endif
		return "response header too large";
	case CURLE_UNSUPPORTED_PROTOCOL:
		if (strstr(x->errbuf, "HTTP/0.9") != NULL)
			return "no HTTP status line (garbage or HTTP/0.9)";
		if (strstr(x->errbuf, "response code") != NULL)
			return "bad status code";
		break;
	default:
		break;
	}
	return x->errbuf[0] ? x->errbuf : curl_easy_strerror(code);
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
finish(struct lt_http_xfer *x, CURLcode code)
{
	struct lt_http_result *r = &x->res;
	curl_off_t total = 0, start = 0, conn = 0, pre = 0;
	long nconn = 0;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME_T, &total);
	curl_easy_getinfo(x->easy, CURLINFO_STARTTRANSFER_TIME_T, &start);
	curl_easy_getinfo(x->easy, CURLINFO_CONNECT_TIME_T, &conn);
	curl_easy_getinfo(x->easy, CURLINFO_PRETRANSFER_TIME_T, &pre);
	curl_easy_getinfo(x->easy, CURLINFO_NUM_CONNECTS, &nconn);
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
	r->first_chunk_us = x->first_us ? x->first_us - x->t0_us : -1;
	r->events = x->events;
	r->category = category(code);
	r->message = NULL;
	if (code == CURLE_UNSUPPORTED_PROTOCOL) {
		long n = 0;

		curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_COUNT, &n);
		if (n > 0)
			r->category = "redirect";
	}
	if (code != CURLE_OK && code != CURLE_ABORTED_BY_CALLBACK)
		r->message = message(x, code);
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
		r->message = response_message(x, code);
	}
}

/*
 * The queue of transfers over max_total is lt-run's, not libcurl's:
 * libcurl 7.88 walks its whole pending list in every
 * curl_multi_remove_handle, so with thousands of users waiting each
 * finished request cost thousands of steps and the loop fell behind
 * for good.  Here a finished transfer admits the next in O(1).
 */
static void
unqueue(struct lt_http_multi *h, struct lt_http_xfer *x)
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

static void
enqueue(struct lt_http_multi *h, struct lt_http_xfer *x)
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

static int
add(struct lt_http_xfer *x)
{
	struct lt_http_multi *h = x->http;

	if (curl_multi_add_handle(h->multi, x->easy) != CURLM_OK)
		return -1;
	h->active++;
	h->kick = 1;
	return 0;
}

/* Fails x without it having been added: refused by libcurl or cancelled
 * while queued.  Nothing of an earlier transfer may leak into res. */
static void
fail_unsent(struct lt_http_xfer *x, CURLcode code, const char *category,
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
		unqueue(h, x);
		if (queue_timed_out(x))
			fail_unsent(x, CURLE_OPERATION_TIMEDOUT, "timeout",
			    message(x, CURLE_OPERATION_TIMEDOUT));
		else if (add(x) != 0)
			fail_unsent(x, CURLE_OUT_OF_MEMORY, "request",
			    "libcurl refused the transfer");
	}
}

/* Takes an added transfer x off the multi handle; its connection goes
 * to the next transfer waiting, if any. */
static void
detach(struct lt_http_xfer *x)
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
		fail_unsent(x, code, "reset", "libcurl refused the transfer");
		admit(h);
		x->done(x, x->arg);
		return 1;
	}
	h->kick = 1;
	return 1;
}

static void
drain(struct lt_http_multi *h)
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
		finish(x, code);
		detach(x);
		x->done(x, x->arg);
	}
}

/*
 * Transfers started since the last socket action (users going straight on
 * to their next request) are run from an ev_prepare watcher, once per loop
 * turn, after every ready socket was served and just before the loop
 * blocks: the requests of one turn leave together (the server sees
 * batches, as with wrk), without waiting for the 0 ms timer libcurl asks
 * for, which would cost one more epoll_wait per turn.
 */
static void
kick(struct lt_http_multi *h)
{
	int rounds = 0;

	while (h->kick && rounds++ < 64) {
		h->kick = 0;
		curl_multi_socket_action(
		    h->multi, CURL_SOCKET_TIMEOUT, 0, &h->running);
		drain(h);
	}
}

static void
prepare_fire(struct ev_loop *loop, ev_prepare *w, int revents)
{
	(void)loop;
	(void)revents;
	kick(w->data);
}

static void
timer_fire(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct lt_http_multi *h = w->data;

	(void)loop;
	(void)revents;
	curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &h->running);
	drain(h);
}

/* CURLMOPT_TIMERFUNCTION(3): one non-repeating timer; -1 deletes it. */
static int
timer_cb(CURLM *m, long timeout_ms, void *arg)
{
	struct lt_http_multi *h = arg;

	(void)m;
	ev_timer_stop(h->loop, &h->timer);
	if (timeout_ms >= 0) {
		ev_timer_set(&h->timer, timeout_ms / 1000.0, 0.);
		ev_timer_start(h->loop, &h->timer);
	}
	return 0;
}

static void
io_fire(struct ev_loop *loop, ev_io *w, int revents)
{
	struct lt_http_sock *s = (struct lt_http_sock *)w;
	struct lt_http_multi *h = s->h;
	int mask = 0;

	(void)loop;
	if (revents & EV_READ)
		mask |= CURL_CSELECT_IN;
	if (revents & EV_WRITE)
		mask |= CURL_CSELECT_OUT;
	curl_multi_socket_action(h->multi, w->fd, mask, &h->running);
	drain(h);
}

/* The sock of fd, NULL when it has none. */
static struct lt_http_sock *
sock_at(struct lt_http_multi *h, curl_socket_t fd)
{
	return fd >= 0 && (size_t)fd < h->nsocks ? h->socks[fd] : NULL;
}

/* The sock of fd, made on first use; NULL when out of memory. */
static struct lt_http_sock *
sock_for(struct lt_http_multi *h, curl_socket_t fd)
{
	struct lt_http_sock **t, *s;
	size_t n;

	if (fd < 0)
		return NULL;
	if ((size_t)fd >= h->nsocks) {
		n = h->nsocks ? h->nsocks : 64;
		while (n <= (size_t)fd)
			n *= 2;
		t = realloc(h->socks, n * sizeof(*t));
		if (t == NULL)
			return NULL;
		memset(t + h->nsocks, 0, (n - h->nsocks) * sizeof(*t));
		h->socks = t;
		h->nsocks = n;
	}
	s = h->socks[fd];
	if (s == NULL) {
		s = calloc(1, sizeof(*s));
		if (s == NULL)
			return NULL;
		s->h = h;
		s->fresh = 1;
		ev_init(&s->io, io_fire);
		h->socks[fd] = s;
	}
	return s;
}

/* CURLMOPT_SOCKETFUNCTION(3) */
static int
sock_cb(CURL *e, curl_socket_t fd, int what, void *arg, void *sockp)
{
	struct lt_http_multi *h = arg;
	struct lt_http_sock *s;
	int kind;

	(void)e;
	(void)sockp; /* the table by socket number serves instead */
	if (what == CURL_POLL_REMOVE) {
		s = sock_at(h, fd);
		if (s != NULL) {
			ev_io_stop(h->loop, &s->io);
			if (!s->conn)
				s->fresh = 1;
		}
		return 0;
	}
	kind = (what & CURL_POLL_IN ? EV_READ : 0) |
	    (what & CURL_POLL_OUT ? EV_WRITE : 0);
	s = sock_for(h, fd);
	if (s == NULL)
		return -1;
	if (ev_is_active(&s->io) &&
	    (s->io.events & (EV_READ | EV_WRITE)) == kind)
		return 0;
	ev_io_stop(h->loop, &s->io);
	if (s->fresh) {
		ev_io_set(&s->io, fd, kind);
		s->fresh = 0;
	} else {
		ev_io_modify(&s->io, kind);
	}
	ev_io_start(h->loop, &s->io);
	return 0;
}

/* CURLOPT_SOCKOPTFUNCTION(3): libcurl opened connection socket fd. */
static int
sockopt_cb(void *arg, curl_socket_t fd, curlsocktype purpose)
{
	struct lt_http_sock *s = sock_for(arg, fd);

	(void)purpose;
	if (s == NULL)
		return CURL_SOCKOPT_ERROR;
	s->fresh = 1;
	s->conn = 1;
	return CURL_SOCKOPT_OK;
}

/* CURLOPT_CLOSESOCKETFUNCTION(3): libcurl closes connection socket fd. */
static int
closesocket_cb(void *arg, curl_socket_t fd)
{
	struct lt_http_sock *s = sock_at(arg, fd);

	if (s != NULL) {
		s->fresh = 1;
		s->conn = 0;
	}
	return close(fd);
}

/* Resolves the host of url once and pins it with CURLOPT_RESOLVE. */
static int
pin_dns(struct lt_http_multi *h, const char *url, struct lt_err *err)
{
	CURLU *u;
	char *host = NULL, *port = NULL, line[600], addr[INET6_ADDRSTRLEN];
	struct addrinfo hints, *ai = NULL;
	int rc = -1, gai;

	u = curl_url();
	if (u == NULL)
		return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
	        CURLUE_OK) {
		lt_err_set(err, LT_EXIT_USAGE, "bad host URL '%s'", url);
		goto out;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	/* A bracketed IPv6 literal needs no resolving. */
	if (host[0] == '[') {
		rc = 0;
		goto out;
	}
	gai = getaddrinfo(host, port, &hints, &ai);
	if (gai != 0) {
		lt_err_set(err, LT_EXIT_RUNTIME, "cannot resolve %s: %s", host,
		    gai_strerror(gai));
		goto out;
	}
	if (ai->ai_family == AF_INET6) {
		inet_ntop(AF_INET6,
		    &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, addr,
		    sizeof(addr));
		snprintf(line, sizeof(line), "%s:%s:[%s]", host, port, addr);
	} else {
		inet_ntop(AF_INET,
		    &((struct sockaddr_in *)ai->ai_addr)->sin_addr, addr,
		    sizeof(addr));
		snprintf(line, sizeof(line), "%s:%s:%s", host, port, addr);
	}
	h->resolve = curl_slist_append(NULL, line);
	if (h->resolve == NULL)
		lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	else
		rc = 0;
out:
	if (ai != NULL)
		freeaddrinfo(ai);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return rc;
}

int
lt_http_check_host(const char *url, struct lt_err *err)
{
	struct lt_http_multi h;
	int rc;

	memset(&h, 0, sizeof(h));
	rc = pin_dns(&h, url, err);
	curl_slist_free_all(h.resolve);
	return rc;
}

int
lt_http_base_url(const char *url, char **base, char **user, char **password,
    struct lt_err *err)
{
	CURLU *u;
	CURLUcode rc;
	char *scheme = NULL, *part = NULL;
	const char *a, *end, *at;
	int ret = -1;
	struct lt_buf shown; /* url without its password, for errors */

	*base = *user = *password = NULL;
	lt_buf_init(&shown, 64 << 10);
	lt_secret_url_strip(&shown, url, strlen(url));
	lt_buf_cstr(&shown);
	u = curl_url();
	if (u == NULL) {
		lt_buf_fini(&shown);
		return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	}
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) !=
	        CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
		lt_err_set(err, LT_EXIT_USAGE,
		    "bad host URL '%s': expected http[s]://HOST[:PORT][/PATH]",
		    shown.data);
		goto out;
	}
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
		lt_err_set(err, LT_EXIT_USAGE,
		    "bad host URL '%s': the scheme must be http or https",
		    shown.data);
		goto out;
	}
	rc = curl_url_get(u, CURLUPART_QUERY, &part, 0);
	if (rc == CURLUE_OK) {
		lt_err_set(err, LT_EXIT_USAGE,
		    "bad host URL '%s': a base URL has no query (?...); put "
		    "it in the scenario's paths",
		    shown.data);
		goto out;
	}
	rc = curl_url_get(u, CURLUPART_FRAGMENT, &part, 0);
	if (rc == CURLUE_OK) {
		lt_err_set(err, LT_EXIT_USAGE,
		    "bad host URL '%s': a base URL has no fragment (#...)",
		    shown.data);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, user, CURLU_URLDECODE) != CURLUE_OK)
		*user = NULL;
	if (curl_url_get(u, CURLUPART_PASSWORD, password, CURLU_URLDECODE) !=
	    CURLUE_OK)
		*password = NULL;
	/* The text as given, without "user:password@": recorded URLs and
	 * the run event carry no credentials. */
	a = strstr(url, "://");
	a = a != NULL ? a + 3 : url;
	end = a + strcspn(a, "/?#");
	at = NULL;
	for (const char *p = a; p < end; p++)
		if (*p == '@')
			at = p;
	*base = malloc(strlen(url) + 1);
	if (*base == NULL) {
		lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
		goto out;
	}
	if (at != NULL) {
		memcpy(*base, url, (size_t)(a - url));
		strcpy(*base + (a - url), at + 1);
	} else {
		strcpy(*base, url);
	}
	ret = 0;
out:
	if (ret != 0) {
		lt_http_base_url_free(*base, *user, *password);
		*base = *user = *password = NULL;
	}
	curl_free(part);
	curl_free(scheme);
	curl_url_cleanup(u);
	lt_buf_fini(&shown);
	return ret;
}

void
lt_http_base_url_free(char *base, char *user, char *password)
{
	free(base);
	curl_free(user);
	if (password != NULL)
		memset(password, 0, strlen(password));
	curl_free(password);
}

int
lt_http_init(struct lt_http_multi *h, struct ev_loop *loop,
    const struct lt_http_opts *o, struct lt_err *err)
{
	memset(h, 0, sizeof(*h));
	h->loop = loop;
	h->opts = *o;
	if (o->host != NULL && o->host[0] != '\0' &&
	    pin_dns(h, o->host, err) != 0)
		return -1;
	h->multi = curl_multi_init();
	if (h->multi == NULL) {
		curl_slist_free_all(h->resolve);
		return lt_err_set(
		    err, LT_EXIT_RUNTIME, "curl_multi_init failed");
	}
	ev_init(&h->timer, timer_fire);
	h->timer.data = h;
	ev_prepare_init(&h->prepare, prepare_fire);
	h->prepare.data = h;
	ev_prepare_start(loop, &h->prepare);
	ev_unref(loop);
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
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
			lt_llm_feed(x->llm, p, len, now);
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
	curl_easy_setopt(e, CURLOPT_SOCKOPTFUNCTION, sockopt_cb);
	curl_easy_setopt(e, CURLOPT_SOCKOPTDATA, h);
	curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, closesocket_cb);
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
		unqueue(x->http, x);
		x->busy = 0;
	} else if (x->busy) {
		detach(x);
	}
	curl_easy_cleanup(x->easy);
	x->easy = NULL;
	curl_url_cleanup(x->url);
	x->url = NULL;
	lt_buf_fini(&x->body);
	lt_buf_fini(&x->headers);
	lt_llm_free(x->llm);
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
		enqueue(h, x);
	} else if (add(x) != 0) {
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
		unqueue(x->http, x);
		fail_unsent(x, CURLE_ABORTED_BY_CALLBACK, "interrupted", why);
		return;
	}
	finish(x, CURLE_ABORTED_BY_CALLBACK);
	detach(x);
	r->latency_us = lt_http_mono_us() - x->t0_us;
	r->category = "interrupted";
	r->message = why;
	x->done(x, x->arg);
}
