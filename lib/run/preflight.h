/*
 * preflight.h - mistakes caught before any load is sent (lt-run(1) EXIT
 * STATUS 2): a relative request with no host anywhere, a template
 * variable that nothing defines, a json body that is not JSON, a --shape
 * that names a missing file.  Each would otherwise fail every request,
 * or send something other than what was written, thousands of times.
 */
#ifndef LT_PREFLIGHT_H
#define LT_PREFLIGHT_H

#include "core/err.h"
#include "run/scenario.h"

/*
 * Checks the loaded (and tag-filtered) scenario s for a run whose --host
 * is host (NULL: none).  Errors name "path:line: ..." and set err->code
 * LT_EXIT_USAGE; returns 0 or -1.  A variable used before the only steps
 * that save it (by line) is not an error: warn (may be NULL) is called
 * with a line without the program name.
 */
int lt_preflight_scenario(const struct lt_scenario *s, const char *host,
    void (*warn)(const char *msg, void *arg), void *warn_arg,
    struct lt_err *err);

/*
 * Checks a --shape value: one that looks like a file name (no blank, and
 * a '/' or a '.') must exist; anything else is left to run as a command.
 * Returns 0, or -1 with err ("nosuch.shape: No such file or directory").
 */
int lt_preflight_shape(const char *shape, struct lt_err *err);

#endif
