/*
 * coord_join.c - how workers join the coordinator: the plan every worker
 * is handed (argv, exec, shipped scenario, shape and data files), the
 * answer to a HELLO (version and index checks, WELCOME or REFUSE), and a
 * joined worker's move to "started" once the barrier is past.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fnv.h"
#include "core/version.h"
#include "fanout/coord_priv.h"
#include "fanout/datafiles.h"

/* --- the plan ------------------------------------------------------ */

/* The part of WELCOME every worker shares: argv, exec, shipped files. */
int
lt_coord_build_plan(struct coord *c)
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
	if (o->ship_agg) /* aggregates may come after a lat line */
		json_object_set_new(j, "agg_lat", json_true());
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
		rc = lt_fanout_slurp(o->run_argv[i], &b, &mode);
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

void
lt_coord_reply(struct coord *c, enum lt_wire_type t, uint32_t w, uint64_t seq,
    const char *p, size_t n)
{
	struct lt_err e;

	lt_nngx_send_frame(&c->sock, t, w, seq, p, n, &e);
}

void
lt_coord_refuse(struct coord *c, uint32_t w, const char *why)
{
	if (!c->o->quiet)
		fprintf(stderr, "lt-fanout: refused a worker: %s\n", why);
	lt_coord_reply(c, LT_WIRE_REFUSE, w, 0, why, strlen(why));
}

void
lt_coord_on_hello(struct coord *c, const struct lt_wire_msg *m)
{
	json_t *j = json_loadb(m->payload, m->len, 0, NULL);
	const char *ver = json_string_value(json_object_get(j, "version"));
	const char *host = json_string_value(json_object_get(j, "host"));
	json_int_t want = json_integer_value(json_object_get(j, "index"));
	json_int_t of = json_integer_value(json_object_get(j, "of"));
	char why[300];
	int i = -1, k;

	if (j == NULL || ver == NULL) {
		lt_coord_refuse(c, m->worker, "hello without a version");
		goto out;
	}
	if (strcmp(ver, LT_VERSION) != 0) {
		snprintf(why, sizeof(why),
		    "version mismatch: worker is lt "
		    "%.40s, coordinator is lt %s",
		    ver, LT_VERSION);
		lt_coord_refuse(c, m->worker, why);
		goto out;
	}
	if (json_object_get(j, "index") != NULL && want >= 0) {
		if (of != 0 && of != c->n) {
			snprintf(why, sizeof(why),
			    "worker says --of %lld, "
			    "the run has %d workers",
			    (long long)of, c->n);
			lt_coord_refuse(c, m->worker, why);
			goto out;
		}
		if (want >= c->n) {
			snprintf(why, sizeof(why),
			    "index %lld out of range "
			    "0..%d",
			    (long long)want, c->n - 1);
			lt_coord_refuse(c, m->worker, why);
			goto out;
		}
		i = (int)want;
		if (c->w[i].st != W_FREE &&
		    c->w[i].pid !=
		        (int)json_integer_value(json_object_get(j, "pid"))) {
			snprintf(why, sizeof(why), "index %d is taken", i);
			lt_coord_refuse(c, m->worker, why);
			goto out;
		}
	} else {
		for (k = 0; k < c->n && i < 0; k++)
			if (c->w[k].st == W_FREE)
				i = k;
	}
	if (i < 0 || (c->t0_ms != 0 && c->w[i].st == W_FREE)) {
		lt_coord_refuse(c, m->worker,
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
		lt_coord_wevent(c, i, "joined", "\"pid\":%d,\"host\":\"%s\"",
		    c->w[i].pid, c->w[i].host);
	}
	lt_buf_reset(&c->reply);
	lt_buf_printf(&c->reply, "{\"index\":%d,\"of\":%d,\"run\":\"%s\",", i,
	    c->n, c->run);
	lt_buf_add(&c->reply, c->plan_tail.data, c->plan_tail.len);
	lt_coord_reply(
	    c, LT_WIRE_WELCOME, (uint32_t)i, 0, c->reply.data, c->reply.len);
out:
	json_decref(j);
}

int
lt_coord_known(struct coord *c, const struct lt_wire_msg *m)
{
	if (m->worker >= (uint32_t)c->n || c->w[m->worker].st == W_FREE) {
		lt_coord_refuse(
		    c, m->worker, "unknown worker (say hello first)");
		return 0;
	}
	return 1;
}

void
lt_coord_mark_started(struct coord *c, int i)
{
	struct wk *w = &c->w[i];

	if (w->st != W_JOINED)
		return;
	w->st = W_RUNNING;
	lt_coord_wevent(c, i, "started",
	    "\"start_ms\":%lld,\"offset_ms\":%.3f,\"delay_ms\":%.3f",
	    (long long)c->t0_ms, (double)w->offset_us / 1000,
	    (double)w->delay_us / 1000);
}
