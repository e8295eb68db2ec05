/*
 * optval.c - option values read strictly; see optval.h.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "run/optval.h"
#include "run/scenario.h"

static int
bad(const char **why, const char *reason)
{
	*why = reason;
	return -1;
}

int
lt_optval_whole(
    const char *v, uint64_t lo, uint64_t hi, uint64_t *out, const char **why)
{
	const char *p;
	unsigned long long u;
	char *end;

	for (p = v; *p >= '0' && *p <= '9'; p++)
		;
	if (p == v || *p != '\0')
		return bad(why, "expected a whole number");
	errno = 0;
	u = strtoull(v, &end, 10);
	if (errno == ERANGE || u > hi)
		return bad(why, "too large");
	if (u < lo)
		return bad(why, lo == 1 ? "must be at least 1" : "too small");
	*out = (uint64_t)u;
	return 0;
}

int
lt_optval_real(
    const char *v, int zero_ok, double hi, double *out, const char **why)
{
	char *end;
	double d;

	if (v[strspn(v, "0123456789.eE+-")] != '\0')
		return bad(why, "expected a decimal number");
	errno = 0;
	d = strtod(v, &end);
	if (end == v || *end != '\0')
		return bad(why, "expected a decimal number");
	if (!isfinite(d) || errno == ERANGE || d > hi)
		return bad(why, "too large");
	if (d < 0 || (d == 0 && !zero_ok))
		return bad(why, "must be greater than 0");
	*out = d;
	return 0;
}

int
lt_optval_span(const char *v, double *out_s, const char **why)
{
	if (lt_duration_parse(v, strlen(v), out_s) != 0 || *out_s < 0)
		return bad(
		    why, "expected a duration such as 90, 90s, 5m, 1h30m");
	return 0;
}

int
lt_optval_level(const char *v, int *out, const char **why)
{
	static const char *const names[] = { "debug", "info", "warning",
		"error", "critical" };
	int i;

	for (i = 0; i < 5; i++)
		if (strcasecmp(v, names[i]) == 0) {
			*out = i > 3 ? 3 : i;
			return 0;
		}
	return bad(why, "expected debug, info, warning or error");
}

int
lt_optval_arrival(const char *v, enum lt_arrival *out, const char **why)
{
	if (strcmp(v, "constant") == 0)
		*out = LT_ARRIVAL_CONSTANT;
	else if (strcmp(v, "poisson") == 0)
		*out = LT_ARRIVAL_POISSON;
	else
		return bad(why, "expected constant or poisson");
	return 0;
}
