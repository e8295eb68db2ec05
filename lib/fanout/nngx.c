/*
 * nngx.c - the thin NNG 1.5 shim behind nngx.h.  NNG 2.0 changes the poll
 * and TLS APIs; only this file needs to follow.
 */
#include <string.h>

#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>

#include "fanout/nngx.h"

static nng_socket
sock(const struct lt_nngx *x)
{
	nng_socket s;

	s.id = x->id;
	return s;
}

static int
nerr(struct lt_err *err, int rv, const char *what, const char *url)
{
	return lt_err_set(
	    err, 3, "%s %s: %s", what, url ? url : "", nng_strerror(rv));
}

int
lt_nngx_url_ok(const char *url, struct lt_err *err)
{
	static const char *const schemes[] = { "ipc://", "tcp://", "tcp4://",
		"tcp6://", "inproc://", NULL };
	int i;

	for (i = 0; schemes[i] != NULL; i++)
		if (strncmp(url, schemes[i], strlen(schemes[i])) == 0)
			return 0;
	return lt_err_set(err, 2,
	    "%s: expected a URL such as "
	    "tcp://HOST:PORT or ipc:///PATH",
	    url);
}

int
lt_nngx_listen(struct lt_nngx *x, const char *url, struct lt_err *err)
{
	nng_socket s;
	int rv;

	x->id = 0;
	if (lt_nngx_url_ok(url, err) != 0)
		return -1;
	if ((rv = nng_rep0_open(&s)) != 0)
		return nerr(err, rv, "cannot open a socket for", url);
	nng_socket_set_size(s, NNG_OPT_RECVMAXSZ, LT_WIRE_MAX_FRAME);
	nng_socket_set_ms(s, NNG_OPT_SENDTIMEO, 1000);
	if ((rv = nng_listen(s, url, NULL, 0)) != 0) {
		nng_close(s);
		return nerr(err, rv, "cannot listen on", url);
	}
	x->id = s.id;
	return 0;
}

int
lt_nngx_dial(
    struct lt_nngx *x, const char *url, int resend_ms, struct lt_err *err)
{
	nng_socket s;
	int rv;

	x->id = 0;
	if (lt_nngx_url_ok(url, err) != 0)
		return -1;
	if ((rv = nng_req0_open(&s)) != 0)
		return nerr(err, rv, "cannot open a socket for", url);
	nng_socket_set_size(s, NNG_OPT_RECVMAXSZ, LT_WIRE_MAX_FRAME);
	nng_socket_set_ms(s, NNG_OPT_RECONNMINT, 100);
	nng_socket_set_ms(s, NNG_OPT_RECONNMAXT, 2000);
	nng_socket_set_ms(s, NNG_OPT_REQ_RESENDTIME, resend_ms);
	/* a send never blocks a worker for long: no coordinator is news */
	nng_socket_set_ms(s, NNG_OPT_SENDTIMEO, 1000);
	if ((rv = nng_dial(s, url, NULL, NNG_FLAG_NONBLOCK)) != 0) {
		nng_close(s);
		return nerr(err, rv, "cannot connect to", url);
	}
	x->id = s.id;
	return 0;
}

void
lt_nngx_close(struct lt_nngx *x)
{
	if (x->id != 0)
		nng_close(sock(x));
	x->id = 0;
}

int
lt_nngx_send(struct lt_nngx *x, const struct lt_buf *out, struct lt_err *err)
{
	int rv = nng_send(sock(x), out->data, out->len, 0);

	return rv == 0 ? 0 : nerr(err, rv, "send", NULL);
}

int
lt_nngx_send_frame(struct lt_nngx *x, enum lt_wire_type type, uint32_t worker,
    uint64_t seq, const void *payload, size_t len, struct lt_err *err)
{
	unsigned char hdr[LT_WIRE_HEADER];
	nng_msg *m;
	int rv;

	if (len > LT_WIRE_MAX_PAYLOAD)
		return lt_err_set(
		    err, 3, "send: %zu bytes over the limit", len);
	lt_wire_header(hdr, type, worker, seq, len);
	if ((rv = nng_msg_alloc(&m, 0)) != 0)
		return nerr(err, rv, "send", NULL);
	if ((rv = nng_msg_append(m, hdr, sizeof(hdr))) != 0 ||
	    (len > 0 && (rv = nng_msg_append(m, payload, len)) != 0)) {
		nng_msg_free(m);
		return nerr(err, rv, "send", NULL);
	}
	if ((rv = nng_sendmsg(sock(x), m, 0)) != 0) {
		nng_msg_free(m);
		if (rv == NNG_ETIMEDOUT)
			return 1;
		return nerr(err, rv, "send", NULL);
	}
	return 0;
}

int
lt_nngx_recv(
    struct lt_nngx *x, struct lt_buf *in, int timeout_ms, struct lt_err *err)
{
	nng_msg *m;
	int rv;

	nng_socket_set_ms(sock(x), NNG_OPT_RECVTIMEO,
	    timeout_ms < 0 ? NNG_DURATION_INFINITE : timeout_ms);
	rv = nng_recvmsg(sock(x), &m, 0);
	if (rv == NNG_ETIMEDOUT)
		return 0;
	if (rv != 0)
		return nerr(err, rv, "receive", NULL);
	lt_buf_reset(in);
	if (lt_buf_add(in, nng_msg_body(m), nng_msg_len(m)) != 0) {
		nng_msg_free(m);
		return lt_err_set(err, 3, "receive: out of memory");
	}
	nng_msg_free(m);
	return 1;
}

int
lt_nngx_call(struct lt_nngx *x, enum lt_wire_type type, uint32_t worker,
    uint64_t seq, const void *payload, size_t len, struct lt_buf *reply,
    int timeout_ms, struct lt_err *err)
{
	int rc = lt_nngx_send_frame(x, type, worker, seq, payload, len, err);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	return lt_nngx_recv(x, reply, timeout_ms, err);
}
