/*
 * captab.c - a table of named entries with a cap and one folded entry;
 * see captab.h.
 */
#include <stdlib.h>

#include "agg/captab.h"

void
lt_captab_init(struct lt_captab *t, size_t max, lt_captab_new_fn make,
    lt_captab_free_fn drop)
{
	*t = (struct lt_captab) { .max = max, .make = make, .drop = drop };
}

static void
drop_one(struct lt_captab *t, struct lt_keyed *k)
{
	if (k == NULL)
		return;
	lt_keyed_fini(k);
	t->drop(k);
}

void
lt_captab_fini(struct lt_captab *t)
{
	for (size_t i = 0; i < t->n; i++)
		drop_one(t, t->v[i]);
	drop_one(t, t->other);
	free(t->v);
	lt_keytab_fini(&t->tab);
	t->v = NULL;
	t->other = NULL;
	t->n = t->alloc = 0;
}

struct lt_keyed *
lt_captab_get(struct lt_captab *t, const struct lt_key *key, int folded)
{
	uint64_t h = lt_key_hash(key);
	struct lt_keyed *k;

	if (!folded) {
		k = lt_keytab_get(&t->tab, key, h);
		if (k != NULL)
			return k;
	}
	if (folded || t->n >= t->max) {
		if (t->other == NULL)
			t->other = t->make(t->next_seq++);
		return t->other;
	}
	if (t->n == t->alloc) {
		size_t na = t->alloc ? t->alloc * 2 : 16;
		struct lt_keyed **v = realloc(t->v, na * sizeof(*v));

		if (v == NULL)
			return NULL;
		t->v = v;
		t->alloc = na;
	}
	k = t->make(t->next_seq++);
	if (k == NULL)
		return NULL;
	if (lt_keytab_put(&t->tab, k, key, h) == -1) {
		drop_one(t, k);
		return NULL;
	}
	t->v[t->n++] = k;
	return k;
}
