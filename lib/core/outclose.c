/*
 * outclose.c - flushing and closing stdout at exit; see outclose.h.
 * errno is saved right after each call: fclose() may change it even when
 * it succeeds, and the first failure is the one that explains.
 */
#include <errno.h>
#include <stdio.h>

#include "core/outclose.h"

int
lt_stdout_close(struct lt_err *err)
{
	int e = 0;

	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout))
		e = errno ? errno : EIO;
	errno = 0;
	if (fclose(stdout) != 0 && e == 0)
		e = errno ? errno : EIO;
	if (e == 0)
		return 0;
	if (e == EPIPE) {
		lt_err_set(
		    err, LT_EXIT_RUNTIME, "stdout closed early (broken pipe)");
		return LT_STDOUT_GONE;
	}
	return lt_err_sys(err, LT_EXIT_RUNTIME, e, "cannot write stdout");
}
