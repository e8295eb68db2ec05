/*
 * coord_out.c - the coordinator's output: the merged event stream written
 * to the event output (stopping the run when its reader goes away), the
 * "worker" events (joined, started, lost, finished), the live line on a
 * terminal every 2 s and the last stderr line of a run.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fanout/coord_priv.h"

/* --- output -------------------------------------------------------- */

int
lt_coord_flush(struct coord *c)
{
	size_t off = 0;
	ssize_t w;

	if (c->aggs != NULL && !c->final) /* --ship agg: one document */
		lt_buf_reset(&c->out);
	while (off < c->out.len && !c->out_closed) {
		w = write(c->o->out_fd, c->out.data + off, c->out.len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EPIPE) {
			/* the reader is gone (| head): stop the run, as lt-run
			 * does, and let the workers finish */
			c->out_closed = 1;
			if (!c->stop) {
				c->stop = 1;
				c->stop_us = lt_fanout_now_us();
			}
			break;
		}
		if (w <= 0)
			return lt_err_sys(&c->err, 3, errno, "event output");
		off += (size_t)w;
	}
	lt_buf_reset(&c->out);
	return 0;
}

/* A worker event: {"type":"worker","ts":..,"worker":I,"state":..,...} */
void
lt_coord_wevent(struct coord *c, int i, const char *phase, const char *fmt, ...)
{
	va_list ap;
	int64_t now = lt_fanout_now_us();

	lt_buf_printf(&c->out,
	    "{\"type\":\"worker\",\"ts\":%lld.%06lld,\"worker\":%d,"
	    "\"state\":\"%s\"",
	    (long long)(now / 1000000), (long long)(now % 1000000), i, phase);
	if (fmt != NULL) {
		lt_buf_addc(&c->out, ',');
		va_start(ap, fmt);
		lt_buf_vprintf(&c->out, fmt, ap);
		va_end(ap);
	}
	lt_buf_adds(&c->out, "}\n");
}

void
lt_coord_live_line(struct coord *c, int64_t now)
{
	uint64_t reqs = 0, fails = 0;
	long users = lt_fanout_users_total(c->users);
	int i, healthy = 0;
	double dt = (double)(now - c->tick_us) / 1e6;

	for (i = 0; i < c->n; i++) {
		reqs += c->w[i].reqs;
		fails += c->w[i].fails;
		healthy += c->w[i].st == W_JOINED || c->w[i].st == W_RUNNING ||
		    c->w[i].st == W_DONE;
	}
	if (!c->o->quiet && isatty(STDERR_FILENO) && dt > 0)
		fprintf(stderr,
		    "\rlt-fanout: %d/%d workers healthy, %ld users, %.0f "
		    "req/s, p50 %.1f ms, p95 %.1f ms, %llu requests, %llu "
		    "failures   ",
		    healthy, c->n, users, (double)(reqs - c->reqs_last) / dt,
		    (double)lt_lathist_quantile(&c->tick_hist, 0.5) / 1000,
		    (double)lt_lathist_quantile(&c->tick_hist, 0.95) / 1000,
		    (unsigned long long)reqs, (unsigned long long)fails);
	memset(&c->tick_hist, 0, sizeof(c->tick_hist));
	c->reqs_last = reqs;
	c->tick_us = now;
}

/* The last stderr line: how the run ended, what it did. */
void
lt_coord_summary(struct coord *c, int rc, int signalled)
{
	uint64_t reqs = 0, fails = 0;
	int i, done = 0, lost = 0;

	for (i = 0; i < c->n; i++) {
		reqs += c->w[i].reqs;
		fails += c->w[i].fails;
		done += c->w[i].st == W_DONE;
		lost += c->w[i].st == W_LOST;
	}
	fprintf(stderr,
	    "lt-fanout: %s; %d of %d workers finished, %d lost; %llu "
	    "requests, %llu failures; exit %d\n",
	    c->aborted          ? "aborted (a worker was lost)"
	        : signalled     ? "stopped by a signal"
	        : c->out_closed ? "stopped (event output closed)"
	                        : "run over",
	    done, c->n, lost, (unsigned long long)reqs,
	    (unsigned long long)fails, rc);
}
