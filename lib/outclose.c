/* outclose.c - flushing and closing stdout at exit; see outclose.h. */
#include <errno.h>
#include <stdio.h>

#include "outclose.h"

int
lt_stdout_close(struct lt_err *err)
{
	int bad;

	errno = 0;
	bad = fflush(stdout) != 0 || ferror(stdout);
	if (fclose(stdout) != 0)
		bad = 1;
	if (!bad)
		return 0;
	if (errno == EPIPE)
		return lt_err_set(err, LT_EXIT_RUNTIME,
		    "stdout closed early (broken pipe)");
	return lt_err_sys(err, LT_EXIT_RUNTIME, errno ? errno : EIO,
	    "cannot write stdout");
}
