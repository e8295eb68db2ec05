/*
 * lathist.h - lt-run's small latency histogram (lathist.c), behind the
 * live line: cheap to add to under the shards' stats lock and to read
 * every 2 s.  The final table uses core/hist.h, as lt-agg does (runep.h).
 */
#ifndef LT_LATHIST_H
#define LT_LATHIST_H

#include <stdint.h>

#define LT_STATS_BUCKETS 1024

/* Latency histogram: log-linear, about 3% relative error, microseconds. */
struct lt_lathist {
	uint64_t count;
	uint64_t sum_us;
	int64_t min_us, max_us;
	uint32_t b[LT_STATS_BUCKETS];
};

/* Value of the q-quantile (0..1) of h in microseconds; 0 when empty. */
int64_t lt_lathist_quantile(const struct lt_lathist *h, double q);

/* Adds one latency. */
void lt_lathist_add(struct lt_lathist *h, int64_t us);

#endif
