/*
 * coord.c - lt-fanout's coordinator: starts local workers (-w N) or waits
 * for remote ones (--listen, --expect-workers), hands each its plan, holds
 * the start barrier, merges their events into one stream tagged with
 * "worker", acknowledges what it stored, drops duplicates, detects lost
 * workers from their heartbeats and applies --on-worker-loss.
 *
 * One thread: a REP socket answers every worker message in turn (wire.h,
 * nngx.h), with a 100 ms receive timeout so the barrier, the liveness
 * checks and the live line run even when nobody talks.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/fnv.h"
#include "core/version.h"
#include "fanout/datafiles.h"
#include "fanout/fanout.h"
#include "fanout/nngx.h"
#include "fanout/ship.h"
#include "fanout/steer.h"
#include "fanout/wire.h"
#include "run/runner.h"

#define MAX_WORKERS 4096
#define LOST_US     3000000
#define FLUSH_AT    (1u << 20)

enum wstate { W_FREE, W_JOINED, W_RUNNING, W_DONE, W_LOST };

struct wk {
	enum wstate st;
	int pid;
	char host[104];
	uint64_t next_seq; /* lines stored: everything below is acked */
	uint64_t spooled;  /* lines in its spool at its last beat */
	int64_t last_beat_us;
	int64_t offset_us, delay_us;
	int status;
	uint64_t reqs, fails;
};

struct coord {
	const struct lt_fanout_opts *o;
	struct lt_nngx sock;
	char url[300];
	char dir[256];
	char run[40];
	int n; /* expected workers */
	struct wk *w;
	pid_t *local; /* local worker processes (0: none or reaped) */
	struct lt_fanout_users *users;
	struct lt_fanout_aggs *aggs;   /* --ship agg, else NULL */
	struct lt_fanout_steer *steer; /* --shape, run here (steer.c) */
	int joined;
	int64_t t0_ms;
	int64_t begin_us;
	int stop;               /* told workers to stop */
	int out_closed;         /* the event output's reader went away */
	int final;              /* writing the merged aggregate */
	char scenario_hash[32]; /* of the shipped scenario, or "" */
	int aborted;            /* a worker was lost under abort */
	int64_t stop_us;        /* when the stop was decided */
	struct lt_buf out, plan_tail, reply;
	struct lt_err err;
	uint64_t reqs_last;
	int64_t tick_us;
	struct lt_lathist tick_hist; /* latencies since the last live line */
};

static volatile sig_atomic_t signalled;

static void
on_signal(int sig)
{
	(void)sig;
	signalled++;
}

/* --- output -------------------------------------------------------- */

static int
flush(struct coord *c)
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
static void wevent(struct coord *c, int i, const char *phase, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static void
wevent(struct coord *c, int i, const char *phase, const char *fmt, ...)
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

/* --- the plan ------------------------------------------------------ */

static int
slurp(const char *path, struct lt_buf *b, int *mode)
{
	char tmp[65536];
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return 1; /* not a regular file: not shipped */
	}
	*mode = (int)st.st_mode & 0777;
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		if (lt_buf_add(b, tmp, (size_t)n) != 0)
			break;
	close(fd);
	return n == 0 ? 0 : -1;
}

/* The part of WELCOME every worker shares: argv, exec, shipped files. */
static int
build_plan(struct coord *c)
{
	const struct lt_fanout_opts *o = c->o;
	json_t *j = json_object(), *a = json_array(), *files = json_array();
	int i, mode = 0, ship = o->listen != NULL, rc;
	char *s;

	for (i = 0; i < o->run_argc; i++)
		json_array_append_new(a, json_string(o->run_argv[i]));
	json_object_set_new(j, "argv", a);
	json_object_set_new(
	    j, "exec", o->exec ? json_string(o->exec) : json_null());
	json_object_set_new(
	    j, "ship", json_string(o->ship_agg ? "agg" : "events"));
	json_object_set_new(
	    j, "shape_arg", json_integer(o->exec == NULL ? o->shape_arg : -1));
	for (i = 0; ship && i < o->run_argc; i++) {
		struct lt_buf b;
		char hash[32];
		json_t *f;

		if (i != o->scenario_arg &&
		    (i != o->shape_arg || o->exec == NULL))
			continue; /* a shape is steered from here */
		lt_buf_init(&b, 64 << 20);
		rc = slurp(o->run_argv[i], &b, &mode);
		if (rc < 0) {
			lt_buf_fini(&b);
			json_decref(j);
			json_decref(files);
			return lt_err_sys(
			    &c->err, 2, errno, "%s", o->run_argv[i]);
		}
		if (rc == 0 && memchr(b.data ? b.data : "", 0, b.len) == NULL) {
			snprintf(hash, sizeof(hash), "%016llx",
			    (unsigned long long)lt_fnv1a(
			        b.data ? b.data : "", b.len));
			f = json_pack("{s:i,s:s,s:s,s:s%,s:i}", "arg", i,
			    "role", i == o->scenario_arg ? "scenario" : "shape",
			    "hash", hash, "data", b.data ? b.data : "", b.len,
			    "mode", mode);
			if (i == o->scenario_arg)
				snprintf(c->scenario_hash,
				    sizeof(c->scenario_hash), "%s", hash);
			if (f != NULL)
				json_array_append_new(files, f);
		}
		lt_buf_fini(&b);
	}
	if (ship && o->exec == NULL && o->scenario_arg >= 0 &&
	    lt_fanout_data_files(
	        o->run_argv[o->scenario_arg], files, &c->err) != 0) {
		json_decref(j);
		json_decref(files);
		return -1;
	}
	json_object_set_new(j, "files", files);
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (s == NULL)
		return lt_err_set(&c->err, 2,
		    "cannot encode the plan (a "
		    "shipped file that is not UTF-8?)");
	/* s is {"argv":...}: keep it without its opening brace */
	lt_buf_adds(&c->plan_tail, s + 1);
	free(s);
	return 0;
}

/* --- replies ------------------------------------------------------- */

static void
reply(struct coord *c, enum lt_wire_type t, uint32_t w, uint64_t seq,
    const char *p, size_t n)
{
	struct lt_err e;

	lt_nngx_send_frame(&c->sock, t, w, seq, p, n, &e);
}

static void
refuse(struct coord *c, uint32_t w, const char *why)
{
	if (!c->o->quiet)
		fprintf(stderr, "lt-fanout: refused a worker: %s\n", why);
	reply(c, LT_WIRE_REFUSE, w, 0, why, strlen(why));
}

static void
on_hello(struct coord *c, const struct lt_wire_msg *m)
{
	json_t *j = json_loadb(m->payload, m->len, 0, NULL);
	const char *ver = json_string_value(json_object_get(j, "version"));
	const char *host = json_string_value(json_object_get(j, "host"));
	json_int_t want = json_integer_value(json_object_get(j, "index"));
	json_int_t of = json_integer_value(json_object_get(j, "of"));
	char why[300];
	int i = -1, k;

	if (j == NULL || ver == NULL) {
		refuse(c, m->worker, "hello without a version");
		goto out;
	}
	if (strcmp(ver, LT_VERSION) != 0) {
		snprintf(why, sizeof(why),
		    "version mismatch: worker is lt "
		    "%.40s, coordinator is lt %s",
		    ver, LT_VERSION);
		refuse(c, m->worker, why);
		goto out;
	}
	if (json_object_get(j, "index") != NULL && want >= 0) {
		if (of != 0 && of != c->n) {
			snprintf(why, sizeof(why),
			    "worker says --of %lld, "
			    "the run has %d workers",
			    (long long)of, c->n);
			refuse(c, m->worker, why);
			goto out;
		}
		if (want >= c->n) {
			snprintf(why, sizeof(why),
			    "index %lld out of range "
			    "0..%d",
			    (long long)want, c->n - 1);
			refuse(c, m->worker, why);
			goto out;
		}
		i = (int)want;
		if (c->w[i].st != W_FREE &&
		    c->w[i].pid !=
		        (int)json_integer_value(json_object_get(j, "pid"))) {
			snprintf(why, sizeof(why), "index %d is taken", i);
			refuse(c, m->worker, why);
			goto out;
		}
	} else {
		for (k = 0; k < c->n && i < 0; k++)
			if (c->w[k].st == W_FREE)
				i = k;
	}
	if (i < 0 || (c->t0_ms != 0 && c->w[i].st == W_FREE)) {
		refuse(c, m->worker,
		    "the run has all its workers (no late "
		    "joiners, no rebalancing)");
		goto out;
	}
	if (c->w[i].st == W_FREE) {
		c->w[i].st = W_JOINED;
		c->w[i].pid =
		    (int)json_integer_value(json_object_get(j, "pid"));
		snprintf(c->w[i].host, sizeof(c->w[i].host), "%s",
		    host && !strpbrk(host, "\"\\") ? host : "?");
		c->w[i].last_beat_us = lt_fanout_now_us();
		c->joined++;
		wevent(c, i, "joined", "\"pid\":%d,\"host\":\"%s\"",
		    c->w[i].pid, c->w[i].host);
	}
	lt_buf_reset(&c->reply);
	lt_buf_printf(&c->reply, "{\"index\":%d,\"of\":%d,\"run\":\"%s\",", i,
	    c->n, c->run);
	lt_buf_add(&c->reply, c->plan_tail.data, c->plan_tail.len);
	reply(c, LT_WIRE_WELCOME, (uint32_t)i, 0, c->reply.data, c->reply.len);
out:
	json_decref(j);
}

static int
known(struct coord *c, const struct lt_wire_msg *m)
{
	if (m->worker >= (uint32_t)c->n || c->w[m->worker].st == W_FREE) {
		refuse(c, m->worker, "unknown worker (say hello first)");
		return 0;
	}
	return 1;
}

static void
mark_started(struct coord *c, int i)
{
	struct wk *w = &c->w[i];

	if (w->st != W_JOINED)
		return;
	w->st = W_RUNNING;
	wevent(c, i, "started",
	    "\"start_ms\":%lld,\"offset_ms\":%.3f,\"delay_ms\":%.3f",
	    (long long)c->t0_ms, (double)w->offset_us / 1000,
	    (double)w->delay_us / 1000);
}

static void
on_beat(struct coord *c, const struct lt_wire_msg *m)
{
	struct wk *w = &c->w[m->worker];
	json_t *j = json_loadb(m->payload, m->len, 0, NULL);
	const char *st = json_string_value(json_object_get(j, "state"));
	int64_t now = lt_fanout_now_us();

	if (w->st != W_LOST)
		w->last_beat_us = now;
	w->offset_us = json_integer_value(json_object_get(j, "offset_us"));
	w->delay_us = json_integer_value(json_object_get(j, "delay_us"));
	w->spooled =
	    (uint64_t)json_integer_value(json_object_get(j, "spooled"));
	if (st != NULL && strcmp(st, "waiting") != 0)
		mark_started(c, (int)m->worker);
	lt_buf_reset(&c->reply);
	lt_buf_printf(&c->reply, "{\"t2\":%lld,\"t0_ms\":%lld,\"stop\":%s",
	    (long long)now, (long long)c->t0_ms,
	    c->stop || w->st == W_LOST ? "true" : "false");
	lt_fanout_steer_reply(c->steer,
	    (uint64_t)json_integer_value(json_object_get(j, "shape_lines")),
	    &c->reply);
	lt_buf_addc(&c->reply, '}');
	json_decref(j);
	reply(c, LT_WIRE_BEAT, m->worker, 0, c->reply.data, c->reply.len);
}

/*
 * The shift for a worker's ts.  A sample's offset is off by at most half
 * its round trip, so an offset within that (or under 1 ms) is noise, as
 * on one machine, where it can never exceed it: ts stay untouched.
 */
static int64_t
ts_shift(const struct wk *w)
{
	int64_t a = w->offset_us < 0 ? -w->offset_us : w->offset_us;

	return a > 999 && a > w->delay_us / 2 ? w->offset_us : 0;
}

/* The number after "key": in the n bytes at p, or -1. */
static double
field(const char *p, size_t n, const char *key, size_t klen)
{
	const char *q = memmem(p, n, key, klen);
	char num[32];
	size_t k;

	if (q == NULL)
		return -1;
	q += klen;
	k = strspn(q, "0123456789.eE+-");
	if (k == 0 || k >= sizeof(num) || q + k > p + n)
		return -1;
	memcpy(num, q, k);
	num[k] = '\0';
	return strtod(num, NULL);
}

/* For the live line: requests, failures, latencies. */
static void
count_req(struct coord *c, struct wk *w, const char *p, size_t n)
{
	double ms = field(p, n, "\"latency_ms\":", 13);

	w->reqs++;
	if (memmem(p, n, "\"ok\":false", 10))
		w->fails++;
	if (ms >= 0)
		lt_lathist_add(&c->tick_hist, (int64_t)(ms * 1000));
}

static void
on_events(struct coord *c, const struct lt_wire_msg *m)
{
	struct wk *w = &c->w[m->worker];
	const char *p = m->payload, *end = p + m->len, *nl;
	uint64_t seq = m->seq;

	if (w->st == W_LOST) {
		refuse(c, m->worker, "this worker was declared lost");
		return;
	}
	w->last_beat_us = lt_fanout_now_us();
	mark_started(c, (int)m->worker);
	for (; p < end; p = nl + 1, seq++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			break;
		if (seq < w->next_seq)
			continue; /* a duplicate: already stored */
		if (seq > w->next_seq)
			break; /* a gap: ask for next_seq again */
		if (nl - p > 13 && memcmp(p, "{\"type\":\"req\"", 13) == 0)
			count_req(c, w, p, (size_t)(nl - p));
		lt_fanout_tag(
		    &c->out, p, (size_t)(nl - p), (int)m->worker, ts_shift(w));
		if (nl - p > 15 && memcmp(p, "{\"type\":\"users\"", 15) == 0)
			lt_fanout_users_add(c->users, (int)m->worker, p,
			    (size_t)(nl - p), ts_shift(w), &c->out);
		w->next_seq++;
	}
	if (c->out.len >= FLUSH_AT)
		flush(c);
	reply(c, LT_WIRE_ACK, m->worker, w->next_seq, NULL, 0);
}

static void
on_agg(struct coord *c, const struct lt_wire_msg *m)
{
	struct wk *w = &c->w[m->worker];

	if (w->st == W_LOST || c->aggs == NULL) {
		refuse(c, m->worker,
		    c->aggs == NULL ? "this run ships events"
		                    : "this worker was declared lost");
		return;
	}
	w->last_beat_us = lt_fanout_now_us();
	mark_started(c, (int)m->worker);
	if (lt_fanout_aggs_put(c->aggs, (int)m->worker, m->seq, m->payload,
	        m->len, &w->reqs, &w->fails) != 0) {
		refuse(c, m->worker, "out of memory");
		return;
	}
	if (m->seq > w->next_seq)
		w->next_seq = m->seq;
	reply(c, LT_WIRE_ACK, m->worker, m->seq, NULL, 0);
}

static void
on_fin(struct coord *c, const struct lt_wire_msg *m)
{
	struct wk *w = &c->w[m->worker];
	json_t *j = json_loadb(m->payload, m->len, 0, NULL);
	const char *why = json_string_value(json_object_get(j, "error"));

	if (why == NULL)
		mark_started(c, (int)m->worker);
	if (why != NULL && w->st != W_DONE)
		fprintf(stderr,
		    "\nlt-fanout: worker %d refused the run: %.300s\n",
		    (int)m->worker, why);
	if (w->st != W_DONE && w->st != W_LOST) {
		w->status =
		    (int)json_integer_value(json_object_get(j, "status"));
		w->st = W_DONE;
		wevent(c, (int)m->worker, "finished",
		    "\"status\":%d,\"events\":%llu", w->status,
		    (unsigned long long)w->next_seq);
	}
	json_decref(j);
	reply(c, LT_WIRE_ACK, m->worker, w->next_seq, NULL, 0);
}

static void
handle(struct coord *c, const struct lt_buf *in)
{
	struct lt_wire_msg m;
	struct lt_err e;

	if (lt_wire_decode(in->data, in->len, &m, &e) != 0) {
		refuse(c, LT_WIRE_NO_WORKER, e.msg);
		return;
	}
	if (m.type == LT_WIRE_HELLO) {
		on_hello(c, &m);
		return;
	}
	if (!known(c, &m))
		return;
	switch (m.type) {
	case LT_WIRE_BEAT:
		on_beat(c, &m);
		break;
	case LT_WIRE_EVENTS:
		on_events(c, &m);
		break;
	case LT_WIRE_FIN:
		on_fin(c, &m);
		break;
	case LT_WIRE_AGG:
		on_agg(c, &m);
		break;
	default:
		refuse(c, m.worker, "unexpected message type");
	}
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

static void
live_line(struct coord *c, int64_t now)
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

static void
check_workers(struct coord *c, int64_t now)
{
	int i;

	char miss[96];

	for (i = 0; i < c->n; i++) {
		struct wk *w = &c->w[i];

		if ((w->st != W_JOINED && w->st != W_RUNNING) ||
		    now - w->last_beat_us < LOST_US)
			continue;
		w->st = W_LOST;
		if (w->spooled > w->next_seq)
			snprintf(miss, sizeof(miss),
			    "seq %llu..%llu and any after",
			    (unsigned long long)w->next_seq,
			    (unsigned long long)w->spooled - 1);
		else
			snprintf(miss, sizeof(miss), "seq %llu and any after",
			    (unsigned long long)w->next_seq);
		wevent(c, i, "lost",
		    "\"silent_s\":%.1f,\"acked\":%llu,\"spooled\":%llu,"
		    "\"missing\":\"%s\"",
		    (double)(now - w->last_beat_us) / 1e6,
		    (unsigned long long)w->next_seq,
		    (unsigned long long)w->spooled, miss);
		fprintf(stderr,
		    "\nlt-fanout: worker %d (pid %d on %s) lost: silent for "
		    "%.1f s; stored its events seq 0..%lld, missing %s (in "
		    "its spool: lt-fanout collect)\n",
		    i, w->pid, w->host, (double)(now - w->last_beat_us) / 1e6,
		    (long long)w->next_seq - 1, miss);
		if (c->o->on_loss == LT_LOSS_ABORT && !c->stop) {
			c->stop = 1;
			c->aborted = 1;
			c->stop_us = now;
		}
		if (c->local != NULL && c->local[i] > 0)
			kill(c->local[i], SIGKILL);
	}
}

static int
all_over(struct coord *c)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (c->w[i].st != W_DONE && c->w[i].st != W_LOST)
			return 0;
	return 1;
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
			handle(c, &in);
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
			check_workers(c, now);
			if (steer(c, now) != 0)
				break;
		}
		if (now - c->tick_us >= 2000000)
			live_line(c, now);
		if (rc == 0 || c->out.len > 0)
			if (flush(c) != 0)
				break;
		if (c->t0_ms != 0 && all_over(c)) {
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

/* The last stderr line: how the run ended, what it did. */
static void
summary(struct coord *c, int rc)
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
	if (build_plan(&c) != 0) {
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
		summary(&c, rc);
	flush(&c);
	if (c.aggs != NULL && c.t0_ms != 0) {
		c.final = 1;
		if (lt_fanout_aggs_write(c.aggs, &c.out, &c.err) != 0 ||
		    flush(&c) != 0)
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
