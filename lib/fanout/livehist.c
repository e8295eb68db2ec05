/*
 * livehist.c - the interval latency histogram a --ship agg worker sends
 * with each aggregate for the coordinator's live line (livehist.h): the
 * latency of an event line, the lat line's encoder, and its parser, which
 * reads bytes from the network and so checks every field.
 */
#include <stdlib.h>
#include <string.h>

#include "fanout/livehist.h"

/* The number after key in p[0..n) (key includes its ':'), or -1. */
static double
number_after(const char *p, size_t n, const char *key, size_t klen)
{
	const char *q = memmem(p, n, key, klen);
	char num[32];
	size_t k = 0;

	if (q == NULL)
		return -1;
	q += klen;
	while (q + k < p + n && k < sizeof(num) - 1 &&
	    strchr("0123456789.eE+-", q[k]) != NULL && q[k] != '\0')
		k++;
	if (k == 0 || k == sizeof(num) - 1)
		return -1;
	memcpy(num, q, k);
	num[k] = '\0';
	return strtod(num, NULL);
}

int64_t
lt_fanout_latency_us(const char *p, size_t n)
{
	static const char key[] = "\"latency_ms\":";
	double ms = number_after(p, n, key, sizeof(key) - 1);

	if (!(ms >= 0) || ms > 1e12)
		return -1;
	return (int64_t)(ms * 1000);
}

long
lt_fanout_users_count(const char *p, size_t n)
{
	static const char key[] = "\"count\":";
	double c;
	static const char head[] = "{\"type\":\"users\"";

	if (n < sizeof(head) - 1 || memcmp(p, head, sizeof(head) - 1) != 0)
		return -1;
	c = number_after(p, n, key, sizeof(key) - 1);
	return c >= 0 && c < 1e12 ? (long)c : -1;
}

int
lt_fanout_lat_encode(struct lt_buf *out, const struct lt_lathist *h)
{
	int i;

	if (lt_buf_printf(out, "lat %lld %lld %llu",
	        (long long)(h->count ? h->min_us : 0),
	        (long long)(h->count ? h->max_us : 0),
	        (unsigned long long)h->sum_us) != 0)
		return -1;
	for (i = 0; i < LT_STATS_BUCKETS; i++)
		if (h->b[i] != 0 &&
		    lt_buf_printf(out, " %d:%lu", i, (unsigned long)h->b[i]) !=
		        0)
			return -1;
	return lt_buf_addc(out, '\n');
}

/* A decimal number of 1 to 19 digits at *p (before end), moved past. */
static int
num(const char **p, const char *end, uint64_t *v)
{
	const char *q = *p;

	*v = 0;
	while (q < end && *q >= '0' && *q <= '9' && q - *p < 19)
		*v = *v * 10 + (uint64_t)(*q++ - '0');
	if (q == *p || (q < end && *q >= '0' && *q <= '9'))
		return -1;
	*p = q;
	return 0;
}

long
lt_fanout_lat_split(const char *p, size_t n, struct lt_lathist *into)
{
	static const struct lt_lathist zero;
	const struct lt_lathist *base = into != NULL ? into : &zero;
	const char *q = p + 4, *end, *nl;
	uint64_t mn, mx, sum, i, c, count = 0;
	int64_t last = -1;
	uint32_t add[LT_STATS_BUCKETS];

	if (n < 4 || memcmp(p, "lat ", 4) != 0)
		return 0;
	nl = memchr(p, '\n', n < LT_FANOUT_LAT_MAX ? n : LT_FANOUT_LAT_MAX);
	if (nl == NULL)
		return -1;
	end = nl;
	if (num(&q, end, &mn) || q >= end || *q++ != ' ' || num(&q, end, &mx) ||
	    q >= end || *q++ != ' ' || num(&q, end, &sum))
		return -1;
	memset(add, 0, sizeof(add));
	while (q < end) {
		if (*q++ != ' ' || num(&q, end, &i) || q >= end ||
		    *q++ != ':' || num(&q, end, &c))
			return -1;
		/* buckets in increasing order, each once, counted */
		if (i >= LT_STATS_BUCKETS || (int64_t)i <= last || c == 0 ||
		    c > UINT32_MAX)
			return -1;
		add[i] = (uint32_t)c;
		last = (int64_t)i;
		count += c;
	}
	if (mn > mx || mx > ((uint64_t)1 << 62))
		return -1;
	/* nothing added unless all of it fits */
	if (base->count + count < base->count ||
	    base->sum_us + sum < base->sum_us)
		return -1;
	for (i = 0; i < LT_STATS_BUCKETS; i++)
		if ((uint32_t)(base->b[i] + add[i]) < base->b[i])
			return -1;
	if (into == NULL || count == 0)
		return (long)(nl - p + 1);
	for (i = 0; i < LT_STATS_BUCKETS; i++)
		into->b[i] += add[i];
	if (into->count == 0 || (int64_t)mn < into->min_us)
		into->min_us = (int64_t)mn;
	if ((int64_t)mx > into->max_us)
		into->max_us = (int64_t)mx;
	into->count += count;
	into->sum_us += sum;
	return (long)(nl - p + 1);
}
