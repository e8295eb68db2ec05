/*
 * coord_join.c - how workers join the coordinator: the plan every worker
 * is handed (argv, exec, shipped scenario, shape and data files), the
 * answer to a HELLO (version and index checks, WELCOME or REFUSE), and a
 * joined worker's move to "started" once the barrier is past.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/version.h"
#include "fanout/coord_priv.h"
#include "fanout/datafiles.h"
#include "fanout/wire.h"

/* --- the plan ------------------------------------------------------ */

/* Refuses a plan of len bytes that, with WELCOME's own fields, would not
 * fit one wire message, naming the largest shipped file.  0, or -1. */
static int
plan_fits(struct coord *c, const json_t *files, size_t len)
{
	const struct lt_fanout_opts *o = c->o;
	/* {"index":N,"of":N,"run":"..", before the plan */
	size_t head = 64 + sizeof(c->run), k, most = 0, w;
	const json_t *f, *big = NULL;
	const char *name = "?", *rel;
	char *copy, path[1024];
	json_int_t arg;

	if (len + head <= LT_WIRE_MAX_PAYLOAD)
		return 0;
	json_array_foreach(files, k, f)
	{
		w = lt_fanout_file_wire_len(f);
		if (big == NULL || w > most) {
			big = f;
			most = w;
		}
	}
	arg = json_integer_value(json_object_get(big, "arg"));
	rel = json_string_value(json_object_get(big, "rel"));
	if (big != NULL && arg >= 0 && arg < o->run_argc) {
		name = o->run_argv[arg];
	} else if (rel != NULL && o->scenario_arg >= 0) {
		copy = strdup(o->run_argv[o->scenario_arg]);
		snprintf(path, sizeof(path), "%s/%s",
		    copy != NULL ? dirname(copy) : ".", rel);
		free(copy);
		name = path;
	}
	return lt_err_set(&c->err, 2,
	    "the plan for the workers, with the files shipped in it, would "
	    "take up to %zu bytes, more than the %u bytes (4 MiB) one wire "
	    "message carries; its largest file is %s, %zu bytes in %s: "
	    "nothing was started",
	    len + head, LT_WIRE_MAX_PAYLOAD, name, most,
	    json_object_get(big, "base64") ? "base64" : "JSON");
}

/* The part of WELCOME every worker shares: argv, exec, shipped files. */
int
lt_coord_build_plan(struct coord *c)
{
	const struct lt_fanout_opts *o = c->o;
	json_t *j = json_object(), *a = json_array(), *files = json_array();
	int i, ship = o->listen != NULL, rc;
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
	json_object_set_new(j, "files", files); /* filled below */
	for (i = 0; ship && i < o->run_argc; i++) {
		int sc = i == o->scenario_arg;
		json_t *f;

		if (!sc && (i != o->shape_arg || o->exec == NULL))
			continue; /* a shape is steered from here */
		f = json_pack(
		    "{s:i,s:s}", "arg", i, "role", sc ? "scenario" : "shape");
		rc = f == NULL ? -1
		               : lt_fanout_file_load(f, o->run_argv[i],
		                     sc ? "scenario" : "shape", &c->err);
		if (f == NULL)
			lt_err_set(&c->err, 3, "out of memory");
		if (rc == 0 && sc)
			snprintf(c->scenario_hash, sizeof(c->scenario_hash),
			    "%s",
			    json_string_value(json_object_get(f, "hash")));
		if (rc == 0)
			json_array_append_new(files, f);
		else
			json_decref(f);
		if (rc < 0) {
			json_decref(j);
			return -1;
		}
	}
	if (ship && o->exec == NULL && o->scenario_arg >= 0 &&
	    lt_fanout_data_files(
	        o->run_argv[o->scenario_arg], files, &c->err) != 0) {
		json_decref(j);
		return -1;
	}
	s = json_dumps(j, JSON_COMPACT);
	if (s == NULL) {
		json_decref(j);
		return lt_err_set(&c->err, 3, "cannot encode the plan");
	}
	if (plan_fits(c, files, strlen(s)) != 0) {
		free(s);
		json_decref(j);
		return -1;
	}
	json_decref(j);
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
