/*
 * arena.h - a bump allocator for long-lived groups of small objects.
 *
 * The parsed scenario (its tree, strings, compiled templates and data
 * file rows) lives in one arena and is freed in one call, so the parser
 * never has to track who owns which string.  Not thread-safe; objects are
 * never freed one by one.
 */
#ifndef LT_ARENA_H
#define LT_ARENA_H

#include <stddef.h>

struct lt_arena_chunk;

struct lt_arena {
	struct lt_arena_chunk *head; /* newest chunk first */
	size_t used;                 /* bytes handed out, for reports */
};

/* Initialises an empty arena in the caller's storage. */
void lt_arena_init(struct lt_arena *a);

/* Frees every object of the arena; it is empty and reusable afterwards. */
void lt_arena_fini(struct lt_arena *a);

/*
 * Returns n bytes of zeroed memory aligned for any object, owned by the
 * arena, or NULL when out of memory.  n may be 0 (a unique pointer).
 */
void *lt_arena_alloc(struct lt_arena *a, size_t n);

/* Returns a NUL-terminated copy of the n bytes at s, or NULL (ENOMEM). */
char *lt_arena_strndup(struct lt_arena *a, const char *s, size_t n);

/* Returns a copy of the NUL-terminated string s, or NULL (ENOMEM). */
char *lt_arena_strdup(struct lt_arena *a, const char *s);

#endif
