/*
 * coord_recv.c - what the coordinator does with a worker's message once
 * it has joined: EVENTS lines stored in order, tagged with "worker" and
 * clock-shifted, duplicates dropped, a gap asked for again, each batch
 * acknowledged; AGG documents (--ship agg) and their lat lines; FIN.
 * lt_coord_handle dispatches every received frame.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fanout/coord_priv.h"
#include "fanout/livehist.h"
#include "fanout/ship.h"

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

/* For the live line: requests, failures, latencies. */
static void
count_req(struct coord *c, struct wk *w, const char *p, size_t n)
{
	int64_t us = lt_fanout_latency_us(p, n);

	w->reqs++;
	if (memmem(p, n, "\"ok\":false", 10))
		w->fails++;
	if (us >= 0)
		lt_lathist_add(&c->tick_hist, us);
}

static void
on_events(struct coord *c, const struct lt_wire_msg *m)
{
	struct wk *w = &c->w[m->worker];
	const char *p = m->payload, *end = p + m->len, *nl;
	uint64_t seq = m->seq;

	if (w->st == W_LOST) {
		lt_coord_refuse(c, m->worker, "this worker was declared lost");
		return;
	}
	w->last_beat_us = lt_fanout_now_us();
	lt_coord_mark_started(c, (int)m->worker);
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
		lt_coord_flush(c);
	lt_coord_reply(c, LT_WIRE_ACK, m->worker, w->next_seq, NULL, 0);
}

static void
on_agg(struct coord *c, const struct lt_wire_msg *m)
{
	struct wk *w = &c->w[m->worker];
	long k;

	if (w->st == W_LOST || c->aggs == NULL) {
		lt_coord_refuse(c, m->worker,
		    c->aggs == NULL ? "this run ships events"
		                    : "this worker was declared lost");
		return;
	}
	w->last_beat_us = lt_fanout_now_us();
	lt_coord_mark_started(c, (int)m->worker);
	/* the lat line: latencies since the worker's last aggregate, added
	 * once (a resend has a seq already seen); wire.c checked it */
	k = lt_fanout_lat_split(
	    m->payload, m->len, m->seq > w->next_seq ? &c->tick_hist : NULL);
	if (k < 0)
		k = lt_fanout_lat_split(m->payload, m->len, NULL);
	if (k < 0) {
		lt_coord_refuse(c, m->worker, "malformed lat line");
		return;
	}
	if (lt_fanout_aggs_put(c->aggs, (int)m->worker, m->seq, m->payload + k,
	        m->len - (size_t)k, &w->reqs, &w->fails) != 0) {
		lt_coord_refuse(c, m->worker, "out of memory");
		return;
	}
	if (m->seq > w->next_seq)
		w->next_seq = m->seq;
	lt_coord_reply(c, LT_WIRE_ACK, m->worker, m->seq, NULL, 0);
}

static void
on_fin(struct coord *c, const struct lt_wire_msg *m)
{
	struct wk *w = &c->w[m->worker];
	json_t *j = json_loadb(m->payload, m->len, 0, NULL);
	const char *why = json_string_value(json_object_get(j, "error"));

	if (why == NULL)
		lt_coord_mark_started(c, (int)m->worker);
	if (why != NULL && w->st != W_DONE)
		fprintf(stderr,
		    "\nlt-fanout: worker %d refused the run: %.300s\n",
		    (int)m->worker, why);
	if (w->st != W_DONE && w->st != W_LOST) {
		w->status =
		    (int)json_integer_value(json_object_get(j, "status"));
		w->st = W_DONE;
		lt_coord_wevent(c, (int)m->worker, "finished",
		    "\"status\":%d,\"events\":%llu", w->status,
		    (unsigned long long)w->next_seq);
	}
	json_decref(j);
	lt_coord_reply(c, LT_WIRE_ACK, m->worker, w->next_seq, NULL, 0);
}

void
lt_coord_handle(struct coord *c, const struct lt_buf *in)
{
	struct lt_wire_msg m;
	struct lt_err e;

	if (lt_wire_decode(in->data, in->len, &m, &e) != 0) {
		lt_coord_refuse(c, LT_WIRE_NO_WORKER, e.msg);
		return;
	}
	if (m.type == LT_WIRE_HELLO) {
		lt_coord_on_hello(c, &m);
		return;
	}
	if (!lt_coord_known(c, &m))
		return;
	switch (m.type) {
	case LT_WIRE_BEAT:
		lt_coord_on_beat(c, &m);
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
		lt_coord_refuse(c, m.worker, "unexpected message type");
	}
}
