/*
 * rng.c - xoshiro256** (Blackman and Vigna), seeded through splitmix64 so
 * that nearby seeds and stream numbers give unrelated sequences.
 */
#include "core/rng.h"

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z;

	*x += 0x9e3779b97f4a7c15ULL;
	z = *x;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void
lt_rng_seed(struct lt_rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x =
	    seed ^ (stream * 0xd1342543de82ef95ULL + 0x2545f4914f6cdd1dULL);
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

uint64_t
lt_rng_next(struct lt_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

double
lt_rng_unit(struct lt_rng *r)
{
	return (double)(lt_rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t
lt_rng_below(struct lt_rng *r, uint64_t n)
{
	uint64_t x, lim;

	if (n == 0)
		return 0;
	/* Rejection sampling: drop the top partial range to stay unbiased. */
	lim = UINT64_MAX - UINT64_MAX % n;
	do
		x = lt_rng_next(r);
	while (x >= lim);
	return x % n;
}

int64_t
lt_rng_range(struct lt_rng *r, int64_t lo, int64_t hi)
{
	uint64_t span;

	if (hi <= lo)
		return lo;
	span = (uint64_t)hi - (uint64_t)lo;
	if (span == UINT64_MAX)
		return (int64_t)lt_rng_next(r);
	return (int64_t)((uint64_t)lo + lt_rng_below(r, span + 1));
}
