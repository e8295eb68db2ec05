/*
 * buf.h - a growable byte buffer with a hard cap.
 *
 * Used for output batches (events, aggregates) and for input that grows
 * (lines, bodies).  Growth past the cap fails with -1 instead of eating
 * memory, so over-long input becomes an input error with a line number.
 */
#ifndef LT_BUF_H
#define LT_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct lt_buf {
	char *data;   /* owned; NUL-terminated when len < cap_alloc */
	size_t len;   /* bytes in use */
	size_t alloc; /* bytes allocated */
	size_t cap;   /* growth limit; 0 means 1 GiB */
};

/* Initialises an empty buffer that may grow to cap bytes (0: 1 GiB). */
void lt_buf_init(struct lt_buf *b, size_t cap);

/* Frees the storage; the buffer is empty and reusable afterwards. */
void lt_buf_fini(struct lt_buf *b);

/* Makes room for n more bytes.  Returns 0, or -1 past the cap or on ENOMEM. */
int lt_buf_reserve(struct lt_buf *b, size_t n);

/* Appends n bytes.  Returns 0 or -1 (see lt_buf_reserve). */
int lt_buf_add(struct lt_buf *b, const void *p, size_t n);

/* Appends a NUL-terminated string.  Returns 0 or -1. */
int lt_buf_adds(struct lt_buf *b, const char *s);

/* Appends one byte.  Returns 0 or -1. */
int lt_buf_addc(struct lt_buf *b, char c);

/* Appends printf-formatted text.  Returns 0 or -1.  Not for hot paths. */
int lt_buf_printf(struct lt_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* lt_buf_printf with a va_list (left as the caller passed it). */
int lt_buf_vprintf(struct lt_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Empties the buffer, keeping its storage. */
void lt_buf_reset(struct lt_buf *b);

/* Ensures data is NUL-terminated (not counted in len); returns data. */
const char *lt_buf_cstr(struct lt_buf *b);

/*
 * Moves the storage out: returns a malloc'd NUL-terminated string the
 * caller frees, leaving b empty.  Returns NULL on ENOMEM.
 */
char *lt_buf_take(struct lt_buf *b);

#endif
