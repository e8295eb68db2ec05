/*
 * outclose.h - checking stdout at exit, as every lt main must (STYLE.md):
 * a full disk or a closed pipe is an error to report, not to ignore.
 */
#ifndef LT_OUTCLOSE_H
#define LT_OUTCLOSE_H

#include "core/err.h"

/* lt_stdout_close(): the reader went away (EPIPE). */
#define LT_STDOUT_GONE (-2)

/*
 * Flushes and closes stdout.  Returns 0; LT_STDOUT_GONE when the reader
 * went away (EPIPE), with err set to "stdout closed early (broken pipe)"
 * for callers that report it, while a filter may end quietly (`| head`
 * took what it wanted); or -1 with err set to the first write error
 * ("cannot write stdout: No space left on device").
 */
int lt_stdout_close(struct lt_err *err);

#endif
