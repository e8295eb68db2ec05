/*
 * hist.h - the latency histograms moved to lib/core (core/hist.h), so
 * that lt-run's end-of-run table computes its percentiles as lt-agg does.
 * This header only forwards, for code written against the old place.
 */
#ifndef LT_AGG_HIST_H
#define LT_AGG_HIST_H

#include "core/hist.h"

#endif
