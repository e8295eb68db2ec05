/*
 * optval.h - option values read strictly (lt-run(1) OPTIONS): a value that
 * does not say exactly what it means (overflow, nan, inf, a fraction for a
 * count, hex, a duration without a number) is refused with a reason, never
 * silently replaced by a default.  Used by lt-run's main for the command
 * line, the environment and option files alike.
 */
#ifndef LT_OPTVAL_H
#define LT_OPTVAL_H

#include <stdint.h>

#include "run/runopts.h"

/*
 * Each returns 0 with *out set, or -1 with *why set to a static reason
 * ("too large", "expected a whole number") for "bad value 'V' for
 * --NAME: WHY".
 */

/* A whole number in lo..hi: decimal digits only. */
int lt_optval_whole(
    const char *v, uint64_t lo, uint64_t hi, uint64_t *out, const char **why);

/* A finite decimal number > 0 (or >= 0 with zero_ok) and <= hi. */
int lt_optval_real(
    const char *v, int zero_ok, double hi, double *out, const char **why);

/* A duration (90, 90s, 5m, 1h30m; lt-scenario(5)) of 0 s or more. */
int lt_optval_span(const char *v, double *out_s, const char **why);

/* Locust's log level names, any case: 0 debug, 1 info, 2 warning, 3 error
 * (critical is error). */
int lt_optval_level(const char *v, int *out, const char **why);

/* --arrival: constant or poisson. */
int lt_optval_arrival(const char *v, enum lt_arrival *out, const char **why);

#endif
