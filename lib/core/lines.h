/*
 * lines.h - reading newline-terminated lines from a file descriptor.
 *
 * One large read(2) buffer split with memchr; lines are returned as views
 * into the buffer (valid until the next call), so reading allocates only
 * when a line is longer than anything seen before.  Lines longer than the
 * cap are skipped whole and reported, never buffered without bound.
 * A final line without '\n' is returned as a line with `truncated` set.
 */
#ifndef LT_LINES_H
#define LT_LINES_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define LT_LINES_DEFAULT_CAP (1024 * 1024)

struct lt_lines {
	int fd;    /* borrowed; not closed by lt_lines_fini */
	char *buf; /* owned */
	size_t buf_alloc;
	size_t start;    /* first unconsumed byte */
	size_t end;      /* end of valid data */
	size_t line_cap; /* longest accepted line, without '\n' */
	uint64_t lineno; /* number of the line last returned (1-based) */
	int eof;
};

/* Result of lt_lines_next. */
enum lt_lines_rc {
	LT_LINES_OK = 0,      /* *line / *len set */
	LT_LINES_EOF = 1,     /* no more input */
	LT_LINES_TOOLONG = 2, /* line lineno exceeded the cap; skipped */
	LT_LINES_ERROR = -1,  /* read error; err set */
};

/* Prepares to read fd with lines of at most line_cap bytes (0: default). */
int lt_lines_init(
    struct lt_lines *lr, int fd, size_t line_cap, struct lt_err *err);

/* Frees the buffer. */
void lt_lines_fini(struct lt_lines *lr);

/*
 * Returns the next line (without its '\n', and without a '\r' just before
 * it) as a view in *line, *len, valid until the next call.  *truncated is
 * set to 1 when the input ended without a final '\n'.  A line longer than
 * the cap gives LT_LINES_TOOLONG with lr->lineno set to its number; it has
 * been consumed and the next call goes on after it.  read(2) is retried on
 * EINTR; other read errors give LT_LINES_ERROR (err set, LT_EXIT_RUNTIME).
 */
int lt_lines_next(struct lt_lines *lr, const char **line, size_t *len,
    int *truncated, struct lt_err *err);

#endif
