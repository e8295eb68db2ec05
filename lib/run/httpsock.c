/*
 * httpsock.c - libcurl's multi socket interface on libev: one ev_io per
 * socket number (a table by number, see struct lt_http_sock), one
 * ev_timer per multi handle (timeout_ms / 1000.0: the integer division in
 * curl's example is a bug), and the socket open and close callbacks that
 * tell a reused number from a new socket.
 */
#include <stdlib.h>

#include "run/http.h"
#include "run/httppriv.h"

void
http_prepare_fire(struct ev_loop *loop, ev_prepare *w, int revents)
{
	(void)loop;
	(void)revents;
	http_kick(w->data);
}

void
http_timer_fire(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct lt_http_multi *h = w->data;

	(void)loop;
	(void)revents;
	curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &h->running);
	http_drain(h);
}

int
http_timer_cb(CURLM *m, long timeout_ms, void *arg)
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
	http_drain(h);
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

int
http_sock_cb(CURL *e, curl_socket_t fd, int what, void *arg, void *sockp)
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

int
http_sockopt_cb(void *arg, curl_socket_t fd, curlsocktype purpose)
{
	struct lt_http_sock *s = sock_for(arg, fd);

	(void)purpose;
	if (s == NULL)
		return CURL_SOCKOPT_ERROR;
	s->fresh = 1;
	s->conn = 1;
	return CURL_SOCKOPT_OK;
}

int
http_closesocket_cb(void *arg, curl_socket_t fd)
{
	struct lt_http_sock *s = sock_at(arg, fd);

	if (s != NULL) {
		s->fresh = 1;
		s->conn = 0;
	}
	return close(fd);
}
