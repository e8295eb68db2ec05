/*
 * ship.c - lt-fanout --ship agg: a worker aggregates its own events in
 * process (lib/agg, the code lt-agg runs) and sends the coordinator its
 * aggregate every second instead of the events; the coordinator keeps
 * each worker's latest and, at the end, merges them (lib/agg's merge,
 * as lt-agg --merge) into one aggregate document (lt-aggregate(5)).
 *
 * Workers send their cumulative aggregate, not deltas.  A cumulative
 * document is idempotent: a message resent after a timeout or a
 * reconnect replaces the one before instead of being added twice, and a
 * lost one is made good by the next, so nothing is lost or doubled
 * without per-delta sequence bookkeeping; the coordinator keeps one
 * document per worker and parses nothing until the end.  Its size grows
 * with endpoints and seconds, never with the request rate, so the
 * coordinator's work stays flat as the rate grows.  The events stay in
 * the worker's spool (lt-fanout collect), as with --ship events.
 *
 * The live line's p50/p95 need the latencies of the last interval, which
 * a cumulative document cannot give without parsing it: each document
 * goes after a lat line (livehist.h), the histogram of the requests read
 * since the last acknowledged one, a few hundred bytes the coordinator
 * adds to its live histogram only for a sequence number above the last
 * it saw (a resend is not counted twice).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agg/agg.h"
#include "agg/aggmerge.h"
#include "agg/aggread.h"
#include "agg/aggwrite.h"
#include "core/buf.h"
#include "core/evscan.h"
#include "fanout/fanout.h"
#include "fanout/livehist.h"
#include "fanout/ship.h"
#include "fanout/wire.h"

#define CHUNK    (256u << 10)
#define EVERY_US 1000000

/* --- worker side ---------------------------------------------------- */

/* Sends doc as seq (lines aggregated) until acknowledged.  0, or -1. */
static int
send_doc(const struct lt_fanout_ship *s, const struct lt_buf *doc, uint64_t seq,
    struct lt_buf *in, struct lt_err *err)
{
	struct lt_wire_msg m;
	int rc;

	for (;;) {
		int done, lost;
		uint64_t bytes;
		int64_t shift;

		rc = lt_nngx_call(s->data, LT_WIRE_AGG, s->index, seq,
		    doc->data, doc->len, in, 2000, err);
		s->progress(s->ctx, &bytes, &done, &lost, &shift);
		if (rc < 0 || lost)
			return -1;
		if (rc == 1 &&
		    lt_wire_decode(in->data, in->len, &m, err) == 0 &&
		    m.type == LT_WIRE_ACK && m.seq == seq)
			return 0;
		if (rc == 1 && m.type == LT_WIRE_REFUSE)
			return lt_err_set(err, 3,
			    "the coordinator refused the aggregate: %.*s; "
			    "events kept in %s",
			    (int)(m.len > 200 ? 200 : m.len), m.payload,
			    s->spool);
		/* timeout or a stale reply: send it again */
	}
}

/* Sends the aggregate of the first seq lines, after the lat line of
 * those since the last one (then emptied).  0, or -1. */
static int
snapshot(const struct lt_fanout_ship *s, struct lt_agg *agg,
    struct lt_lathist *lat, struct lt_buf *doc, uint64_t seq, struct lt_buf *in,
    struct lt_err *err)
{
	lt_buf_reset(doc);
	if ((s->lat && lt_fanout_lat_encode(doc, lat) != 0) ||
	    lt_agg_finish(agg) != 0 ||
	    lt_agg_write_json(agg, NULL, NULL, doc) != 0)
		return lt_err_set(err, 3,
		    "the aggregate does not fit a message (%u bytes)",
		    LT_WIRE_MAX_PAYLOAD);
	if (send_doc(s, doc, seq, in, err) != 0)
		return -1;
	memset(lat, 0, sizeof(*lat));
	return 0;
}

/* Adds the latency of an event line to the lat line's histogram. */
static void
note_latency(struct lt_lathist *lat, const char *p, size_t n)
{
	int64_t us;

	if (n > 13 && memcmp(p, "{\"type\":\"req\"", 13) == 0 &&
	    (us = lt_fanout_latency_us(p, n)) >= 0)
		lt_lathist_add(lat, us);
}

/* Keeps the users count of a users event line for the heartbeats. */
static void
note_users(const struct lt_fanout_ship *s, const char *p, size_t n)
{
	long c;

	if (s->users != NULL && (c = lt_fanout_users_count(p, n)) >= 0)
		atomic_store(s->users, c);
}

int
lt_fanout_ship_agg(const struct lt_fanout_ship *s, struct lt_err *err)
{
	struct lt_agg_opts ao = { 0 };
	struct lt_agg *agg = lt_agg_new(&ao);
	struct lt_evscan *sc = lt_evscan_new();
	struct lt_buf chunk, doc, in, line;
	struct lt_lathist lat = { 0 };
	uint64_t off = 0, lines = 0, sent = 0, bytes;
	int64_t last = 0, shift, now;
	int fd = open(s->spool, O_RDONLY), done, lost, rc = -1;
	struct lt_err e;

	lt_buf_init(&chunk, CHUNK + 1);
	lt_buf_init(&doc, LT_WIRE_MAX_PAYLOAD);
	lt_buf_init(&in, LT_WIRE_MAX_FRAME);
	lt_buf_init(&line, 0);
	if (agg == NULL || sc == NULL || lt_buf_reserve(&chunk, CHUNK) != 0) {
		lt_err_set(err, 3, "out of memory");
		goto out;
	}
	if (fd < 0) {
		lt_err_sys(err, 3, errno, "%s", s->spool);
		goto out;
	}
	for (;;) {
		size_t n, a, b;

		s->progress(s->ctx, &bytes, &done, &lost, &shift);
		if (lost)
			goto out;
		now = lt_fanout_now_us();
		if (bytes == off) {
			if (done)
				break;
			if (now - last >= EVERY_US && lines > sent) {
				if (snapshot(s, agg, &lat, &doc, lines, &in,
				        err) != 0)
					goto out;
				sent = lines;
				last = now;
			}
			usleep(20000);
			continue;
		}
		n = lt_fanout_spool_lines(
		    fd, s->spool, off, bytes, CHUNK, chunk.data, err);
		if (n == 0)
			goto out;
		for (a = 0; a < n; a = b + 1) {
			const char *p = chunk.data + a;

			b = (size_t)((const char *)memchr(p, '\n', n - a) -
			    chunk.data);
			lines++;
			if (s->lat)
				note_latency(&lat, p, b - a);
			note_users(s, p, b - a);
			if (shift != 0) {
				/* ts on the coordinator's clock, as the
				 * coordinator moves relayed events */
				lt_buf_reset(&line);
				if (lt_fanout_tag(&line, p, b - a,
				        (int)s->index, shift) != 0) {
					lt_err_set(err, 3, "out of memory");
					goto out;
				}
				p = line.data;
				if (lt_agg_line(agg, sc, p, line.len, "worker",
				        (int64_t)lines, &e) < 0) {
					*err = e;
					goto out;
				}
				continue;
			}
			if (lt_agg_line(agg, sc, p, b - a, "worker",
			        (int64_t)lines, &e) < 0) {
				*err = e;
				goto out;
			}
		}
		off += n;
		if (now - last >= EVERY_US) {
			if (snapshot(s, agg, &lat, &doc, lines, &in, err) != 0)
				goto out;
			sent = lines;
			last = now;
		}
	}
	/* the last one, always (also for a run without events) */
	rc = snapshot(s, agg, &lat, &doc, lines, &in, err);
out:
	if (fd >= 0)
		close(fd);
	lt_agg_free(agg);
	lt_evscan_free(sc);
	lt_buf_fini(&chunk);
	lt_buf_fini(&doc);
	lt_buf_fini(&in);
	lt_buf_fini(&line);
	return rc;
}

/* --- coordinator side ----------------------------------------------- */

struct lt_fanout_aggs {
	int n;
	struct slot {
		struct lt_buf doc;
		uint64_t seq;
		int have;
	} * w;
};

struct lt_fanout_aggs *
lt_fanout_aggs_new(int n)
{
	struct lt_fanout_aggs *a = calloc(1, sizeof(*a));

	if (a == NULL)
		return NULL;
	a->w = calloc((size_t)n, sizeof(*a->w));
	if (a->w == NULL) {
		free(a);
		return NULL;
	}
	a->n = n;
	for (int i = 0; i < n; i++)
		lt_buf_init(&a->w[i].doc, LT_WIRE_MAX_PAYLOAD);
	return a;
}

void
lt_fanout_aggs_free(struct lt_fanout_aggs *a)
{
	if (a == NULL)
		return;
	for (int i = 0; i < a->n; i++)
		lt_buf_fini(&a->w[i].doc);
	free(a->w);
	free(a);
}

/* The integer after key in the n bytes at p from `from` on, or -1. */
static long long
num_after(const char *p, size_t n, const char *from, const char *key)
{
	const char *q = memmem(p, n, from, strlen(from));

	if (q == NULL)
		return -1;
	q = memmem(q, n - (size_t)(q - p), key, strlen(key));
	if (q == NULL)
		return -1;
	return strtoll(q + strlen(key), NULL, 10);
}

int
lt_fanout_aggs_put(struct lt_fanout_aggs *a, int w, uint64_t seq, const char *p,
    size_t n, uint64_t *reqs, uint64_t *fails)
{
	struct slot *s = &a->w[w];
	long long r, f;

	if (s->have && seq < s->seq)
		return 0; /* an older one, resent: keep the newer */
	lt_buf_reset(&s->doc);
	if (lt_buf_add(&s->doc, p, n) != 0)
		return -1;
	s->seq = seq;
	s->have = 1;
	/* for the live line: the document's total (written before the
	 * timeline, so the first match after "total" is its own) */
	r = num_after(p, n, "\n\"total\":", "\"requests\":");
	f = num_after(p, n, "\n\"total\":", "\"failures\":");
	if (r >= 0)
		*reqs = (uint64_t)r;
	if (f >= 0)
		*fails = (uint64_t)f;
	return 0;
}

int
lt_fanout_aggs_write(
    struct lt_fanout_aggs *a, struct lt_buf *out, struct lt_err *err)
{
	struct lt_agg_opts ao = { 0 };
	struct lt_agg *agg = lt_agg_new(&ao);
	char name[32];
	int rc = -1;

	if (agg == NULL)
		return lt_err_set(err, 3, "out of memory");
	for (int i = 0; i < a->n; i++) {
		struct lt_aggdoc doc;

		if (!a->w[i].have)
			continue;
		memset(&doc, 0, sizeof(doc));
		snprintf(name, sizeof(name), "worker %d", i);
		if (lt_aggdoc_parse(&doc, a->w[i].doc.data, a->w[i].doc.len,
		        name, err) != 0 ||
		    lt_agg_add_doc(agg, &doc, err) != 0) {
			lt_aggdoc_fini(&doc);
			goto out;
		}
		lt_aggdoc_fini(&doc);
	}
	if (lt_agg_finish(agg) != 0 ||
	    lt_agg_write_json(agg, NULL, NULL, out) != 0) {
		lt_err_set(err, 3, "out of memory");
		goto out;
	}
	rc = 0;
out:
	lt_agg_free(agg);
	return rc;
}
