/*
 * preflight.h - mistakes caught before any load is sent (lt-run(1) EXIT
 * STATUS 2): a relative request with no host anywhere, a template
 * variable that nothing defines, a json body that is not JSON, a --shape
 * that names a missing file or a shape file with errors, a host that does
 * not resolve.  Each would otherwise fail every request,
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
 * Checks a --shape value (NULL: none): one that looks like a file name (no
 * blank, and a '/' or a '.') must exist; anything else is left to run as a
 * command.  A regular, non-executable file is read whole at open: it is
 * read now, so that its errors come before -o is touched (FIFOs and
 * commands are met when the run starts).  Returns 0, or -1 with err
 * ("nosuch.shape: No such file or directory", or the shape's own error).
 */
int lt_preflight_shape(const char *shape, struct lt_err *err);

/*
 * Returns 1 when the scenario's host carries "user:password@" and every
 * class uses that host: lt-run then takes the credentials out of the URL
 * as for -H.  0 otherwise.
 */
int lt_preflight_host_creds(const struct lt_scenario *s);

/*
 * Resolves host, or the scenario's host when host is NULL, before -o is
 * opened (an existing file is not truncated by a run that cannot send
 * anything).  Returns 0 (also when there is no host), or -1 with err.
 */
int lt_preflight_host(
    const char *host, const struct lt_scenario *s, struct lt_err *err);

#endif
