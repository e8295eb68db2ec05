/* buf.c - growable byte buffer with a cap; see buf.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

#define BUF_DEFAULT_CAP ((size_t)1 << 30)

void
lt_buf_init(struct lt_buf *b, size_t cap)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap ? cap : BUF_DEFAULT_CAP;
}

void
lt_buf_fini(struct lt_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
}

int
lt_buf_reserve(struct lt_buf *b, size_t n)
{
	size_t want, na;
	char *p;

	if (n > b->cap || b->len > b->cap - n)
		return -1;
	want = b->len + n + 1; /* room for a terminating NUL */
	if (want <= b->alloc)
		return 0;
	na = b->alloc ? b->alloc : 256;
	while (na < want)
		na *= 2;
	if (na > b->cap + 1)
		na = b->cap + 1;
	p = realloc(b->data, na);
	if (p == NULL)
		return -1;
	b->data = p;
	b->alloc = na;
	return 0;
}

int
lt_buf_add(struct lt_buf *b, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (lt_buf_reserve(b, n) != 0)
		return -1;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

int
lt_buf_adds(struct lt_buf *b, const char *s)
{
	return lt_buf_add(b, s, strlen(s));
}

int
lt_buf_addc(struct lt_buf *b, char c)
{
	if (b->len + 1 < b->alloc) {
		b->data[b->len++] = c;
		return 0;
	}
	return lt_buf_add(b, &c, 1);
}

int
lt_buf_vprintf(struct lt_buf *b, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, again);
	va_end(again);
	if (n < 0 || lt_buf_reserve(b, (size_t)n) != 0)
		return -1;
	va_copy(again, ap);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
	va_end(again);
	b->len += (size_t)n;
	return 0;
}

int
lt_buf_printf(struct lt_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = lt_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void
lt_buf_reset(struct lt_buf *b)
{
	b->len = 0;
}

const char *
lt_buf_cstr(struct lt_buf *b)
{
	if (b->data == NULL && lt_buf_reserve(b, 0) != 0)
		return "";
	b->data[b->len] = '\0';
	return b->data;
}

char *
lt_buf_take(struct lt_buf *b)
{
	char *s;

	if (b->data == NULL && lt_buf_reserve(b, 0) != 0)
		return NULL;
	b->data[b->len] = '\0';
	s = b->data;
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	return s;
}
