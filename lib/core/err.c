/*
 * err.c - filling struct lt_err; see err.h.  Messages are truncated at
 * LT_ERR_MSG_CAP rather than allocated, so reporting an error can never
 * fail for lack of memory.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"

void
lt_err_clear(struct lt_err *err)
{
	if (err == NULL)
		return;
	err->code = 0;
	err->msg[0] = '\0';
}

static void
vset(struct lt_err *err, int code, const char *fmt, va_list ap)
{
	err->code = code;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int
lt_err_set(struct lt_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vset(err, code, fmt, ap);
	va_end(ap);
	return -1;
}

int
lt_err_sys(struct lt_err *err, int code, int errno_val, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vset(err, code, fmt, ap);
	va_end(ap);
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof(err->msg) - len, ": %s",
	    strerror(errno_val));
	return -1;
}

void
lt_err_prefix(struct lt_err *err, const char *fmt, ...)
{
	char old[LT_ERR_MSG_CAP];
	va_list ap;
	size_t len;

	if (err == NULL)
		return;
	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof(err->msg) - len, "%s", old);
}
