/*
 * shape.h - load shapes: a stream of lines that tell the engine how many
 * users (or what arrival rate) to run, and when (lt-scenario(5), SHAPES).
 *
 *   SECONDS USERS [SPAWN_RATE]   at SECONDS after the start, move toward
 *                                USERS at SPAWN_RATE users/s
 *   SECONDS rate RPS             at SECONDS, switch to RPS arrivals/s
 *   USERS SPAWN_RATE | USERS     without a time: applies on arrival
 *   rate RPS                     (two fields or fewer: no time)
 *   [SECONDS] end | stop         the run ends (at SECONDS, or now)
 *   # comment, blank lines
 * SECONDS may carry a unit (90s, 2m, 1h30m).  Timed lines must not go
 * back in time: in a file (or a fed buffer) that is an error; from a
 * command or a FIFO the line is ignored with a warning
 * (lt_shape_warnings).  In a file only the first stage may omit the time
 * (every line of a file arrives at the start).
 *
 * A shape source yields stages.  It reads lines from a file (all read at
 * open), from a command (started with posix_spawn "sh -c CMD", its stdout
 * read as lines come), or from a FIFO (opened O_RDONLY|O_NONBLOCK and
 * kept open with a dummy writer, so writers may come and go without an
 * EOF).  The engine watches lt_shape_fd() with an ev_io and, when it is
 * readable, calls lt_shape_read() then drains lt_shape_next().  No
 * libev here: the source is plain non-blocking I/O.
 */
#ifndef LT_SHAPE_H
#define LT_SHAPE_H

#include <stddef.h>
#include <sys/types.h>

#include "core/err.h"

/* The shape line length cap; a longer line is an input error. */
#define LT_SHAPE_LINE_CAP 4096

enum lt_stage_kind {
	LT_STAGE_USERS, /* users, spawn_rate */
	LT_STAGE_RATE,  /* rate_rps */
	LT_STAGE_END,   /* the run ends */
};

struct lt_stage {
	enum lt_stage_kind kind;
	double at_s; /* seconds after the start; < 0: on arrival */
	unsigned long users;
	double spawn_rate; /* users/s; 0: not given (engine default) */
	double rate_rps;
	int line; /* line number in the source */
};

/*
 * Parses one line (n bytes, no newline needed).  Returns 1 and fills *st
 * for a stage, 0 for a blank or comment line, or -1 with err set to
 * "COL: expected ..., got '...'" (err->code LT_EXIT_USAGE).  st->line
 * is left for the caller.
 */
int lt_shape_parse_line(
    const char *line, size_t n, struct lt_stage *st, struct lt_err *err);

enum lt_shape_kind {
	LT_SHAPE_FILE,
	LT_SHAPE_CMD,
	LT_SHAPE_FIFO,
	LT_SHAPE_BUF, /* fed by the caller (lt_shape_feed) */
};

struct lt_shape;

/*
 * Opens a shape source.  spec: an existing FIFO is read as a FIFO; an
 * existing regular, non-executable file is read whole (parse errors
 * reported now, as "spec:line:col: ..."); anything else (an executable,
 * or a command line with arguments) is run by "sh -c spec".  Returns 0
 * and a new source in *out, or -1 with err.
 */
int lt_shape_open(const char *spec, struct lt_shape **out, struct lt_err *err);

/* A source the caller feeds by hand (tests, or stages from elsewhere). */
struct lt_shape *lt_shape_new_buf(const char *name);

/* The fd to watch for reading, or -1 when there is nothing to watch. */
int lt_shape_fd(const struct lt_shape *sh);

/* The kind of source. */
enum lt_shape_kind lt_shape_kind(const struct lt_shape *sh);

/*
 * Reads what is available on the fd without blocking and parses complete
 * lines.  Returns 0 (maybe more later), 1 at EOF (a command exited: the
 * source then yields an END stage after its last stage), or -1 with err
 * ("name:line:col: ...").
 */
int lt_shape_read(struct lt_shape *sh, struct lt_err *err);

/*
 * Feeds n bytes of shape text as if read from the source (a trailing
 * partial line waits for more).  eof: no more bytes will come; a partial
 * last line is parsed.  Returns 0 or -1 with err.
 */
int lt_shape_feed(
    struct lt_shape *sh, const char *p, size_t n, int eof, struct lt_err *err);

/*
 * Pops the next parsed stage into *st.  Returns 1, or 0 when none is
 * pending (wait for the fd).  After an END stage nothing more is yielded.
 */
int lt_shape_next(struct lt_shape *sh, struct lt_stage *st);

/* Returns 1 once the source can yield nothing more. */
int lt_shape_done(const struct lt_shape *sh);

/*
 * Returns 1 when the source ends the run by itself (a command, which
 * ends it when it exits, or a source that sent an end line), 0 when the
 * last stage would hold until -t or a signal (a file without an end
 * line, a FIFO so far).  For a file the answer is final at open.
 */
int lt_shape_ends(const struct lt_shape *sh);

/*
 * A command's exit status once lt_shape_read() has returned 1 (EOF, the
 * command reaped): 0..255, or 128 + N when killed by signal N.  -1 while
 * it runs, for other kinds, or when closed by lt_shape_close().  The
 * engine treats a non-zero status as a runtime failure (exit 3).
 */
int lt_shape_status(const struct lt_shape *sh);

/*
 * Returns the warnings met since the last call (each line
 * "name:line:col: ...\n", NUL-terminated; valid until the next call or
 * lt_shape_close), or NULL when there are none.  The engine prints each
 * line after lt_shape_open() and lt_shape_read().
 */
const char *lt_shape_warnings(struct lt_shape *sh);

/*
 * Closes the source: a command still running gets SIGTERM and is reaped.
 * NULL is a no-op.
 */
void lt_shape_close(struct lt_shape *sh);

#endif
