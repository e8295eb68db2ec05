/*
 * coord_priv.h - what the coordinator's files share (coord.c: setup and
 * the loop; coord_join.c: hellos, the plan, the start; coord_recv.c:
 * events, aggregates, fins, acks and dedupe; coord_live.c: heartbeats and
 * lost workers; coord_out.c: the merged output, worker events, the live
 * and summary lines).  Private to lib/fanout/coord*.c.
 */
#ifndef LT_FANOUT_COORD_PRIV_H
#define LT_FANOUT_COORD_PRIV_H

#include <stdint.h>
#include <sys/types.h>

#include "core/buf.h"
#include "core/err.h"
#include "fanout/fanout.h"
#include "fanout/nngx.h"
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

/* coord_out.c */
int lt_coord_flush(struct coord *c);
void lt_coord_wevent(struct coord *c, int i, const char *phase, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));
void lt_coord_live_line(struct coord *c, int64_t now);
void lt_coord_summary(struct coord *c, int rc, int signalled);

/* coord_join.c */
int lt_coord_build_plan(struct coord *c);
void lt_coord_reply(struct coord *c, enum lt_wire_type t, uint32_t w,
    uint64_t seq, const char *p, size_t n);
void lt_coord_refuse(struct coord *c, uint32_t w, const char *why);
void lt_coord_on_hello(struct coord *c, const struct lt_wire_msg *m);
int lt_coord_known(struct coord *c, const struct lt_wire_msg *m);
void lt_coord_mark_started(struct coord *c, int i);

/* coord_live.c */
void lt_coord_on_beat(struct coord *c, const struct lt_wire_msg *m);
void lt_coord_check_workers(struct coord *c, int64_t now);
int lt_coord_all_over(struct coord *c);

/* coord_recv.c */
void lt_coord_handle(struct coord *c, const struct lt_buf *in);

#endif
