/*
 * aggclass.h - per user class statistics of the aggregate (the optional
 * "classes" member of lt-aggregate(5)): recording req events by their
 * "class", writing, reading back with validation and merging exactly.
 */
#ifndef LT_AGGCLASS_H
#define LT_AGGCLASS_H

#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/evscan.h"
#include "core/hist.h"
#include "agg/aggdoc.h"
#include "agg/captab.h"
#include "agg/keytab.h"

#define LT_AGG_MAX_CLASSES 100 /* further ones fold into "(other)" */

struct lt_cls {
	struct lt_keyed key; /* p[0] the class name */
	int64_t requests, failures, bytes;
	int64_t bytes_sent;  /* of events that had "bytes_sent" */
	int has_sent;        /* some event had it */
	int64_t seq;         /* order of first appearance */
	struct lt_hist hist; /* latency, sig 3 like the endpoints' */
};

/* The classes: struct lt_cls entries, named ones sorted by
 * lt_aggcls_finish, "(other)" once a class was folded. */
struct lt_aggcls {
	struct lt_captab t;
};

struct lt_rd;
struct json_t;

/* Frees c and what it owns; NULL is a no-op. */
void lt_aggcls_free(struct lt_aggcls *c);

/*
 * Records one req event (a no-op without "class"): failed as counted,
 * lat the latency in us or -1 for none.  0 or -1 (ENOMEM).
 */
int lt_aggcls_req(
    struct lt_aggcls **c, const struct lt_event *ev, int failed, int64_t lat);

/* Sorts the classes by name.  Idempotent. */
void lt_aggcls_finish(struct lt_aggcls *c);

/*
 * Writes "classes":[...],\n when classes were seen (c not NULL), rates
 * over duration_s.  0 or -1.
 */
int lt_aggcls_write(
    const struct lt_aggcls *c, double duration_s, struct lt_buf *b);

/*
 * Reads and validates the optional "classes" member of root into d
 * (aggread.c): names unique, at most LT_AGG_MAX_CLASSES of them plus
 * one "(other)" entry (as lt-agg writes), failures <= requests, the
 * histogram no larger than requests.  0 or -1 (r->err).
 */
int lt_aggcls_read(
    struct lt_rd *r, const struct json_t *root, struct lt_aggdoc *d);

/* Adds d's classes into *c (lt-agg --merge).  0 or -1 (ENOMEM). */
int lt_aggcls_merge(struct lt_aggcls **c, const struct lt_aggdoc *d);

/* Frees d's classes. */
void lt_aggcls_doc_fini(struct lt_aggdoc *d);

#endif
