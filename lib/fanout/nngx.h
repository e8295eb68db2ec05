/*
 * nngx.h - the one place lt-fanout touches NNG: opening, listening,
 * dialing, size limits, timeouts, reconnect backoff, and sending or
 * receiving whole wire frames (wire.h).  Everything transport-specific
 * (URL schemes, TLS configuration (tls.c) and the run token's
 * challenge-response on every connection (auth.c)) belongs here, so the
 * coordinator and the worker never include <nng/nng.h>.
 *
 * Topology: the coordinator listens with a REP socket; each worker dials
 * with two REQ sockets (one for events, one for heartbeats), so every
 * message a worker sends gets exactly one reply (ack, plan, start time).
 */
#ifndef LT_NNGX_H
#define LT_NNGX_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "fanout/sec.h"
#include "fanout/wire.h"

struct lt_auth_srv;

struct lt_nngx {
	uint32_t id;                     /* nng_socket.id; 0 when closed */
	const struct lt_fanout_sec *sec; /* NULL: no TLS, no token */
	/* coordinator: connections' authentication, TLS listener stats */
	struct lt_auth_srv *srv;
	uint32_t tls_listener;
	uint64_t tls_fails;
	int64_t tls_checked_us;
	/* worker: this connection proved the token */
	int authed;
};

/* Checks that url has a scheme NNG handles here (ipc, tcp, tls+tcp,
 * inproc). */
int lt_nngx_url_ok(const char *url, struct lt_err *err);

/* Coordinator: a REP socket listening on url, frames over
 * LT_WIRE_MAX_FRAME refused (NNG drops that connection).  sec (may be
 * NULL) gives the TLS files for a tls+tcp:// url and the run token. */
int lt_nngx_listen(struct lt_nngx *x, const char *url,
    const struct lt_fanout_sec *sec, struct lt_err *err);

/* Worker: a REQ socket dialing url in the background (reconnects with a
 * backoff of 0.1..2 s); a request unanswered after resend_ms is sent
 * again (the coordinator drops duplicates).  For tls+tcp:// the first
 * connection is made here, waiting up to 60 s for a coordinator, so that
 * a failed TLS handshake is reported as such. */
int lt_nngx_dial(struct lt_nngx *x, const char *url, int resend_ms,
    const struct lt_fanout_sec *sec, struct lt_err *err);

/* Closes the socket; gives up after 5 s on a close that NNG 1.5.2 never
 * finishes (nngx.c), leaving it to a thread: only before an exit. */
void lt_nngx_close(struct lt_nngx *x);

/* Sends out (whole frames built with lt_wire_encode).  Returns 0, or -1
 * with err set. */
int lt_nngx_send(
    struct lt_nngx *x, const struct lt_buf *out, struct lt_err *err);

/* Sends one frame: header + payload without copying the payload twice.
 * Returns 0, 1 when the send timed out (no peer), or -1 (err set). */
int lt_nngx_send_frame(struct lt_nngx *x, enum lt_wire_type type,
    uint32_t worker, uint64_t seq, const void *payload, size_t len,
    struct lt_err *err);

/*
 * Receives one message into in (replacing its contents), waiting at most
 * timeout_ms (-1: forever).  Returns 1 with a message, 0 on timeout, -1
 * on another error (err set).  On a listener it answers the token's
 * CHALLENGE and AUTH itself and refuses messages from connections that
 * have not authenticated (auth.h); then it returns 0, or 2 with err
 * holding a notice for the operator (a refused worker, a failed TLS
 * handshake).
 */
int lt_nngx_recv(
    struct lt_nngx *x, struct lt_buf *in, int timeout_ms, struct lt_err *err);

/* A request and its reply (REQ sockets). Returns 1, 0 on timeout, -1.
 * With a token, the connection authenticates first (and again after a
 * reconnect); a refused authentication is -1 with err saying why. */
int lt_nngx_call(struct lt_nngx *x, enum lt_wire_type type, uint32_t worker,
    uint64_t seq, const void *payload, size_t len, struct lt_buf *reply,
    int timeout_ms, struct lt_err *err);

#endif
