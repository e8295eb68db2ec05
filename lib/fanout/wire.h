/*
 * wire.h - lt-fanout's wire protocol, version 1: the frame every message
 * between coordinator and worker travels in, its encoder and a decoder
 * that accepts any bytes (garbage, truncated, oversized) without crashing.
 *
 * A frame is a 20-byte header, all integers big-endian, then the payload:
 *
 *     0  'L' 'T'        magic
 *     2  u8  version    LT_WIRE_VERSION
 *     3  u8  type       enum lt_wire_type
 *     4  u32 worker     worker index (0xffffffff: not yet assigned)
 *     8  u64 seq        EVENTS: seq of the first line; ACK: next expected;
 *                       AGG: lines aggregated (ACK: the same)
 *    16  u32 length     payload bytes, <= LT_WIRE_MAX_PAYLOAD
 *    20  payload        EVENTS: NDJSON lines; AGG: an aggregate
 *                       document (lt-aggregate(5)), after a lat line
 *                       (livehist.h) when the plan said "agg_lat";
 *                       control types: one
 *                       JSON object; REFUSE: UTF-8 text (seq 1:
 *                       authenticate this connection and send again,
 *                       auth.h)
 */
#ifndef LT_WIRE_H
#define LT_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define LT_WIRE_VERSION     1
#define LT_WIRE_HEADER      20
#define LT_WIRE_MAX_PAYLOAD (4u << 20)
#define LT_WIRE_MAX_FRAME   (LT_WIRE_HEADER + LT_WIRE_MAX_PAYLOAD)
#define LT_WIRE_NO_WORKER   0xffffffffu

enum lt_wire_type {
	LT_WIRE_HELLO = 1,     /* w->c: version, index wanted, pid, host */
	LT_WIRE_WELCOME = 2,   /* c->w: index, of, run id, argv, files */
	LT_WIRE_REFUSE = 3,    /* c->w: why (text); the worker exits */
	LT_WIRE_BEAT = 4,      /* w->c: state, clock sample; c->w: t0, stop */
	LT_WIRE_EVENTS = 5,    /* w->c: NDJSON lines from seq on */
	LT_WIRE_ACK = 6,       /* c->w: every line below seq is stored */
	LT_WIRE_FIN = 7,       /* w->c: the load program ended (status) */
	LT_WIRE_CHALLENGE = 8, /* both ways: nonces (auth.h) */
	LT_WIRE_AUTH = 9,      /* w->c: proof of the run token (auth.h) */
	LT_WIRE_AGG = 10,      /* w->c: its aggregate of its first seq lines */
	LT_WIRE_TYPE_MAX = 10,
};

struct lt_wire_msg {
	int version;
	enum lt_wire_type type;
	uint32_t worker;
	uint64_t seq;
	const char *payload; /* points into the decoded buffer */
	size_t len;
};

/* The name of a type ("events"), or "unknown". */
const char *lt_wire_type_name(int type);

/* Appends one frame to out.  Returns 0, or -1 (payload too large, or
 * no memory) with err set. */
int lt_wire_encode(struct lt_buf *out, enum lt_wire_type type, uint32_t worker,
    uint64_t seq, const void *payload, size_t len, struct lt_err *err);

/* Writes the header of a frame with a payload of len bytes to hdr. */
void lt_wire_header(unsigned char hdr[LT_WIRE_HEADER], enum lt_wire_type type,
    uint32_t worker, uint64_t seq, size_t len);

/*
 * Decodes the n bytes at p as one whole frame.  Returns 0 and fills m, or
 * -1 with err saying what is wrong (short, bad magic, other version,
 * unknown type, length mismatch, too large).  Never reads past p + n.
 */
int lt_wire_decode(
    const void *p, size_t n, struct lt_wire_msg *m, struct lt_err *err);

/* Number of lines ('\n'-terminated) in an EVENTS payload; a payload that
 * does not end with '\n' is invalid: returns -1. */
long lt_wire_count_lines(const char *p, size_t n);

#endif
