/*
 * rng.h - a small, fast, seedable pseudo-random generator (xoshiro256**).
 *
 * Each simulated user owns one, seeded from the run seed and its user id,
 * so a run with --seed is reproducible user by user whatever the order in
 * which the event loop serves them.  Not for cryptography.
 */
#ifndef LT_RNG_H
#define LT_RNG_H

#include <stdint.h>

struct lt_rng {
	uint64_t s[4];
};

/* Seeds r from a run seed and a stream number (e.g. the user id). */
void lt_rng_seed(struct lt_rng *r, uint64_t seed, uint64_t stream);

/* Returns the next 64 random bits. */
uint64_t lt_rng_next(struct lt_rng *r);

/* Returns a uniform double in [0, 1). */
double lt_rng_unit(struct lt_rng *r);

/* Returns a uniform integer in [0, n); 0 when n is 0.  Unbiased. */
uint64_t lt_rng_below(struct lt_rng *r, uint64_t n);

/* Returns a uniform integer in [lo, hi] (inclusive; lo <= hi). */
int64_t lt_rng_range(struct lt_rng *r, int64_t lo, int64_t hi);

#endif
