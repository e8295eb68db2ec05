/*
 * coord.c - lt-fanout's coordinator: starts local workers (-w N) or waits
 * for remote ones (--listen, --expect-workers), holds the start barrier
 * and runs the loop; the rest is in coord_join.c (hellos, the plan),
 * coord_recv.c (events, acks, dedupe), coord_live.c (heartbeats, lost
 * workers, --on-worker-loss) and coord_out.c (output, live line).
 *
 * One thread: a REP socket answers every worker message in turn (wire.h,
 * nngx.h), with a 100 ms receive timeout so the barrier, the liveness
 * checks and the live line run even when nobody talks.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fanout/coord_priv.h"
#include "fanout/ship.h"
#include "fanout/steer.h"

static volatile sig_atomic_t signalled;

static void
on_signal(int sig)
{
	(void)sig;
	signalled++;
}

/* --- the loop ------------------------------------------------------ */

/* --shape: opened at the barrier (a file at once, to check it), read
 * each turn.  0, or -1 with c->err. */
static int
steer(struct coord *c, int64_t now)
{
	const char *spec;

	if (c->o->shape_arg < 0 || c->o->exec != NULL)
		return 0;
	spec = c->o->run_argv[c->o->shape_arg];
	if (c->steer == NULL &&
	    lt_fanout_steer_open(spec, &c->steer, &c->err) != 0)
		return -1;
	return lt_fanout_steer_poll(
	    c->steer, (double)(now / 1000 - c->t0_ms) / 1000, &c->err);
}

static int
loop(struct coord *c)
{
	struct lt_buf in;
	struct lt_err e;
	int64_t now;
	int rc;

	lt_buf_init(&in, LT_WIRE_MAX_FRAME + 1024);
	for (;;) {
		rc = lt_nngx_recv(&c->sock, &in, 100, &e);
		now = lt_fanout_now_us();
		if (rc == 1)
			lt_coord_handle(c, &in);
		else if (rc == 2)
			fprintf(stderr, "\nlt-fanout: %s\n", e.msg);
		else if (rc < 0) {
			lt_err_set(&c->err, 3, "%s", e.msg);
			break;
		}
		if (signalled && !c->stop) {
			c->stop = 1;
			c->stop_us = now;
		}
		if (c->t0_ms == 0) {
			if (c->joined == c->n)
				c->t0_ms = now / 1000 +
				    (c->o->listen != NULL ? 2000 : 500);
			else if (c->stop) {
				lt_err_set(&c->err, 3,
				    "stopped by a signal "
				    "while %d of %d workers had joined",
				    c->joined, c->n);
				break;
			} else if (c->o->max_wait_s > 0 &&
			    now - c->begin_us > c->o->max_wait_s * 1e6) {
				lt_err_set(&c->err, 3,
				    "only %d of %d workers "
				    "joined within %.0f s "
				    "(--expect-workers-max-wait)",
				    c->joined, c->n, c->o->max_wait_s);
				break;
			}
		} else {
			lt_coord_check_workers(c, now);
			if (steer(c, now) != 0)
				break;
		}
		if (now - c->tick_us >= 2000000)
			lt_coord_live_line(c, now);
		if (rc == 0 || c->out.len > 0)
			if (lt_coord_flush(c) != 0)
				break;
		if (c->t0_ms != 0 && lt_coord_all_over(c)) {
			lt_buf_fini(&in);
			return 0;
		}
		if (c->stop && now - c->stop_us > 15000000) {
			lt_err_set(&c->err, 3,
			    "workers did not finish within "
			    "15 s of the stop");
			break;
		}
	}
	lt_buf_fini(&in);
	return -1;
}

int
lt_fanout_coordinate(const struct lt_fanout_opts *o, struct lt_err *err)
{
	struct coord c;
	const char *tmp = getenv("TMPDIR");
	struct sigaction sa;
	int i, rc = 3, worst = 0;

	memset(&c, 0, sizeof(c));
	c.o = o;
	c.n = o->workers > 0 ? o->workers : o->expect;
	if (c.n < 1 || c.n > MAX_WORKERS)
		return lt_err_set(err, 2, "need 1..%d workers", MAX_WORKERS), 2;
	c.w = calloc((size_t)c.n, sizeof(*c.w));
	c.users = lt_fanout_users_new(c.n);
	c.aggs = o->ship_agg ? lt_fanout_aggs_new(c.n) : NULL;
	if (c.w == NULL || c.users == NULL || (o->ship_agg && !c.aggs)) {
		free(c.w);
		lt_fanout_users_free(c.users);
		lt_fanout_aggs_free(c.aggs);
		return lt_err_set(err, 3, "out of memory"), 3;
	}
	lt_buf_init(&c.out, 0);
	lt_buf_init(&c.plan_tail, 0);
	lt_buf_init(&c.reply, 0);
	snprintf(c.run, sizeof(c.run), "%llx%04x",
	    (unsigned long long)(lt_fanout_now_us() / 1000),
	    (unsigned)getpid() & 0xffff);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (o->shape_arg >= 0 && o->exec == NULL) {
		struct stat st;
		const char *spec = o->run_argv[o->shape_arg];

		/* a file is checked now; a command starts at the barrier */
		if (stat(spec, &st) == 0 && S_ISREG(st.st_mode) &&
		    !(st.st_mode & 0111) &&
		    lt_fanout_steer_open(spec, &c.steer, &c.err) != 0) {
			rc = 2;
			goto out;
		}
	}
	if (lt_coord_build_plan(&c) != 0) {
		rc = c.err.code == 2 ? 2 : 3;
		goto out;
	}
	if (o->listen != NULL) {
		snprintf(c.url, sizeof(c.url), "%s", o->listen);
	} else {
		snprintf(c.dir, sizeof(c.dir), "%s/lt-fanout.XXXXXX",
		    tmp != NULL && *tmp ? tmp : "/tmp");
		if (mkdtemp(c.dir) == NULL) {
			lt_err_sys(&c.err, 3, errno, "%s", c.dir);
			goto out;
		}
		snprintf(c.url, sizeof(c.url), "ipc://%s/ctl", c.dir);
	}
	if (lt_nngx_listen(&c.sock, c.url, o->listen ? o->sec : NULL, &c.err) !=
	    0)
		goto out;
	c.begin_us = c.tick_us = lt_fanout_now_us();
	if (o->listen != NULL && !o->quiet)
		fprintf(stderr,
		    "lt-fanout: listening on %s for %d workers (scenario "
		    "hash %s)\n",
		    c.url, c.n, c.scenario_hash[0] ? c.scenario_hash : "none");
	if (o->workers > 0) {
		c.local = calloc((size_t)c.n, sizeof(pid_t));
		if (c.local == NULL) {
			lt_err_set(&c.err, 3, "out of memory");
			goto out;
		}
		if (lt_fanout_spawn_local(o->self, c.url, o->spool_dir,
		        o->keep_spool, c.n, c.local, &c.err) != 0)
			goto out;
	}
	if (loop(&c) == 0) {
		rc = 0;
		for (i = 0; i < c.n; i++)
			if (c.w[i].st == W_DONE && c.w[i].status > worst)
				worst = c.w[i].status;
		rc = c.aborted ? 3 : worst;
		if (c.aborted)
			lt_err_set(&c.err, 3,
			    "a worker was lost: run aborted "
			    "(--on-worker-loss abort)");
	}
	if (!o->quiet && isatty(STDERR_FILENO))
		fputc('\n', stderr);
	if (!o->quiet && c.t0_ms != 0)
		lt_coord_summary(&c, rc, signalled);
	lt_coord_flush(&c);
	if (c.aggs != NULL && c.t0_ms != 0) {
		c.final = 1;
		if (lt_fanout_aggs_write(c.aggs, &c.out, &c.err) != 0 ||
		    lt_coord_flush(&c) != 0)
			rc = 3;
	}
out:
	lt_nngx_close(&c.sock);
	if (c.local != NULL) {
		for (i = 0; rc == 3 && i < c.n; i++)
			if (c.local[i] > 0)
				kill(c.local[i], SIGTERM);
		lt_fanout_reap_local(c.local, c.n, 10);
		free(c.local);
	}
	if (c.dir[0] != '\0') {
		char p[300];

		snprintf(p, sizeof(p), "%s/ctl", c.dir);
		unlink(p);
		rmdir(c.dir);
	}
	if (rc != 0 && c.err.msg[0] != '\0')
		*err = c.err;
	else if (rc != 0)
		err->msg[0] = '\0';
	lt_buf_fini(&c.out);
	lt_buf_fini(&c.plan_tail);
	lt_buf_fini(&c.reply);
	free(c.w);
	lt_fanout_users_free(c.users);
	lt_fanout_aggs_free(c.aggs);
	lt_fanout_steer_close(c.steer);
	return rc;
}
