/* keytab.c - string-tuple hash table; see keytab.h. */
#include <stdlib.h>
#include <string.h>

#include "keytab.h"

/* Mixes one 64-bit word into h (multiply-rotate, as in wyhash/FxHash). */
static uint64_t
mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	return (h << 31) | (h >> 33);
}

uint64_t
lt_key_hash(const struct lt_key *k)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	/* eight bytes at a time: names are hashed once per event */
	for (int i = 0; i < LT_KEY_PARTS; i++) {
		const char *s = k->p[i];
		size_t n = k->n[i], j = 0;
		uint64_t w;

		for (; j + 8 <= n; j += 8) {
			memcpy(&w, s + j, 8);
			h = mix(h, w);
		}
		if (j < n) {
			w = 0;
			memcpy(&w, s + j, n - j);
			h = mix(h, w);
		}
		h = mix(h, n + 0x9e);
	}
	return h ^ (h >> 29);
}

static int
key_eq(const struct lt_keyed *o, const struct lt_key *k, uint64_t h)
{
	if (o->hash != h)
		return 0;
	for (int i = 0; i < LT_KEY_PARTS; i++)
		if (o->n[i] != k->n[i] ||
		    (k->n[i] && memcmp(o->p[i], k->p[i], k->n[i]) != 0))
			return 0;
	return 1;
}

struct lt_keyed *
lt_keytab_get(const struct lt_keytab *t, const struct lt_key *k, uint64_t h)
{
	size_t i;

	if (t->cap == 0)
		return NULL;
	for (i = h & (t->cap - 1); t->slots[i]; i = (i + 1) & (t->cap - 1))
		if (key_eq(t->slots[i], k, h))
			return t->slots[i];
	return NULL;
}

static void
place(struct lt_keyed **slots, size_t cap, struct lt_keyed *o)
{
	size_t i = o->hash & (cap - 1);

	while (slots[i])
		i = (i + 1) & (cap - 1);
	slots[i] = o;
}

static int
grow(struct lt_keytab *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 64;
	struct lt_keyed **ns = calloc(ncap, sizeof(*ns));

	if (ns == NULL)
		return -1;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i])
			place(ns, ncap, t->slots[i]);
	free(t->slots);
	t->slots = ns;
	t->cap = ncap;
	return 0;
}

int
lt_keytab_put(struct lt_keytab *t, struct lt_keyed *obj, const struct lt_key *k,
    uint64_t h)
{
	if ((t->n + 1) * 2 > t->cap && grow(t) == -1)
		return -1;
	memset(obj->p, 0, sizeof(obj->p));
	for (int i = 0; i < LT_KEY_PARTS; i++) {
		obj->p[i] = malloc(k->n[i] + 1);
		if (obj->p[i] == NULL) {
			lt_keyed_fini(obj);
			return -1;
		}
		if (k->n[i])
			memcpy(obj->p[i], k->p[i], k->n[i]);
		obj->p[i][k->n[i]] = '\0';
		obj->n[i] = k->n[i];
	}
	obj->hash = h;
	place(t->slots, t->cap, obj);
	t->n++;
	return 0;
}

void
lt_keytab_fini(struct lt_keytab *t)
{
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

void
lt_keyed_fini(struct lt_keyed *obj)
{
	for (int i = 0; i < LT_KEY_PARTS; i++) {
		free(obj->p[i]);
		obj->p[i] = NULL;
	}
}
