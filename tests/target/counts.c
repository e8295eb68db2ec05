/*
 * counts.c - per-path request counts of lt-target.
 *
 * Tests prove that no request went unreported by comparing what clients
 * sent with these counts, so they are exact: an open-addressing hash table
 * keyed by the path as sent (query removed).  A path allocates once, when
 * first seen; counting a known path is a hash and a compare.  Past
 * COUNTS_MAX_PATHS distinct paths, further new ones are counted together
 * under "(other)" so that a client cannot exhaust memory.
 */
#include <stdlib.h>
#include <string.h>

#include "core/fnv.h"
#include "core/jsonw.h"
#include "target.h"

#define COUNTS_MAX_PATHS 100000
#define COUNTS_OTHER     "(other)"

void
tg_counts_init(struct tg_counts *c)
{
	c->slots = NULL;
	c->cap = 0;
	c->used = 0;
	c->total = 0;
}

void
tg_counts_fini(struct tg_counts *c)
{
	size_t i;

	for (i = 0; i < c->cap; i++)
		free(c->slots[i].key);
	free(c->slots);
	tg_counts_init(c);
}

static struct tg_count_slot *
find(struct tg_count_slot *slots, size_t cap, uint64_t h, const char *p,
    size_t n)
{
	size_t i = (size_t)h & (cap - 1);

	for (;;) {
		struct tg_count_slot *s = &slots[i];
		if (s->key == NULL ||
		    (s->hash == h && s->len == n && memcmp(s->key, p, n) == 0))
			return s;
		i = (i + 1) & (cap - 1);
	}
}

/* Doubles the table (or makes the first one).  Returns 0 or -1. */
static int
grow(struct tg_counts *c)
{
	size_t ncap = c->cap ? c->cap * 2 : 256, i;
	struct tg_count_slot *ns, *d;

	ns = calloc(ncap, sizeof(*ns));
	if (ns == NULL)
		return -1;
	for (i = 0; i < c->cap; i++) {
		if (c->slots[i].key == NULL)
			continue;
		d = find(ns, ncap, c->slots[i].hash, c->slots[i].key,
		    c->slots[i].len);
		*d = c->slots[i];
	}
	free(c->slots);
	c->slots = ns;
	c->cap = ncap;
	return 0;
}

void
tg_counts_add(struct tg_counts *c, const char *path, size_t len)
{
	struct tg_count_slot *s;
	uint64_t h = lt_fnv1a(path, len);

	c->total++;
	if (c->cap == 0 && grow(c) != 0)
		return;
	s = find(c->slots, c->cap, h, path, len);
	if (s->key != NULL) {
		s->n++;
		return;
	}
	if (c->used >= COUNTS_MAX_PATHS && strcmp(path, COUNTS_OTHER) != 0) {
		tg_counts_add(c, COUNTS_OTHER, strlen(COUNTS_OTHER));
		c->total--;
		return;
	}
	if ((c->used + 1) * 2 > c->cap) {
		if (grow(c) != 0)
			return;
		s = find(c->slots, c->cap, h, path, len);
	}
	s->key = malloc(len + 1);
	if (s->key == NULL)
		return;
	memcpy(s->key, path, len);
	s->key[len] = '\0';
	s->len = len;
	s->hash = h;
	s->n = 1;
	c->used++;
}

static int
by_key(const void *a, const void *b)
{
	const struct tg_count_slot *x = *(const struct tg_count_slot *const *)a;
	const struct tg_count_slot *y = *(const struct tg_count_slot *const *)b;
	size_t n = x->len < y->len ? x->len : y->len;
	int d = memcmp(x->key, y->key, n);

	if (d != 0)
		return d;
	return x->len < y->len ? -1 : x->len > y->len;
}

int
tg_counts_json(const struct tg_counts *c, struct lt_buf *b)
{
	const struct tg_count_slot **v = NULL;
	size_t i, k = 0;
	int rc = 0;

	if (c->used > 0) {
		v = malloc(c->used * sizeof(*v));
		if (v == NULL)
			return -1;
		for (i = 0; i < c->cap; i++)
			if (c->slots[i].key != NULL)
				v[k++] = &c->slots[i];
		qsort(v, k, sizeof(*v), by_key);
	}
	rc |= lt_buf_adds(b, "{\"total\":");
	rc |= lt_jsonw_u64(b, c->total);
	rc |= lt_buf_adds(b, ",\"paths\":{");
	for (i = 0; i < k; i++) {
		if (i > 0)
			rc |= lt_buf_addc(b, ',');
		rc |= lt_jsonw_str(b, v[i]->key, v[i]->len);
		rc |= lt_buf_addc(b, ':');
		rc |= lt_jsonw_u64(b, v[i]->n);
	}
	rc |= lt_buf_adds(b, "}}");
	free(v);
	return rc ? -1 : 0;
}
