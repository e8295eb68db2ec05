/*
 * nngx.h - the one place lt-fanout touches NNG: opening, listening,
 * dialing, size limits, timeouts, reconnect backoff, and sending or
 * receiving whole wire frames (wire.h).  Everything transport-specific
 * (URL schemes, later TLS configuration and run tokens) belongs here, so
 * the coordinator and the worker never include <nng/nng.h>.
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
#include "fanout/wire.h"

struct lt_nngx {
	uint32_t id; /* nng_socket.id; 0 when closed */
};

/* Checks that url has a scheme NNG handles here (ipc, tcp, inproc). */
int lt_nngx_url_ok(const char *url, struct lt_err *err);

/* Coordinator: a REP socket listening on url, frames over
 * LT_WIRE_MAX_FRAME refused (NNG drops that connection). */
int lt_nngx_listen(struct lt_nngx *x, const char *url, struct lt_err *err);

/* Worker: a REQ socket dialing url in the background (reconnects with a
 * backoff of 0.1..2 s); a request unanswered after resend_ms is sent
 * again (the coordinator drops duplicates). */
int lt_nngx_dial(
    struct lt_nngx *x, const char *url, int resend_ms, struct lt_err *err);

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
 * on another error (err set).
 */
int lt_nngx_recv(
    struct lt_nngx *x, struct lt_buf *in, int timeout_ms, struct lt_err *err);

/* A request and its reply (REQ sockets). Returns 1, 0 on timeout, -1. */
int lt_nngx_call(struct lt_nngx *x, enum lt_wire_type type, uint32_t worker,
    uint64_t seq, const void *payload, size_t len, struct lt_buf *reply,
    int timeout_ms, struct lt_err *err);

#endif
