/*
 * steer.h - lt-fanout --shape run on the coordinator and fed to every
 * worker's lt-run through a FIFO (steer.c).
 */
#ifndef LT_FANOUT_STEER_H
#define LT_FANOUT_STEER_H

#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

/* Coordinator: the shape source and the lines it yielded. */
struct lt_fanout_steer;

/* Opens spec (lt-run --shape's file, command or FIFO).  0 or -1. */
int lt_fanout_steer_open(
    const char *spec, struct lt_fanout_steer **out, struct lt_err *err);

/* Reads what the source has; now_s: seconds since the run's start
 * (<= 0 before it).  0, or -1 with err (a bad line, a failed command). */
int lt_fanout_steer_poll(
    struct lt_fanout_steer *s, double now_s, struct lt_err *err);

/* Appends ,"shape_from":have,"shape":"LINES" with the lines from number
 * have on (some, when they are many) to a beat reply; nothing when the
 * worker has them all or s is NULL. */
void lt_fanout_steer_reply(
    const struct lt_fanout_steer *s, uint64_t have, struct lt_buf *out);

void lt_fanout_steer_close(struct lt_fanout_steer *s);

/* Worker: the FIFO its lt-run reads. */
struct lt_fanout_wsteer {
	int fd; /* -1: no shape */
	char path[300];
	uint64_t lines; /* lines received */
	struct lt_buf pending;
};

/* Makes dir/shape.fifo and opens it.  0 or -1 with err. */
int lt_fanout_steer_fifo(
    struct lt_fanout_wsteer *w, const char *dir, struct lt_err *err);

/* Takes the shape lines of a beat reply (a json_t *) and writes what the
 * FIFO takes without blocking. */
void lt_fanout_steer_take(struct lt_fanout_wsteer *w, const void *reply);

void lt_fanout_steer_fini(struct lt_fanout_wsteer *w);

#endif
