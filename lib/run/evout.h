/*
 * evout.h - the event writer of lt-run: events are appended to one
 * reusable buffer and written with write(2) in batches of whole lines:
 * when the batch reaches 64 KiB, on a 200 ms timer (so `tail -f` stays
 * live) and at exit.  With several writers on one pipe (lt-run -j), each
 * batch is cut at line boundaries into writes of at most PIPE_BUF bytes,
 * which POSIX makes atomic, so lines from different loops never interleave.
 *
 * One writer per loop; used from that loop's thread only.
 */
#ifndef LT_EVOUT_H
#define LT_EVOUT_H

#include <stddef.h>

#include <ev.h>

#include "core/buf.h"

struct lt_evout {
	int fd;
	int atomic;   /* cut writes at PIPE_BUF line boundaries */
	int broken;   /* the reader went away (EPIPE) */
	int error;    /* errno of the first failed write, 0 if none */
	size_t batch; /* flush threshold */
	struct lt_buf buf;
	struct ev_loop *loop;
	ev_timer timer;
	size_t mark; /* buf.len when the current event began */
	unsigned long long lines;
};

/*
 * Sets up a writer on fd (not owned).  With a loop, a 200 ms timer
 * flushes pending lines; loop may be NULL.  atomic: see above.
 */
void lt_evout_init(
    struct lt_evout *o, int fd, struct ev_loop *loop, int atomic);

/*
 * Starts an event: returns the buffer to append one JSON object to (no
 * newline).  Borrowed until lt_evout_end.
 */
struct lt_buf *lt_evout_begin(struct lt_evout *o);

/*
 * Ends the event begun with lt_evout_begin: adds the newline and flushes
 * when the batch is full.  An event that did not fit the buffer's cap is
 * dropped whole.  Returns 0, or -1 when the output is broken or failed.
 */
int lt_evout_end(struct lt_evout *o);

/* Writes everything pending.  Returns 0, or -1 (broken pipe or error). */
int lt_evout_flush(struct lt_evout *o);

/* Flushes, stops the timer and frees the buffer. */
void lt_evout_fini(struct lt_evout *o);

#endif
