/*
 * nngx.c - the thin NNG 1.5 shim behind nngx.h.  NNG 2.0 changes the poll
 * and TLS APIs; only this file (and tls.c) needs to follow.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>
#include <nng/supplemental/tls/tls.h>

#include "fanout/auth.h"
#include "fanout/fanout.h"
#include "fanout/nngx.h"
#include "fanout/tls.h"

#define TLS_DIAL_WAIT_US 60000000LL
#define CLOSE_WAIT_S     5

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
		"tcp6://", "tls+tcp://", "tls+tcp4://", "tls+tcp6://",
		"inproc://", NULL };
	int i;

	for (i = 0; schemes[i] != NULL; i++)
		if (strncmp(url, schemes[i], strlen(schemes[i])) == 0)
			return 0;
	return lt_err_set(err, 2,
	    "%s: expected a URL such as "
	    "tcp://HOST:PORT, tls+tcp://HOST:PORT or ipc:///PATH",
	    url);
}

int
lt_nngx_listen(struct lt_nngx *x, const char *url,
    const struct lt_fanout_sec *sec, struct lt_err *err)
{
	nng_socket s;
	nng_listener l;
	void *cfg = NULL;
	int rv;

	memset(x, 0, sizeof(*x));
	x->sec = sec;
	if (lt_nngx_url_ok(url, err) != 0)
		return -1;
	if (sec != NULL &&
	    (lt_fanout_sec_check(sec, url, err) != 0 ||
	        lt_tls_config(sec, url, 1, &cfg, err) != 0))
		return -1;
	if (sec != NULL && (x->srv = lt_auth_srv_new(sec)) == NULL) {
		lt_tls_config_free(cfg);
		return lt_err_set(err, 3, "out of memory");
	}
	if ((rv = nng_rep0_open(&s)) != 0) {
		lt_tls_config_free(cfg);
		lt_nngx_close(x);
		return nerr(err, rv, "cannot open a socket for", url);
	}
	nng_socket_set_size(s, NNG_OPT_RECVMAXSZ, LT_WIRE_MAX_FRAME);
	nng_socket_set_ms(s, NNG_OPT_SENDTIMEO, 1000);
	x->id = s.id;
	if ((rv = nng_listener_create(&l, s, url)) != 0 ||
	    (cfg != NULL &&
	        (rv = nng_listener_set_ptr(l, NNG_OPT_TLS_CONFIG, cfg)) != 0) ||
	    (rv = nng_listener_start(l, 0)) != 0) {
		lt_tls_config_free(cfg);
		lt_nngx_close(x);
		return nerr(err, rv, "cannot listen on", url);
	}
	if (cfg != NULL)
		x->tls_listener = l.id;
	lt_tls_config_free(cfg); /* the listener holds its own reference */
	return 0;
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The first TLS connection, in the foreground: a coordinator not yet
 * listening is waited for, a failed handshake is an error. */
static int
tls_dial(nng_socket s, const char *url, void *cfg, struct lt_err *err)
{
	int64_t until = lt_fanout_now_us() + TLS_DIAL_WAIT_US;
	nng_dialer d;
	int rv;

	for (;;) {
		if ((rv = nng_dialer_create(&d, s, url)) != 0)
			return nerr(err, rv, "cannot connect to", url);
		nng_dialer_set_ms(d, NNG_OPT_RECONNMINT, 100);
		nng_dialer_set_ms(d, NNG_OPT_RECONNMAXT, 2000);
		if ((rv = nng_dialer_set_ptr(d, NNG_OPT_TLS_CONFIG, cfg)) !=
		    0) {
			nng_dialer_close(d);
			return nerr(err, rv, "TLS configuration for", url);
		}
		rv = nng_dialer_start(d, 0);
		if (rv == 0)
			return 0;
		nng_dialer_close(d);
		if (rv != NNG_ECONNREFUSED && rv != NNG_ETIMEDOUT &&
		    rv != NNG_EADDRINVAL && rv != NNG_EUNREACHABLE)
			return lt_err_set(err, 3,
			    "TLS handshake with %s failed: %s (the "
			    "coordinator does not accept this worker's "
			    "certificate, or this worker does not trust "
			    "the coordinator's: check --tls-cert, "
			    "--tls-key and --tls-ca on both sides)",
			    url, nng_strerror(rv));
		if (lt_fanout_now_us() > until)
			return lt_err_set(err, 3,
			    "no coordinator answered at "
			    "%s within %lld s (%s)",
			    url, TLS_DIAL_WAIT_US / 1000000, nng_strerror(rv));
		sleep_ms(200);
	}
}

int
lt_nngx_dial(struct lt_nngx *x, const char *url, int resend_ms,
    const struct lt_fanout_sec *sec, struct lt_err *err)
{
	nng_socket s;
	void *cfg = NULL;
	int rv;

	memset(x, 0, sizeof(*x));
	x->sec = sec;
	if (lt_nngx_url_ok(url, err) != 0)
		return -1;
	if (sec != NULL &&
	    (lt_fanout_sec_check(sec, url, err) != 0 ||
	        lt_tls_config(sec, url, 0, &cfg, err) != 0))
		return -1;
	if ((rv = nng_req0_open(&s)) != 0) {
		lt_tls_config_free(cfg);
		return nerr(err, rv, "cannot open a socket for", url);
	}
	nng_socket_set_size(s, NNG_OPT_RECVMAXSZ, LT_WIRE_MAX_FRAME);
	nng_socket_set_ms(s, NNG_OPT_RECONNMINT, 100);
	nng_socket_set_ms(s, NNG_OPT_RECONNMAXT, 2000);
	nng_socket_set_ms(s, NNG_OPT_REQ_RESENDTIME, resend_ms);
	/* a send never blocks a worker for long: no coordinator is news */
	nng_socket_set_ms(s, NNG_OPT_SENDTIMEO, 1000);
	if (cfg != NULL) {
		rv = tls_dial(s, url, cfg, err);
		lt_tls_config_free(cfg);
		if (rv != 0) {
			nng_close(s);
			return -1;
		}
	} else if ((rv = nng_dial(s, url, NULL, NNG_FLAG_NONBLOCK)) != 0) {
		nng_close(s);
		return nerr(err, rv, "cannot connect to", url);
	}
	x->id = s.id;
	return 0;
}

/*
 * nng_close, given up on after CLOSE_WAIT_S.  NNG 1.5.2's close can wait
 * for good on one of its own pipes (nanomsg/nng#1543, fixed after 1.5.2):
 * seen in about one lt-fanout run in fifteen whose output failed at once,
 * with both workers already gone.  The close then goes on in a detached
 * thread that frees its state if it ever returns, and the caller, about
 * to exit, goes on.  Returns 0 when closed, -1 when given up on.
 */
struct closer {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	nng_socket s;
	int done, abandoned;
};

static void
closer_free(struct closer *c)
{
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static void *
closer_main(void *arg)
{
	struct closer *c = arg;
	int abandoned;

	nng_close(c->s);
	pthread_mutex_lock(&c->mu);
	c->done = 1;
	abandoned = c->abandoned;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	if (abandoned)
		closer_free(c);
	return NULL;
}

static int
close_within(nng_socket s, int wait_s)
{
	struct closer *c = calloc(1, sizeof(*c));
	pthread_condattr_t ca;
	struct timespec due;
	pthread_t t;
	int rc = 0;

	if (c == NULL) {
		nng_close(s);
		return 0;
	}
	c->s = s;
	pthread_mutex_init(&c->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&t, NULL, closer_main, c) != 0) {
		nng_close(s);
		closer_free(c);
		return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &due);
	due.tv_sec += wait_s;
	pthread_mutex_lock(&c->mu);
	while (!c->done && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&c->cv, &c->mu, &due);
	if (c->done) {
		pthread_mutex_unlock(&c->mu);
		pthread_join(t, NULL);
		closer_free(c);
		return 0;
	}
	c->abandoned = 1;
	pthread_mutex_unlock(&c->mu);
	pthread_detach(t);
	return -1;
}

void
lt_nngx_close(struct lt_nngx *x)
{
	int closed = 1;

	if (x->id != 0)
		closed = close_within(sock(x), CLOSE_WAIT_S) == 0;
	x->id = 0;
	/* a close still under way may yet call the pipe notifier with it */
	if (closed)
		lt_auth_srv_free(x->srv);
	x->srv = NULL;
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

/* --- the coordinator's side of authentication ----------------------- */

/* Connections that failed before becoming pipes (TLS handshakes), from
 * the listener's statistics. */
static uint64_t
tls_failures(uint32_t listener)
{
	static const char *const names[] = { "auth", "proto", "other",
		"disconnect", "timeout", "canceled", "reject", NULL };
	nng_stat *all, *ls, *st;
	nng_listener l;
	uint64_t n = 0;
	int i;

	l.id = listener;
	if (nng_stats_get(&all) != 0)
		return 0;
	if ((ls = nng_stat_find_listener(all, l)) != NULL)
		for (i = 0; names[i] != NULL; i++)
			if ((st = nng_stat_find(ls, names[i])) != NULL)
				n += nng_stat_value(st);
	nng_stats_free(all);
	return n;
}

static int
check_tls(struct lt_nngx *x, struct lt_err *err)
{
	int64_t now = lt_fanout_now_us();
	uint64_t n;

	if (x->tls_listener == 0 || now - x->tls_checked_us < 500000)
		return 0;
	x->tls_checked_us = now;
	n = tls_failures(x->tls_listener);
	if (n <= x->tls_fails)
		return 0;
	lt_err_set(err, 3,
	    "refused a connection: TLS handshake failed (a worker "
	    "without a certificate signed by --tls-ca, or one that does not "
	    "trust this coordinator's certificate)");
	x->tls_fails = n;
	return 2;
}

/* "from HOST:PORT" of the pipe's peer, or "" (ipc, unknown). */
static void
peer(nng_pipe pipe, char *out, size_t cap)
{
	nng_sockaddr sa;
	const unsigned char *a;

	out[0] = '\0';
	if (nng_pipe_get_addr(pipe, NNG_OPT_REMADDR, &sa) != 0)
		return;
	if (sa.s_family == NNG_AF_INET) {
		a = (const unsigned char *)&sa.s_in.sa_addr;
		snprintf(out, cap, " from %u.%u.%u.%u:%u", a[0], a[1], a[2],
		    a[3], (unsigned)ntohs(sa.s_in.sa_port));
	} else if (sa.s_family == NNG_AF_INET6) {
		char h[INET6_ADDRSTRLEN];

		if (inet_ntop(AF_INET6, sa.s_in6.sa_addr, h, sizeof(h)))
			snprintf(out, cap, " from [%s]:%u", h,
			    (unsigned)ntohs(sa.s_in6.sa_port));
	}
}

static void
answer(struct lt_nngx *x, enum lt_wire_type t, uint64_t seq, const char *p,
    size_t n)
{
	struct lt_err e;

	lt_nngx_send_frame(x, t, LT_WIRE_NO_WORKER, seq, p, n, &e);
}

/* 1: pass m to the caller; 0: answered here; 2: answered, notice in err */
static int
srv_filter(struct lt_nngx *x, nng_msg *nm, struct lt_err *err)
{
	static const char need[] =
	    "this run needs the run token (--token-file or LT_FANOUT_TOKEN) "
	    "and this connection has not proved it";
	struct lt_wire_msg m;
	struct lt_err e;
	struct lt_buf out;
	uint32_t pipe = nng_msg_get_pipe(nm).id;
	char from[80];
	int ok = lt_wire_decode(nng_msg_body(nm), nng_msg_len(nm), &m, &e) == 0;
	int rc = 0;

	if (ok && m.type == LT_WIRE_CHALLENGE) {
		lt_buf_init(&out, 4096);
		if (lt_auth_srv_challenge(
		        x->srv, pipe, m.payload, m.len, &out, &e) != 0)
			answer(x, LT_WIRE_REFUSE, 0, e.msg, strlen(e.msg));
		else
			answer(x, LT_WIRE_CHALLENGE, 0, out.data, out.len);
		lt_buf_fini(&out);
		return 0;
	}
	if (ok && m.type == LT_WIRE_AUTH) {
		if (lt_auth_srv_verify(x->srv, pipe, m.payload, m.len, &e) ==
		    0) {
			answer(x, LT_WIRE_ACK, 0, NULL, 0);
			return 0;
		}
		/* its address first: once refused, the worker hangs up */
		peer(nng_msg_get_pipe(nm), from, sizeof(from));
		answer(x, LT_WIRE_REFUSE, 0, e.msg, strlen(e.msg));
		lt_err_set(err, 2, "refused a connection%s: %s", from, e.msg);
		return 2;
	}
	if (lt_auth_srv_ok(x->srv, pipe))
		return 1;
	answer(x, LT_WIRE_REFUSE, LT_AUTH_AGAIN, need, sizeof(need) - 1);
	if (ok && m.type == LT_WIRE_HELLO) {
		peer(nng_msg_get_pipe(nm), from, sizeof(from));
		lt_err_set(err, 2,
		    "refused a worker%s without the run token "
		    "(it has no --token-file or LT_FANOUT_TOKEN)",
		    from);
		rc = 2;
	}
	return rc;
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
		return check_tls(x, err);
	if (rv != 0)
		return nerr(err, rv, "receive", NULL);
	if (x->srv != NULL && (rv = srv_filter(x, m, err)) != 1) {
		nng_msg_free(m);
		return rv;
	}
	lt_buf_reset(in);
	if (lt_buf_add(in, nng_msg_body(m), nng_msg_len(m)) != 0) {
		nng_msg_free(m);
		return lt_err_set(err, 3, "receive: out of memory");
	}
	nng_msg_free(m);
	return 1;
}

/* --- the worker's side ---------------------------------------------- */

/* The reply in in, decoded, must be of type want; else -1 with err. */
static int
expect(const struct lt_buf *in, enum lt_wire_type want, struct lt_wire_msg *m,
    struct lt_err *err)
{
	if (lt_wire_decode(in->data, in->len, m, err) != 0)
		return -1;
	if (m->type == LT_WIRE_REFUSE)
		return lt_err_set(err, 3, "refused by the coordinator: %.*s",
		    (int)(m->len > 300 ? 300 : m->len), m->payload);
	if (m->type != want)
		return lt_err_set(err, 3,
		    "the coordinator answered %s to %s "
		    "(an lt-fanout without run tokens?)",
		    lt_wire_type_name((int)m->type),
		    want == LT_WIRE_ACK ? "auth" : "challenge");
	return 0;
}

/* Proves the token on this connection: 1, 0 on timeout, -1 (err). */
static int
cli_auth(struct lt_nngx *x, int timeout_ms, struct lt_err *err)
{
	unsigned char wn[LT_AUTH_NONCE];
	struct lt_buf out, in;
	struct lt_wire_msg m;
	int rc;

	lt_buf_init(&out, 4096);
	lt_buf_init(&in, 4096);
	rc = lt_auth_cli_challenge(wn, &out, err);
	if (rc == 0)
		rc = lt_nngx_send_frame(x, LT_WIRE_CHALLENGE, LT_WIRE_NO_WORKER,
		    0, out.data, out.len, err);
	if (rc == 0)
		rc = lt_nngx_recv(x, &in, timeout_ms, err);
	else
		rc = rc > 0 ? 0 : -1;
	if (rc == 1)
		rc = expect(&in, LT_WIRE_CHALLENGE, &m, err);
	else
		goto out;
	if (rc != 0)
		goto out;
	lt_buf_reset(&out);
	if (lt_auth_cli_answer(x->sec, wn, m.payload, m.len, &out, err) != 0) {
		struct lt_err e;

		/*
		 * Tell the coordinator (best effort), then refuse; its reply
		 * says it has read the refusal (closing at once could drop
		 * it unsent), and a loaded coordinator may take seconds.
		 */
		if (out.len > 0 &&
		    lt_nngx_send_frame(x, LT_WIRE_AUTH, LT_WIRE_NO_WORKER, 0,
		        out.data, out.len, &e) == 0)
			lt_nngx_recv(x, &in, 5000, &e);
		rc = -1;
		goto out;
	}
	rc = lt_nngx_send_frame(
	    x, LT_WIRE_AUTH, LT_WIRE_NO_WORKER, 0, out.data, out.len, err);
	if (rc != 0) {
		rc = rc > 0 ? 0 : -1;
		goto out;
	}
	rc = lt_nngx_recv(x, &in, timeout_ms, err);
	if (rc == 1)
		rc = expect(&in, LT_WIRE_ACK, &m, err) == 0 ? 1 : -1;
	if (rc == 1)
		x->authed = 1;
out:
	lt_buf_fini(&out);
	lt_buf_fini(&in);
	return rc;
}

/* 1 when the reply in in says: authenticate this connection first. */
static int
refused_again(const struct lt_buf *in)
{
	struct lt_wire_msg m;
	struct lt_err e;

	return lt_wire_decode(in->data, in->len, &m, &e) == 0 &&
	    m.type == LT_WIRE_REFUSE && m.seq == LT_AUTH_AGAIN;
}

int
lt_nngx_call(struct lt_nngx *x, enum lt_wire_type type, uint32_t worker,
    uint64_t seq, const void *payload, size_t len, struct lt_buf *reply,
    int timeout_ms, struct lt_err *err)
{
	int token = x->sec != NULL && x->sec->has_token, tries, rc = 0;

	for (tries = 0; tries < 3; tries++) {
		if (token && !x->authed &&
		    (rc = cli_auth(x, timeout_ms, err)) != 1)
			return rc;
		rc =
		    lt_nngx_send_frame(x, type, worker, seq, payload, len, err);
		if (rc != 0)
			return rc > 0 ? 0 : -1;
		rc = lt_nngx_recv(x, reply, timeout_ms, err);
		if (rc != 1 || !token || !refused_again(reply))
			return rc;
		x->authed = 0; /* a new connection: prove the token again */
	}
	return rc;
}
