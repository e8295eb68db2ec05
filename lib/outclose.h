/*
 * outclose.h - checking stdout at exit, as every lt main must (STYLE.md):
 * a full disk or a closed pipe is an error to report, not to ignore.
 */
#ifndef LT_OUTCLOSE_H
#define LT_OUTCLOSE_H

#include "err.h"

/*
 * Flushes and closes stdout.  Returns 0, or -1 with err set; a reader that
 * went away (EPIPE) is reported as "stdout closed early (broken pipe)".
 */
int lt_stdout_close(struct lt_err *err);

#endif
