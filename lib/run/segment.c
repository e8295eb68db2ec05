/*
 * segment.c - the arithmetic of lt-run --segment I/N and the wait of
 * --start-at (segment.h).  Integers only, so every process computes the
 * same split from the same options.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "run/scenario.h"
#include "run/segment.h"

int
lt_segment_parse(const char *s, int *index, int *count, struct lt_err *err)
{
	char *end;
	long i, n;

	errno = 0;
	if (*s < '0' || *s > '9')
		goto bad;
	i = strtol(s, &end, 10);
	if (errno != 0 || *end != '/' || end[1] < '0' || end[1] > '9')
		goto bad;
	n = strtol(end + 1, &end, 10);
	if (errno != 0 || *end != '\0')
		goto bad;
	if (n < 1 || n > LT_SEGMENT_MAX || i >= n)
		return lt_err_set(err, LT_EXIT_USAGE,
		    "segment %s: need 0 <= I < N <= %d", s, LT_SEGMENT_MAX);
	*index = (int)i;
	*count = (int)n;
	return 0;
bad:
	return lt_err_set(
	    err, LT_EXIT_USAGE, "segment %s: expected I/N such as 0/4", s);
}

long
lt_segment_share(long total, long parts, long i)
{
	if (parts <= 0)
		return total;
	return total / parts + (total % parts > i);
}

int
lt_segment_stripes(int jobs, int seg_count)
{
	return (jobs > 0 ? jobs : 1) * (seg_count > 0 ? seg_count : 1);
}

int
lt_segment_stripe(int seg_index, int seg_count, int shard)
{
	return seg_index + shard * (seg_count > 0 ? seg_count : 1);
}

long
lt_segment_iterations(long iterations, int seg_index, int seg_count)
{
	long n;

	if (iterations <= 0 || seg_count <= 1)
		return iterations;
	n = lt_segment_share(iterations, seg_count, seg_index);
	return n > 0 ? n : -1;
}

void
lt_segment_data(const struct lt_scenario *sc, int seg_index, int seg_count)
{
	size_t i;

	if (seg_count <= 1)
		return;
	for (i = 0; i < sc->ndatas; i++) {
		sc->datas[i]->first = (uint64_t)seg_index;
		sc->datas[i]->stride = (uint64_t)seg_count;
	}
}

int
lt_segment_wait_until(int64_t epoch_ms, struct lt_err *err)
{
	struct timespec ts;
	int rc;

	ts.tv_sec = (time_t)(epoch_ms / 1000);
	ts.tv_nsec = (long)(epoch_ms % 1000) * 1000000L;
	rc = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL);
	if (rc == 0)
		return 0;
	return lt_err_sys(err, LT_EXIT_RUNTIME, rc, "waiting for --start-at");
}
