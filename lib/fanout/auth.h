/*
 * auth.h - the run token's challenge-response (wire types CHALLENGE and
 * AUTH): each connection proves, without sending the token, that both
 * ends know it.  HMAC-SHA-256 (OpenSSL's libcrypto) over two fresh
 * 16-byte nonces, one from each side; the coordinator's nonce is bound to
 * the connection it was issued on and used once, so a captured AUTH
 * replayed on another connection (or again) does not authenticate.
 *
 *   worker -> CHALLENGE {"nonce":WN}
 *   coord  -> CHALLENGE {"nonce":CN,"proof":HMAC(T,"lt-fanout/1 coordinator\n"|CN|WN)}
 *             ("proof" absent when the coordinator has no token)
 *   worker -> AUTH      {"nonce":CN,"wnonce":WN,
 *                        "mac":HMAC(T,"lt-fanout/1 worker\n"|CN|WN)}
 *             (with "refuse":true when the coordinator's proof failed)
 *   coord  -> ACK, or REFUSE with the reason
 *
 * Nonces and MACs travel as lowercase hex.  A message on a connection
 * that has not authenticated is answered with REFUSE and seq
 * LT_AUTH_AGAIN: a worker with the token authenticates and sends again.
 */
#ifndef LT_FANOUT_AUTH_H
#define LT_FANOUT_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "fanout/sec.h"

#define LT_AUTH_NONCE 16
#define LT_AUTH_MAC   32
#define LT_AUTH_AGAIN 1

/* The coordinator's table of connections (NNG pipe ids). */
struct lt_auth_srv;

struct lt_auth_srv *lt_auth_srv_new(const struct lt_fanout_sec *s);
void lt_auth_srv_free(struct lt_auth_srv *a);

/* 1 when messages from pipe may pass (authenticated, or no token). */
int lt_auth_srv_ok(struct lt_auth_srv *a, uint32_t pipe);

/* A CHALLENGE from pipe: appends the reply payload to out.  Returns 0, or
 * -1 with err (unreadable payload). */
int lt_auth_srv_challenge(struct lt_auth_srv *a, uint32_t pipe, const char *p,
    size_t n, struct lt_buf *out, struct lt_err *err);

/* An AUTH from pipe: 0 when it proves the token, else -1 with err saying
 * why (wrong token, no challenge on this connection, ...). */
int lt_auth_srv_verify(struct lt_auth_srv *a, uint32_t pipe, const char *p,
    size_t n, struct lt_err *err);

/* Worker: appends the CHALLENGE payload to out, keeping its nonce in wn.
 * Returns 0 or -1 (no randomness). */
int lt_auth_cli_challenge(
    unsigned char wn[LT_AUTH_NONCE], struct lt_buf *out, struct lt_err *err);

/* Worker: checks the coordinator's CHALLENGE reply (its proof of the
 * token) and appends the AUTH payload to out.  Returns 0, or -1 with err
 * (the coordinator does not know the token, or has none); out is filled
 * then too, marked "refuse", so that the coordinator can say why. */
int lt_auth_cli_answer(const struct lt_fanout_sec *s,
    const unsigned char wn[LT_AUTH_NONCE], const char *p, size_t n,
    struct lt_buf *out, struct lt_err *err);

#endif
