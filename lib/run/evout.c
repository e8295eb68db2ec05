/*
 * evout.c - batched event writer; see evout.h.
 *
 * A write error other than EPIPE is remembered and the output marked
 * broken: the run then stops like on a closed pipe, and lt-run reports the
 * errno at exit.  SIGPIPE must be ignored by the program (lt-run does it).
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "run/evout.h"

#define EVOUT_BATCH (64 << 10)
#define EVOUT_CAP   (16 << 20)
#define EVOUT_TICK  0.2

static void
tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct lt_evout *o = w->data;

	(void)loop;
	(void)revents;
	if (o->buf.len > 0)
		lt_evout_flush(o);
}

void
lt_evout_init(struct lt_evout *o, int fd, struct ev_loop *loop, int atomic)
{
	memset(o, 0, sizeof(*o));
	o->fd = fd;
	o->atomic = atomic;
	o->batch = EVOUT_BATCH;
	o->loop = loop;
	lt_buf_init(&o->buf, EVOUT_CAP);
	if (loop != NULL) {
		ev_timer_init(&o->timer, tick, EVOUT_TICK, EVOUT_TICK);
		o->timer.data = o;
		ev_timer_start(loop, &o->timer);
		/* The flush timer alone must not keep the loop alive. */
		ev_unref(loop);
	}
}

struct lt_buf *
lt_evout_begin(struct lt_evout *o)
{
	o->mark = o->buf.len;
	return &o->buf;
}

int
lt_evout_end(struct lt_evout *o)
{
	if (lt_buf_addc(&o->buf, '\n') != 0) {
		o->buf.len = o->mark;
		return o->broken ? -1 : 0;
	}
	o->lines++;
	if (o->buf.len >= o->batch)
		return lt_evout_flush(o);
	return o->broken ? -1 : 0;
}

/* Writes p[0..n) fully; returns 0 or -1 with o->broken set. */
static int
put(struct lt_evout *o, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(o->fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				/* a non-blocking stdout: wait, do not spin */
				struct pollfd pfd = { o->fd, POLLOUT, 0 };

				poll(&pfd, 1, 1000);
				continue;
			}
			o->broken = 1;
			if (errno != EPIPE)
				o->error = errno;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Cuts [p, p+n) into writes of at most PIPE_BUF ending on newlines. */
static int
put_atomic(struct lt_evout *o, const char *p, size_t n)
{
	size_t k;

	while (n > 0) {
		k = n;
		if (k > PIPE_BUF) {
			k = PIPE_BUF;
			while (k > 0 && p[k - 1] != '\n')
				k--;
			if (k == 0) /* one line longer than PIPE_BUF */
				k = (size_t)((const char *)memchr(p, '\n', n) -
				        p) +
				    1;
		}
		if (put(o, p, k) != 0)
			return -1;
		p += k;
		n -= k;
	}
	return 0;
}

int
lt_evout_flush(struct lt_evout *o)
{
	int rc;

	if (o->broken) {
		o->buf.len = 0;
		return -1;
	}
	if (o->buf.len == 0)
		return 0;
	if (o->atomic)
		rc = put_atomic(o, o->buf.data, o->buf.len);
	else
		rc = put(o, o->buf.data, o->buf.len);
	o->buf.len = 0;
	return rc;
}

void
lt_evout_fini(struct lt_evout *o)
{
	lt_evout_flush(o);
	if (o->loop != NULL) {
		ev_ref(o->loop);
		ev_timer_stop(o->loop, &o->timer);
		o->loop = NULL;
	}
	lt_buf_fini(&o->buf);
}
