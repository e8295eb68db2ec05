/*
 * fnv.c - FNV-1a, 64 bits; see fnv.h.
 */
#include "core/fnv.h"

uint64_t
lt_fnv1a(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}
