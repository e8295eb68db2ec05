/*
 * arena.c - bump allocator; see arena.h.  Chunks grow geometrically up to
 * 1 MiB; a request larger than a chunk gets a chunk of its own.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"

#define ARENA_ALIGN 16
#define ARENA_MIN   4096
#define ARENA_MAX   ((size_t)1 << 20)

struct lt_arena_chunk {
	struct lt_arena_chunk *next;
	size_t cap; /* bytes of data[] */
	size_t off; /* bytes used */
	max_align_t data[];
};

void
lt_arena_init(struct lt_arena *a)
{
	a->head = NULL;
	a->used = 0;
}

void
lt_arena_fini(struct lt_arena *a)
{
	struct lt_arena_chunk *c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
	a->used = 0;
}

static struct lt_arena_chunk *
chunk_new(struct lt_arena *a, size_t n)
{
	struct lt_arena_chunk *c;
	size_t cap;

	cap = a->head ? a->head->cap * 2 : ARENA_MIN;
	if (cap > ARENA_MAX)
		cap = ARENA_MAX;
	if (cap < n)
		cap = n;
	c = malloc(sizeof(*c) + cap);
	if (c == NULL)
		return NULL;
	c->cap = cap;
	c->off = 0;
	c->next = a->head;
	a->head = c;
	return c;
}

void *
lt_arena_alloc(struct lt_arena *a, size_t n)
{
	struct lt_arena_chunk *c = a->head;
	size_t need;
	char *p;

	if (n > SIZE_MAX / 2)
		return NULL;
	need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need == 0)
		need = ARENA_ALIGN;
	if (c == NULL || c->cap - c->off < need) {
		c = chunk_new(a, need);
		if (c == NULL)
			return NULL;
	}
	p = (char *)c->data + c->off;
	c->off += need;
	a->used += need;
	memset(p, 0, need);
	return p;
}

char *
lt_arena_strndup(struct lt_arena *a, const char *s, size_t n)
{
	char *p = lt_arena_alloc(a, n + 1);

	if (p == NULL)
		return NULL;
	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
lt_arena_strdup(struct lt_arena *a, const char *s)
{
	return lt_arena_strndup(a, s, strlen(s));
}
