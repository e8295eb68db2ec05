/*
 * lines.c - newline-terminated lines from a file descriptor; see lines.h.
 *
 * One buffer, refilled with read(2) and split with memchr.  Unconsumed
 * bytes are moved to the front only when the buffer is full, so the cost
 * of a refill is one memmove of at most one partial line.  The buffer
 * starts at 256 KiB (or the cap, if smaller) and doubles while a line
 * does not fit, up to the cap plus room for "\r\n".  A line that cannot
 * fit is skipped: its bytes are read and dropped until its '\n', keeping
 * memory bounded whatever the input.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/lines.h"

#define LINES_INIT_ALLOC ((size_t)256 * 1024)
/* Largest cap accepted, so that cap + 2 never overflows. */
#define LINES_MAX_CAP ((size_t)1 << 40)

int
lt_lines_init(struct lt_lines *lr, int fd, size_t line_cap, struct lt_err *err)
{
	size_t alloc;

	memset(lr, 0, sizeof(*lr));
	lr->fd = fd;
	if (line_cap == 0)
		line_cap = LT_LINES_DEFAULT_CAP;
	if (line_cap > LINES_MAX_CAP)
		return lt_err_set(err, LT_EXIT_USAGE, "line cap too large");
	lr->line_cap = line_cap;
	/* cap + 2: the longest line plus an optional '\r' and its '\n'. */
	alloc =
	    line_cap + 2 < LINES_INIT_ALLOC ? line_cap + 2 : LINES_INIT_ALLOC;
	lr->buf = malloc(alloc);
	if (lr->buf == NULL)
		return lt_err_sys(err, LT_EXIT_RUNTIME, errno, "line buffer");
	lr->buf_alloc = alloc;
	return 0;
}

void
lt_lines_fini(struct lt_lines *lr)
{
	free(lr->buf);
	lr->buf = NULL;
	lr->buf_alloc = 0;
	lr->start = lr->end = 0;
}

/*
 * Reads once into buf[end..alloc), retrying EINTR.  Returns the byte count
 * (0 at end of input, which also sets eof), or -1 with err set.
 */
static ssize_t
fill(struct lt_lines *lr, struct lt_err *err)
{
	ssize_t n;

	do
		n = read(lr->fd, lr->buf + lr->end, lr->buf_alloc - lr->end);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return lt_err_sys(err, LT_EXIT_RUNTIME, errno, "read");
	if (n == 0)
		lr->eof = 1;
	lr->end += (size_t)n;
	return n;
}

/*
 * Makes room after end: moves pending bytes to the front or, when they
 * already start there, doubles the buffer (up to cap + 2).  Returns 0, or
 * -1 with err set when memory runs out.
 */
static int
make_room(struct lt_lines *lr, struct lt_err *err)
{
	size_t pending = lr->end - lr->start, na, max = lr->line_cap + 2;
	char *nb;

	if (lr->start > 0) {
		memmove(lr->buf, lr->buf + lr->start, pending);
		lr->start = 0;
		lr->end = pending;
		return 0;
	}
	na = lr->buf_alloc * 2 < max ? lr->buf_alloc * 2 : max;
	nb = realloc(lr->buf, na);
	if (nb == NULL)
		return lt_err_sys(err, LT_EXIT_RUNTIME, errno, "line buffer");
	lr->buf = nb;
	lr->buf_alloc = na;
	return 0;
}

/*
 * Drops the current over-long line: everything up to and including its
 * '\n', or to the end of input.  Returns LT_LINES_TOOLONG or
 * LT_LINES_ERROR.
 */
static int
skip_line(struct lt_lines *lr, struct lt_err *err)
{
	char *nl;

	lr->lineno++;
	for (;;) {
		nl = memchr(lr->buf + lr->start, '\n', lr->end - lr->start);
		if (nl != NULL) {
			lr->start = (size_t)(nl - lr->buf) + 1;
			return LT_LINES_TOOLONG;
		}
		lr->start = lr->end = 0;
		if (lr->eof)
			return LT_LINES_TOOLONG;
		if (fill(lr, err) < 0)
			return LT_LINES_ERROR;
	}
}

/* Sets the view of buf[start..start+n), minus a trailing '\r'. */
static int
emit(struct lt_lines *lr, size_t n, const char **line, size_t *len)
{
	const char *s = lr->buf + lr->start;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (n > lr->line_cap)
		return LT_LINES_TOOLONG;
	*line = s;
	*len = n;
	return LT_LINES_OK;
}

int
lt_lines_next(struct lt_lines *lr, const char **line, size_t *len,
    int *truncated, struct lt_err *err)
{
	size_t scanned = 0, pending, n;
	char *nl;
	int rc;

	*truncated = 0;
	for (;;) {
		pending = lr->end - lr->start;
		nl = memchr(
		    lr->buf + lr->start + scanned, '\n', pending - scanned);
		if (nl != NULL) {
			n = (size_t)(nl - (lr->buf + lr->start));
			lr->lineno++;
			rc = emit(lr, n, line, len);
			lr->start += n + 1;
			return rc;
		}
		scanned = pending;
		/* No '\n' yet and already more than cap + '\r': too long. */
		if (pending >= lr->line_cap + 2)
			return skip_line(lr, err);
		if (lr->eof) {
			if (pending == 0)
				return LT_LINES_EOF;
			lr->lineno++;
			rc = emit(lr, pending, line, len);
			lr->start = lr->end;
			*truncated = rc == LT_LINES_OK;
			return rc;
		}
		if (pending == 0)
			lr->start = lr->end = 0;
		else if (lr->end == lr->buf_alloc && make_room(lr, err) != 0)
			return LT_LINES_ERROR;
		if (fill(lr, err) < 0)
			return LT_LINES_ERROR;
	}
}
