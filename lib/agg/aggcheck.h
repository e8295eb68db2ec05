/*
 * aggcheck.h - pass and failure counts of each check per endpoint (the
 * optional "checks" member of lt-aggregate(5), k6's checks list):
 * recording the "checks" of req events, writing, reading back with
 * validation, and the entries a merge adds.
 */
#ifndef LT_AGGCHECK_H
#define LT_AGGCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/evscan.h"
#include "agg/aggdoc.h"
#include "agg/captab.h"
#include "agg/keytab.h"

#define LT_AGG_MAX_CHECKS                                                      \
	1000 /* (endpoint, check) pairs; further ones
                                  are counted in one "(other)" entry */

struct lt_chk {
	struct lt_keyed key; /* p[0] method, p[1] endpoint name, p[2] check */
	int64_t passes, fails;
	int64_t seq; /* order of first appearance */
};

/* The pairs: struct lt_chk entries, named ones sorted by
 * lt_aggchk_finish, the folded one once a pair was folded. */
struct lt_aggchk {
	struct lt_captab t;
};

/* Entry i of c (i < c->t.n), or the folded one (NULL when none). */
static inline const struct lt_chk *
lt_aggchk_at(const struct lt_aggchk *c, size_t i)
{
	return (const struct lt_chk *)(i < c->t.n ? c->t.v[i] : c->t.other);
}

struct lt_rd;
struct json_t;

/* Frees c and what it owns; NULL is a no-op. */
void lt_aggchk_free(struct lt_aggchk *c);

/* Creates *c, empty, if it is NULL (so "checks" is written even empty):
 * 0, or -1 on ENOMEM. */
int lt_aggchk_ensure(struct lt_aggchk **c);

/*
 * Adds passes and fails to the check `label` of endpoint (method, name),
 * creating *c and the entry as needed; past LT_AGG_MAX_CHECKS entries,
 * or when folded (a merged document's "(other)" entry), to the folded
 * entry.  0 or -1 (ENOMEM).
 */
int lt_aggchk_add(struct lt_aggchk **c, const struct lt_key *key, int folded,
    int64_t passes, int64_t fails);

/* Records the n checks of one req event of endpoint (method, name). */
int lt_aggchk_req(struct lt_aggchk **c, const char *method, size_t mlen,
    const char *name, size_t nlen, const struct lt_evcheck *v, size_t n);

/* Sorts by endpoint name, method, then first appearance.  Idempotent. */
void lt_aggchk_finish(struct lt_aggchk *c);

/*
 * Appends the human "Checks" table of lt-agg's text output (passes,
 * failures and passed % per endpoint and check, and the total) when
 * checks were seen.  0 or -1.
 */
int lt_aggchk_write_text(const struct lt_aggchk *c, struct lt_buf *b);

/* Writes "checks":[...],\n when checks were seen (c not NULL).  0 or -1. */
int lt_aggchk_write(const struct lt_aggchk *c, struct lt_buf *b);

/*
 * Reads and validates the optional "checks" member of root into d: each
 * (method, name, check) once, at most LT_AGG_MAX_CHECKS of them plus one
 * folded entry.  0 or -1 (r->err).
 */
int lt_aggchk_read(
    struct lt_rd *r, const struct json_t *root, struct lt_aggdoc *d);

/* d's checks in the order they first appeared (for merging); NULL on
 * ENOMEM.  Free the array (not the entries) with free(3). */
const struct lt_doc_check **lt_aggchk_by_seq(const struct lt_aggdoc *d);

/* Frees d's checks. */
void lt_aggchk_doc_fini(struct lt_aggdoc *d);

#endif
