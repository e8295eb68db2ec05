/*
 * tap.h - the tiny TAP producer used by the C unit tests.
 *
 * Each check prints "ok N - what" or "not ok N - what (file:line)", and
 * tap_done() prints the plan and returns the exit status, so tests/run.sh
 * can count results across all programs.  Header-only on purpose: each
 * unit test is one self-contained program.
 */
#ifndef LT_TAP_H
#define LT_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define TAP_OK(cond, ...) tap_ok_at((cond) != 0, __FILE__, __LINE__, __VA_ARGS__)
#define TAP_EQ_INT(got, want, what)                                        \
	do {                                                               \
		long long tap_g_ = (long long)(got), tap_w_ = (long long)(want); \
		if (!TAP_OK(tap_g_ == tap_w_, "%s", what))                 \
			printf("#   got %lld, want %lld\n", tap_g_, tap_w_);   \
	} while (0)
#define TAP_EQ_STR(got, want, what)                                        \
	do {                                                               \
		const char *tap_g_ = (got), *tap_w_ = (want);              \
		int tap_same_ = tap_g_ && tap_w_ && strcmp(tap_g_, tap_w_) == 0; \
		if (!TAP_OK(tap_same_, "%s", what))                        \
			printf("#   got  \"%s\"\n#   want \"%s\"\n",          \
			    tap_g_ ? tap_g_ : "(null)", tap_w_ ? tap_w_ : "(null)"); \
	} while (0)

#include <stdarg.h>

static int __attribute__((format(printf, 4, 5)))
tap_ok_at(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%s %d - ", pass ? "ok" : "not ok", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (!pass) {
		printf(" (%s:%d)", file, line);
		tap_failed++;
	}
	printf("\n");
	fflush(stdout);
	return pass;
}

static int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
