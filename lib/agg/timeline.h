/*
 * timeline.h - per-second series of request counts and latency histograms.
 *
 * A second is floor(ts) of the events that fall in it, so a stored log
 * gives the same timeline as the live run, whatever the order of events.
 * Memory grows with the seconds seen, never with the events: each second
 * keeps counters and a sparse sig-2 histogram (struct lt_shist).  A small
 * direct-mapped cache of dense histograms (slot = t mod LT_TL_WAYS) takes
 * the recording: events of the recent seconds hit it, a late event of an
 * old second evicts a slot (the slot's second is compacted to sparse, the
 * old second is expanded), so out-of-order input costs time, not memory.
 * Seconds are found through an open-addressing table keyed by t, so a
 * stray timestamp far away costs one entry, not a gap.
 */
#ifndef LT_TIMELINE_H
#define LT_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "core/hist.h"

#define LT_TL_SIG  2
#define LT_TL_WAYS 8

/* One second of a series. */
struct lt_sec {
	int64_t t; /* Unix second */
	int64_t requests, failures, dropped;
	int64_t bytes;        /* response bytes of this second's requests */
	int64_t bytes_sent;   /* request bytes sent in them */
	int64_t users;        /* last users count set in this second, or -1 */
	int64_t users_ts_us;  /* ts of that users event */
	struct lt_shist hist; /* latency (sig 2); current unless cached */
	struct lt_shist co;   /* wait + latency, when events had wait */
	int has_co;
};

struct lt_tl_slot {
	int used;
	size_t sec;              /* index into secs */
	struct lt_hist hist, co; /* counts NULL until first used */
};

struct lt_series {
	struct lt_sec *secs; /* owned, in order of first appearance */
	size_t n, alloc;
	size_t *index; /* hash t -> secs index + 1 (0 empty) */
	size_t index_cap;
	struct lt_tl_slot slot[LT_TL_WAYS];
};

/* An empty series in the caller's storage. */
void lt_series_init(struct lt_series *s);

/* Frees everything. */
void lt_series_fini(struct lt_series *s);

/*
 * The second t, created if new, and its dense histograms loaded in the
 * cache: *hist and *co (co's counts allocated on demand when want_co) are
 * valid until the next call.  Returns NULL on ENOMEM.
 */
struct lt_sec *lt_series_sec(struct lt_series *s, int64_t t,
    struct lt_hist **hist, struct lt_hist **co, int want_co);

/* The second t if present, or NULL; never loads the cache. */
struct lt_sec *lt_series_find(const struct lt_series *s, int64_t t);

/*
 * Writes every cached histogram back to its second, so that all secs[]
 * hold their full data as sparse histograms.  Returns 0 or -1 (ENOMEM).
 */
int lt_series_flush(struct lt_series *s);

/*
 * Returns a malloc'd array of the s->n second indices sorted by t (the
 * caller frees it), or NULL on ENOMEM or when empty.
 */
size_t *lt_series_order(const struct lt_series *s);

#endif
