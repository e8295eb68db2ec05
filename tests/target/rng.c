/*
 * rng.c - the seeded pseudo-random generator behind /delay distributions.
 *
 * splitmix64: tiny, fast and good enough for test delays; the same --seed
 * and the same sequence of /delay requests give the same delays, which is
 * what makes latency tests reproducible.
 */
#include <math.h>
#include <string.h>

#include "target.h"

void
tg_rng_seed(uint64_t *state, uint64_t seed)
{
	*state = seed;
}

static uint64_t
next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double
tg_rng_unit(uint64_t *state)
{
	return (double)(next(state) >> 11) * 0x1.0p-53;
}

int
tg_rng_delay(uint64_t *state, const char *dist, double mean, double sd,
    double min, double max, double *ms)
{
	double u, v, x;

	if (strcmp(dist, "exp") == 0) {
		x = -mean * log1p(-tg_rng_unit(state));
	} else if (strcmp(dist, "uniform") == 0) {
		double lo = min >= 0 ? min : 0;
		double hi = max >= 0 ? max : 2 * mean;
		x = lo + tg_rng_unit(state) * (hi - lo);
	} else if (strcmp(dist, "normal") == 0) {
		/* Box-Muller; u is kept away from 0 for the logarithm. */
		u = 1.0 - tg_rng_unit(state);
		v = tg_rng_unit(state);
		x = mean + sd * sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
	} else {
		return -1;
	}
	if (min >= 0 && x < min)
		x = min;
	if (max >= 0 && x > max)
		x = max;
	*ms = x > 0 ? x : 0;
	return 0;
}
