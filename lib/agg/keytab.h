/*
 * keytab.h - a hash table from short string tuples to caller objects.
 *
 * lt-agg looks up per-endpoint state (method, name) and failure groups
 * (method, name, error) once per event, with the strings as views into
 * the line buffer: lookup must not allocate, so keys are compared as
 * views and copied only when a new entry is inserted (once per endpoint).
 * Open addressing with linear probing, kept at most half full.
 */
#ifndef LT_KEYTAB_H
#define LT_KEYTAB_H

#include <stddef.h>
#include <stdint.h>

#define LT_KEY_PARTS 3

/* A key: up to three byte strings (a NULL ptr is the empty string). */
struct lt_key {
	const char *p[LT_KEY_PARTS];
	size_t n[LT_KEY_PARTS];
};

/* Header of every stored object: owned copies of the key parts. */
struct lt_keyed {
	uint64_t hash;
	char *p[LT_KEY_PARTS]; /* owned, NUL-terminated (may hold NULs) */
	size_t n[LT_KEY_PARTS];
};

struct lt_keytab {
	struct lt_keyed **slots; /* owned array; objects are not */
	size_t cap;              /* power of two, or 0 */
	size_t n;
};

/* Hash of a key (FNV-1a over the parts and their lengths). */
uint64_t lt_key_hash(const struct lt_key *k);

/* The stored object equal to k with hash h, or NULL.  Never allocates. */
struct lt_keyed *lt_keytab_get(
    const struct lt_keytab *t, const struct lt_key *k, uint64_t h);

/*
 * Copies k into obj's header and stores obj (borrowed: the caller frees
 * objects after lt_keytab_fini, e.g. with lt_keyed_fini).  Returns 0 or -1
 * (ENOMEM).  The key must not be present.
 */
int lt_keytab_put(struct lt_keytab *t, struct lt_keyed *obj,
    const struct lt_key *k, uint64_t h);

/* Frees the slot array (not the objects). */
void lt_keytab_fini(struct lt_keytab *t);

/* Frees the key copies of obj's header. */
void lt_keyed_fini(struct lt_keyed *obj);

#endif
