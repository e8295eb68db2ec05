/*
 * livehist.h - the latencies behind the coordinator's live line with
 * --ship agg (livehist.c): a worker keeps a histogram of the requests it
 * read since its last aggregate and sends it as one text line before the
 * document (wire.h, LT_WIRE_AGG); the coordinator adds it to the
 * interval histogram its live line reads, as it adds every event's
 * latency with --ship events.
 *
 * The line: "lat MIN MAX SUM" then " I:C" for every non-empty bucket,
 * then '\n'.  MIN, MAX, SUM: microseconds; I: a bucket of run/lathist.h
 * (0..1023: I us below 64, then 32 buckets per power of two); C: its
 * count, 1..2^32-1.  At most LT_FANOUT_LAT_MAX bytes.
 */
#ifndef LT_FANOUT_LIVEHIST_H
#define LT_FANOUT_LIVEHIST_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "run/lathist.h"

#define LT_FANOUT_LAT_MAX (32u << 10)

/* The latency of a req event line p[0..n) (its "latency_ms") in
 * microseconds, or -1 when it has none. */
int64_t lt_fanout_latency_us(const char *p, size_t n);

/* The "count" of a users event line p[0..n), or -1 when p is not one. */
long lt_fanout_users_count(const char *p, size_t n);

/* Appends h as a lat line to out.  0, or -1 (no memory). */
int lt_fanout_lat_encode(struct lt_buf *out, const struct lt_lathist *h);

/*
 * The lat line at the start of p[0..n), if any: returns its length with
 * the '\n' (the document starts there) and adds it to *into (unless
 * NULL); 0 when p does not start with "lat "; -1, adding nothing, when
 * the line is malformed, over LT_FANOUT_LAT_MAX bytes or would overflow
 * *into.  Never reads outside p[0..n).
 */
long lt_fanout_lat_split(const char *p, size_t n, struct lt_lathist *into);

#endif
