/*
 * coord_live.c - worker liveness: a BEAT's clock sample and spool count,
 * answered with the start time, the stop flag and the steered shape; a
 * worker silent for 3 s is declared lost (its missing sequence numbers
 * named, the run stopped under --on-worker-loss abort); the run is over
 * when every worker has finished or been lost.
 */
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "fanout/coord_priv.h"
#include "fanout/steer.h"

void
lt_coord_on_beat(struct coord *c, const struct lt_wire_msg *m)
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
	/* --ship agg: no users events come; the heartbeat says how many */
	if (c->aggs != NULL && json_is_integer(json_object_get(j, "users")))
		lt_fanout_users_set(c->users, (int)m->worker,
		    (long)json_integer_value(json_object_get(j, "users")));
	if (st != NULL && strcmp(st, "waiting") != 0)
		lt_coord_mark_started(c, (int)m->worker);
	lt_buf_reset(&c->reply);
	lt_buf_printf(&c->reply, "{\"t2\":%lld,\"t0_ms\":%lld,\"stop\":%s",
	    (long long)now, (long long)c->t0_ms,
	    c->stop || w->st == W_LOST ? "true" : "false");
	lt_fanout_steer_reply(c->steer,
	    (uint64_t)json_integer_value(json_object_get(j, "shape_lines")),
	    &c->reply);
	lt_buf_addc(&c->reply, '}');
	json_decref(j);
	lt_coord_reply(
	    c, LT_WIRE_BEAT, m->worker, 0, c->reply.data, c->reply.len);
}

void
lt_coord_check_workers(struct coord *c, int64_t now)
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
		lt_coord_wevent(c, i, "lost",
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

int
lt_coord_all_over(struct coord *c)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (c->w[i].st != W_DONE && c->w[i].st != W_LOST)
			return 0;
	return 1;
}
