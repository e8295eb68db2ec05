/*
 * checkre.c - regular expressions of checks and captures, compiled once
 * at load time, after a bound on their cost: POSIX regexec has no time
 * limit, so a pattern whose nested repetitions could take exponential
 * time on a response is refused with the reason, before any load is sent.
 */
#include <string.h>

#include <jansson.h>

#include "run/check.h"

/* --- regexes ------------------------------------------------------------ */

#define RE_MAX_LEN  1024
#define RE_MAX_COST 20000
#define RE_MAX_NEST 32

/* Reads a "{n}", "{n,}" or "{n,m}" bound at s; returns its length, 0 if
 * it is not one. *hi gets the largest count (n + 1 when unbounded). */
static size_t
re_bound(const char *s, long *hi)
{
	char *end;
	long lo, up;

	lo = strtol(s + 1, &end, 10);
	if (end == s + 1)
		return 0;
	up = lo;
	if (*end == ',') {
		char *e2;

		up = strtol(end + 1, &e2, 10);
		if (e2 == end + 1)
			up = lo + 1;
		end = e2;
	}
	if (*end != '}')
		return 0;
	*hi = up > lo ? up : lo;
	return (size_t)(end - s) + 1;
}

/*
 * Estimates how many nodes glibc's regcomp(3) builds: it copies a
 * repeated atom once per count, so "(a{100}){100}" costs 10000 and
 * "a++++..." grows without bound.  Rejecting such regexes keeps a
 * scenario (or a fuzzer) from exhausting memory at load.  Returns 0 when
 * the regex is cheap enough, or -1 with a reason in *why.
 */
static int
re_cost_ok(const char *re, const char **why)
{
	double total[RE_MAX_NEST + 1], last[RE_MAX_NEST + 1];
	int depth = 0, prev_quant = 0;
	size_t i, n = strlen(re);

	if (n > RE_MAX_LEN) {
		*why = "longer than 1024 bytes";
		return -1;
	}
	total[0] = last[0] = 0;
	for (i = 0; i < n; i++) {
		char c = re[i];
		long hi = 0;
		size_t k = 0;

		if (c == '\\' && i + 1 < n && re[i + 1] >= '1' &&
		    re[i + 1] <= '9') {
			/* glibc matches back-references by backtracking:
			   exponential on a large body */
			*why = "back-references are not supported";
			return -1;
		}
		if (c == '\\' && i + 1 < n) {
			total[depth] += 1;
			last[depth] = 1;
			prev_quant = 0;
			i++;
		} else if (c == '[') {
			/* a bracket expression is one atom */
			k = i + 1;
			if (k < n && re[k] == '^')
				k++;
			if (k < n && re[k] == ']')
				k++;
			while (k < n && re[k] != ']')
				k++;
			i = k;
			total[depth] += 1;
			last[depth] = 1;
			prev_quant = 0;
		} else if (c == '(') {
			if (depth == RE_MAX_NEST) {
				*why = "groups nest too deep";
				return -1;
			}
			depth++;
			total[depth] = last[depth] = 0;
			prev_quant = 0;
		} else if (c == ')' && depth > 0) {
			double g = total[depth--] + 1;

			total[depth] += g;
			last[depth] = g;
			prev_quant = 0;
		} else if (c == '*' || c == '+' || c == '?' ||
		    (c == '{' && (k = re_bound(re + i, &hi)) > 0)) {
			double mul = c == '{' ? (double)hi : 2;

			if (prev_quant) {
				*why = "a repetition of a repetition";
				return -1;
			}
			if (c == '{')
				i += k - 1;
			total[depth] += last[depth] * (mul - 1);
			last[depth] *= mul;
			prev_quant = 1;
		} else {
			total[depth] += 1;
			last[depth] = 1;
			prev_quant = 0;
		}
		if (total[depth] > RE_MAX_COST) {
			*why = "too complex (repetitions multiply)";
			return -1;
		}
	}
	return 0;
}

int
lt_check_regcomp(regex_t *re, const char *src, int flags, struct lt_err *err)
{
	struct lt_buf b;
	const char *why = NULL;
	int in_bracket = 0, rc;
	size_t i;

	lt_buf_init(&b, 0);
	for (i = 0; src[i] != '\0'; i++) {
		const char *rep = NULL;
		char one[2] = { src[i], '\0' };

		if (src[i] == '\\' && src[i + 1] != '\0') {
			if (src[i + 1] == 'd')
				rep = in_bracket ? "0-9" : "[0-9]";
			else if (src[i + 1] == 'D' && !in_bracket)
				rep = "[^0-9]";
			if (rep == NULL) {
				char two[3] = { '\\', src[i + 1], '\0' };

				if (lt_buf_adds(&b, two))
					goto nomem;
			} else if (lt_buf_adds(&b, rep)) {
				goto nomem;
			}
			i++;
			continue;
		}
		if (!in_bracket && src[i] == '[') {
			in_bracket = 1;
			if (lt_buf_adds(&b, one))
				goto nomem;
			/* "[]" and "[^]" put a literal ']' first */
			if (src[i + 1] == '^' && lt_buf_addc(&b, src[++i]))
				goto nomem;
			if (src[i + 1] == ']' && lt_buf_addc(&b, src[++i]))
				goto nomem;
			continue;
		}
		if (in_bracket && src[i] == ']')
			in_bracket = 0;
		if (lt_buf_adds(&b, one))
			goto nomem;
	}
	if (re_cost_ok(lt_buf_cstr(&b), &why) != 0) {
		lt_buf_fini(&b);
		return lt_err_set(
		    err, LT_EXIT_USAGE, "bad regex \"%.60s\": %s", src, why);
	}
	rc = regcomp(re, lt_buf_cstr(&b), REG_EXTENDED | flags);
	lt_buf_fini(&b);
	if (rc != 0) {
		char msg[256];

		regerror(rc, re, msg, sizeof(msg));
		return lt_err_set(
		    err, LT_EXIT_USAGE, "bad regex \"%s\": %s", src, msg);
	}
	return 0;
nomem:
	lt_buf_fini(&b);
	return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
}
