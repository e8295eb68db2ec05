/* keytab.c - string-tuple hash table; see keytab.h. */
#include <stdlib.h>
#include <string.h>

#include "agg/keytab.h"

/* Mixes one 64-bit word into h (multiply-rotate, as in wyhash/FxHash). */
static uint64_t
mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	return (h << 31) | (h >> 33);
}

/*
 * s[0..n) for n in 1..8 as a word, without a memcpy call of variable
 * size (names are hashed and compared once per event): the first and
 * last four bytes (overlapping) when n >= 4, else the first, middle and
 * last byte.  Either way every byte is in the word, so for one n it is
 * one-to-one: equal words mean equal strings.
 */
static inline uint64_t
short_word(const char *s, size_t n)
{
	uint32_t a, b;

	if (n >= 4) {
		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		return a | (uint64_t)b << 32;
	}
	return (uint64_t)(unsigned char)s[0] |
	    (uint64_t)(unsigned char)s[n / 2] << 8 |
	    (uint64_t)(unsigned char)s[n - 1] << 16;
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
			h = mix(h, short_word(s + j, n - j));
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
		if (o->n[i] != k->n[i])
			return 0;
		else if (k->n[i] == 0)
			continue;
		else if (k->n[i] <= 8) {
			if (short_word(o->p[i], k->n[i]) !=
			    short_word(k->p[i], k->n[i]))
				return 0;
		} else if (memcmp(o->p[i], k->p[i], k->n[i]) != 0) {
			return 0;
		}
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
