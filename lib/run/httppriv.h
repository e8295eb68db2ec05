/*
 * httppriv.h - what the HTTP driver's files share: http.c (handles and
 * transfers), httpqueue.c (admission, completion, retries), httpsock.c
 * (libcurl's sockets and timer on libev), httperr.c (libcurl results as
 * categories and messages), httpurl.c (base URLs and pinned DNS).
 * Nothing outside them includes it, and it does not include http.h, so
 * that the two never include each other.
 */
#ifndef LT_HTTPPRIV_H
#define LT_HTTPPRIV_H

#include <curl/curl.h>
#include <ev.h>

#include "core/err.h"

/* http.h is not included: http.c includes this header, and to
 * tests/layering.sh http.c with http.h is one module */
struct lt_http_multi;
struct lt_http_xfer;

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

/* httperr.c */

/* The lt-events(5) error category of a libcurl result. */
const char *http_category(CURLcode c);

/*
 * The message of a failed transfer.  Texts that would embed measured
 * numbers (libcurl's "after 1001 milliseconds") are replaced by stable
 * ones, so identical failures group together downstream (lt-agg groups
 * by error text).
 */
const char *http_message(struct lt_http_xfer *x, CURLcode code);

/* The message of a response libcurl would not take (category http). */
const char *http_response_message(struct lt_http_xfer *x, CURLcode code);

/* httpqueue.c */

/* Fills x's result from code and calls its done callback. */
void http_finish(struct lt_http_xfer *x, CURLcode code);

/*
 * The queue of transfers over max_total is lt-run's, not libcurl's:
 * libcurl 7.88 walks its whole pending list in every
 * curl_multi_remove_handle, so with thousands of users waiting each
 * finished request cost thousands of steps and the loop fell behind
 * for good.  Here a finished transfer admits the next in O(1).
 */
void http_unqueue(struct lt_http_multi *h, struct lt_http_xfer *x);

/* Appends x to h's queue of transfers waiting for a connection. */
void http_enqueue(struct lt_http_multi *h, struct lt_http_xfer *x);

/* Adds x to the multi handle; 0, or -1 when libcurl refused it. */
int http_add(struct lt_http_xfer *x);

/* Fails x without it having been added: refused by libcurl or cancelled
 * while queued.  Nothing of an earlier transfer may leak into res. */
void http_fail_unsent(struct lt_http_xfer *x, CURLcode code,
    const char *category, const char *why);

/* Takes an added transfer x off the multi handle; its connection goes
 * to the next transfer waiting, if any. */
void http_detach(struct lt_http_xfer *x);

/* Finishes every transfer libcurl reports done. */
void http_drain(struct lt_http_multi *h);

/*
 * Transfers started since the last socket action (users going straight on
 * to their next request) are run from an ev_prepare watcher, once per loop
 * turn, after every ready socket was served and just before the loop
 * blocks: the requests of one turn leave together (the server sees
 * batches, as with wrk), without waiting for the 0 ms timer libcurl asks
 * for, which would cost one more epoll_wait per turn.
 */
void http_kick(struct lt_http_multi *h);

/* httpsock.c */

/* ev_prepare: runs the transfers started this loop turn (http_kick). */
void http_prepare_fire(struct ev_loop *loop, ev_prepare *w, int revents);

/* The multi handle's timer is due: a socket action on timeout. */
void http_timer_fire(struct ev_loop *loop, ev_timer *w, int revents);

/* CURLMOPT_TIMERFUNCTION(3): one non-repeating timer; -1 deletes it. */
int http_timer_cb(CURLM *m, long timeout_ms, void *arg);

/* CURLMOPT_SOCKETFUNCTION(3) */
int http_sock_cb(CURL *e, curl_socket_t fd, int what, void *arg, void *sockp);

/* CURLOPT_SOCKOPTFUNCTION(3): libcurl opened connection socket fd. */
int http_sockopt_cb(void *arg, curl_socket_t fd, curlsocktype purpose);

/* CURLOPT_CLOSESOCKETFUNCTION(3): libcurl closes connection socket fd. */
int http_closesocket_cb(void *arg, curl_socket_t fd);

/* httpurl.c */

/* Resolves the host of url once and pins it with CURLOPT_RESOLVE. */
int http_pin_dns(struct lt_http_multi *h, const char *url, struct lt_err *err);

#endif
