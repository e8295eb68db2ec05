/*
 * fanout.h - lt-fanout's entry points: the coordinator (local workers or
 * a listener for remote ones), the worker, and collect (merging spools).
 * Each returns an exit status (0..3, DESIGN.md) and never exits or
 * writes to stdout except the event stream it was asked for.
 */
#ifndef LT_FANOUT_H
#define LT_FANOUT_H

#include <stdint.h>
#include <sys/types.h>

#include "core/err.h"
#include "fanout/sec.h"

enum lt_fanout_loss { LT_LOSS_ABORT, LT_LOSS_CONTINUE };

struct lt_fanout_opts {
	int workers;        /* -w N: local workers (0: listen) */
	const char *listen; /* --listen URL (cluster mode) */
	int expect;         /* --expect-workers N */
	double max_wait_s;  /* --expect-workers-max-wait (0: forever) */
	const char *exec;   /* --exec CMD instead of lt-run */
	enum lt_fanout_loss on_loss;
	int quiet;             /* -q */
	int out_fd;            /* the merged stream */
	const char *self;      /* path of lt-fanout (to start workers) */
	const char *spool_dir; /* --spool-dir for local workers, or NULL */
	int ship_agg;          /* --ship agg: workers send aggregates */
	int keep_spool;        /* --keep-spool for local workers */
	const struct lt_fanout_sec *sec; /* --listen: TLS files, token */
	/* lt-run's arguments for the whole run (no --segment, no -o) */
	char **run_argv;
	int run_argc;
	int scenario_arg; /* index in run_argv of -f's value, or -1 */
	int shape_arg;    /* index of --shape's value, or -1 */
};

struct lt_fanout_wopts {
	const char *connect;       /* coordinator URL */
	int index, of;             /* -1, 0: assigned by the coordinator */
	const char *spool_dir;     /* NULL: $TMPDIR or /tmp */
	const char *ltrun;         /* lt-run to exec */
	int keep_spool;            /* keep the spool even when all was acked */
	const char *scenario_hash; /* refuse a plan with another scenario */
	const struct lt_fanout_sec *sec; /* TLS files, token, or NULL */
};

/* Runs a whole test; returns the exit status (err says why when > 1). */
int lt_fanout_coordinate(const struct lt_fanout_opts *o, struct lt_err *err);

/* Runs one worker until its coordinator ends the run or goes away. */
int lt_fanout_worker(const struct lt_fanout_wopts *o, struct lt_err *err);

/* Writes the events of the spools at paths (tagged with their worker)
 * to fd; returns the exit status. */
int lt_fanout_collect(char *const *paths, int n, int fd, struct lt_err *err);

/* Reads the spool (fd, named spool) from off up to bytes, its length in
 * whole lines, at most max bytes, into buf, and keeps whole lines: their
 * length, or 0 with err (a read error, or a line over max bytes). */
size_t lt_fanout_spool_lines(int fd, const char *spool, uint64_t off,
    uint64_t bytes, size_t max, char *buf, struct lt_err *err);

/* Appends line (one event, without its '\n') to out with "worker":index
 * inserted first and, when offset_us != 0, its ts moved by offset_us.
 * Returns 0 or -1 (no memory). */
struct lt_buf;
int lt_fanout_tag(struct lt_buf *out, const char *line, size_t len, int index,
    int64_t offset_us);

/* local.c: starts n local workers (self worker --connect url --index i
 * --of n) into pids[]; returns 0 or -1 (err). */
int lt_fanout_spawn_local(const char *self, const char *url,
    const char *spool_dir, int keep_spool, int n, pid_t *pids,
    struct lt_err *err);

/* Waits up to wait_s for them, then kills what is left (SIGKILL). */
void lt_fanout_reap_local(pid_t *pids, int n, int wait_s);

/* The program name in this program's directory (lt-run beside
 * lt-fanout), malloc'd; NULL when /proc/self/exe cannot say or no
 * memory. */
char *lt_fanout_sibling(const char *name);

/* users.c: run-wide users events (sums of the workers' last counts). */
struct lt_fanout_users;
struct lt_fanout_users *lt_fanout_users_new(int n);
void lt_fanout_users_free(struct lt_fanout_users *u);
long lt_fanout_users_total(const struct lt_fanout_users *u);
/* Sets worker w's users count (--ship agg: from its heartbeats). */
void lt_fanout_users_set(struct lt_fanout_users *u, int w, long count);
/* Takes worker w's users event (one line) and appends the run-wide one
 * with the same ts to out.  Returns 0 or -1 (no memory). */
int lt_fanout_users_add(struct lt_fanout_users *u, int w, const char *line,
    size_t len, int64_t offset_us, struct lt_buf *out);

/* Wall clock in microseconds. */
int64_t lt_fanout_now_us(void);

#endif
