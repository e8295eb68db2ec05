/*
 * fnv.h - FNV-1a, 64 bits: a fast hash for telling strings apart
 * (has a URL changed, which slot holds a path), not for security.
 */
#ifndef LT_FNV_H
#define LT_FNV_H

#include <stddef.h>
#include <stdint.h>

/* The FNV-1a hash of the n bytes at p. */
uint64_t lt_fnv1a(const void *p, size_t n);

#endif
