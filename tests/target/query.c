/*
 * query.c - query string (and form body) parameters of lt-target.
 *
 * Parameters are looked up on demand by a linear scan instead of being
 * split into a table first: requests carry a handful of them and most
 * handlers read one or two, so this is both the simplest and the fastest.
 */
#include <stdlib.h>
#include <string.h>

#include "target.h"

/* Percent-decodes s into out (cap bytes with the NUL); -2 when too long. */
static long
decode(const char *s, size_t n, char *out, size_t cap)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < n; i++) {
		char ch = s[i];
		if (ch == '+') {
			ch = ' ';
		} else if (ch == '%' && i + 2 < n) {
			hi = tg_hexval((unsigned char)s[i + 1]);
			lo = tg_hexval((unsigned char)s[i + 2]);
			if (hi >= 0 && lo >= 0) {
				ch = (char)(hi * 16 + lo);
				i += 2;
			}
		}
		if (o + 1 >= cap)
			return -2;
		out[o++] = ch;
	}
	out[o] = '\0';
	return (long)o;
}

long
tg_query_get(struct tg_str q, const char *name, char *out, size_t cap)
{
	size_t nlen = strlen(name), i = 0, s, e;
	const char *amp;

	while (i < q.n) {
		s = i;
		amp = memchr(q.p + i, '&', q.n - i);
		e = amp != NULL ? (size_t)(amp - q.p) : q.n;
		i = e + 1;
		if (e - s > nlen && q.p[s + nlen] == '=' &&
		    memcmp(q.p + s, name, nlen) == 0)
			return decode(
			    q.p + s + nlen + 1, e - s - nlen - 1, out, cap);
		if (e - s == nlen && memcmp(q.p + s, name, nlen) == 0)
			return decode("", 0, out, cap);
	}
	return -1;
}

int
tg_parse_u64(struct tg_str s, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (s.n == 0 || s.n > 19)
		return -1;
	for (i = 0; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		x = x * 10 + (uint64_t)(s.p[i] - '0');
	}
	if (x > max)
		return -1;
	*v = x;
	return 0;
}

int
tg_query_u64(
    struct tg_str q, const char *name, uint64_t def, uint64_t max, uint64_t *v)
{
	char buf[32];
	struct tg_str s;
	long n;

	n = tg_query_get(q, name, buf, sizeof(buf));
	if (n == -1) {
		*v = def;
		return 0;
	}
	if (n < 0)
		return -1;
	s.p = buf;
	s.n = (size_t)n;
	return tg_parse_u64(s, max, v);
}

int
tg_query_num(
    struct tg_str q, const char *name, double def, double max, double *v)
{
	char buf[32], *end;
	long n;
	double x;

	n = tg_query_get(q, name, buf, sizeof(buf));
	if (n == -1) {
		*v = def;
		return 0;
	}
	if (n <= 0 || buf[0] < '0' || buf[0] > '9')
		return -1;
	x = strtod(buf, &end);
	if (*end != '\0' || !(x >= 0 && x <= max))
		return -1;
	*v = x;
	return 0;
}
