/*
 * runep.h - one endpoint's figures in a run, kept by each shard (shard.h)
 * and added up for the end-of-run table (runner.h): a header of its own
 * so that the runner's private state need not include runner.h.
 */
#ifndef LT_RUNEP_H
#define LT_RUNEP_H

#include <stdint.h>

#include "core/hist.h"

/*
 * The end-of-run table's figures per endpoint, computed as lt-agg does
 * (core/hist.h, sig 3): requests count every request; the histogram only
 * those with a response time (not those the end of the run interrupted).
 */
struct lt_run_endpoint {
	char method[16];
	char name[112];
	uint64_t requests, fails;
	struct lt_hist hist; /* counts NULL until the first request */
};

#endif
