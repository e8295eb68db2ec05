/*
 * err.h - error reporting and exit statuses shared by every lt program.
 *
 * Library functions never print: they return -1 (or a negative code) and
 * fill a caller-provided struct lt_err.  The first layer that knows the
 * file and line prefixes them with lt_err_prefix(); the program's main
 * prints the message once, as "prog: message".
 */
#ifndef LT_ERR_H
#define LT_ERR_H

#include <stddef.h>

/* Exit statuses of all lt programs (DESIGN.md "Exit statuses"). */
enum lt_exit {
	LT_EXIT_OK = 0,      /* success */
	LT_EXIT_CHECK = 1,   /* ran, but failed a check or threshold */
	LT_EXIT_USAGE = 2,   /* usage or input error */
	LT_EXIT_RUNTIME = 3, /* runtime failure: dependency, resource */
};

#define LT_ERR_MSG_CAP 512

struct lt_err {
	int code; /* an enum lt_exit value, 0 when no error */
	char msg[LT_ERR_MSG_CAP];
};

/* Clears err (code 0, empty message). */
void lt_err_clear(struct lt_err *err);

/*
 * Sets err to code and a printf-formatted message; returns -1 so that
 * callers can write "return lt_err_set(err, ...);".  err may be NULL.
 */
int lt_err_set(struct lt_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like lt_err_set, appending ": strerror(errno_val)". */
int lt_err_sys(struct lt_err *err, int code, int errno_val, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

/* Prepends a printf-formatted context ("file:line: ") to err's message. */
void lt_err_prefix(struct lt_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
