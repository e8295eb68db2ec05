/*
 * captab.h - a table of named entries with a cap, shared by the user
 * classes (aggclass.h) and the checks (aggcheck.h) of an aggregate:
 * entries keyed by a string tuple, numbered in order of first appearance,
 * and past the cap (or when a merged document's entry was itself folded)
 * one "(other)" entry that takes the counts, so memory stays bounded
 * whatever the events name.
 *
 * Entries are the caller's objects whose first member is struct lt_keyed;
 * the table creates them through a constructor and frees them through a
 * destructor, so it needs no knowledge of their counters.
 */
#ifndef LT_CAPTAB_H
#define LT_CAPTAB_H

#include <stddef.h>
#include <stdint.h>

#include "agg/keytab.h"

/* A new zeroed entry (its first member a struct lt_keyed) numbered seq
 * in order of first appearance, or NULL. */
typedef struct lt_keyed *(*lt_captab_new_fn)(int64_t seq);
/* Frees an entry and what it owns but its key (freed by the table). */
typedef void (*lt_captab_free_fn)(struct lt_keyed *k);

struct lt_captab {
	struct lt_keytab tab;
	struct lt_keyed **v; /* named entries, in order of appearance until
	                        the owner sorts them */
	size_t n, alloc, max;
	struct lt_keyed *other; /* the folded entry, once needed */
	int64_t next_seq;
	lt_captab_new_fn make;
	lt_captab_free_fn drop;
};

/* An empty table of at most max named entries. */
void lt_captab_init(struct lt_captab *t, size_t max, lt_captab_new_fn make,
    lt_captab_free_fn drop);

/* Frees the entries and the table's storage. */
void lt_captab_fini(struct lt_captab *t);

/*
 * The entry of key, created when new; past max named entries, or when
 * folded, the folded entry (created once).  NULL on ENOMEM.
 */
struct lt_keyed *lt_captab_get(
    struct lt_captab *t, const struct lt_key *key, int folded);

/*
 * Orders two entries of a read document by their numbers of first
 * appearance (seq; negative: absent, after the others), ties by their
 * addresses (document order): the qsort(3) order in which a merge adds a
 * document's entries.
 */
static inline int
lt_captab_seq_cmp(int64_t sa, int64_t sb, const void *a, const void *b)
{
	sa = sa >= 0 ? sa : INT64_MAX;
	sb = sb >= 0 ? sb : INT64_MAX;
	if (sa != sb)
		return sa < sb ? -1 : 1;
	return a < b ? -1 : a > b;
}

#endif
