/*
 * ship.h - lt-fanout --ship agg (ship.c): the worker's aggregating sender
 * and the coordinator's store of the workers' latest aggregates.
 */
#ifndef LT_FANOUT_SHIP_H
#define LT_FANOUT_SHIP_H

#include <stdatomic.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "fanout/fanout.h"
#include "fanout/nngx.h"

struct lt_fanout_ship {
	const char *spool;    /* the worker's spool (its child's events) */
	struct lt_nngx *data; /* REQ socket to the coordinator */
	uint32_t index;
	int lat; /* the coordinator takes lat lines (livehist.h) */
	/* the users count of the last users event read, for the worker's
	 * heartbeats (the live line's users with --ship agg) */
	atomic_long *users;
	/* bytes of whole lines in the spool, the child's output ended,
	 * the coordinator is lost, the ts shift (us) to apply */
	void (*progress)(void *ctx, uint64_t *bytes, int *done, int *lost,
	    int64_t *shift_us);
	void *ctx;
};

/* Aggregates the spool as it grows and sends the cumulative aggregate
 * every second and at the end, each until acknowledged, with s->lat
 * after a lat line of the latencies read since the last one.  0, or -1. */
int lt_fanout_ship_agg(const struct lt_fanout_ship *s, struct lt_err *err);

struct lt_fanout_aggs;
struct lt_fanout_aggs *lt_fanout_aggs_new(int n);
void lt_fanout_aggs_free(struct lt_fanout_aggs *a);

/* Keeps worker w's aggregate p[0..n) (a document, without the lat line)
 * of its first seq lines unless a newer one is kept; sets *reqs, *fails
 * to its totals.  0 or -1. */
int lt_fanout_aggs_put(struct lt_fanout_aggs *a, int w, uint64_t seq,
    const char *p, size_t n, uint64_t *reqs, uint64_t *fails);

/* Merges the kept aggregates and appends the document to out. */
int lt_fanout_aggs_write(
    struct lt_fanout_aggs *a, struct lt_buf *out, struct lt_err *err);

#endif
