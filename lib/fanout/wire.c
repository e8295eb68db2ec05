/*
 * wire.c - encodes and decodes lt-fanout's wire frames (wire.h).  The
 * decoder is the first code that touches bytes from the network, so it
 * trusts nothing: every field is range-checked before use.
 */
#include <string.h>

#include "fanout/livehist.h"
#include "fanout/wire.h"

static const char *const type_names[] = {
	"unknown",
	"hello",
	"welcome",
	"refuse",
	"beat",
	"events",
	"ack",
	"fin",
	"challenge",
	"auth",
	"agg",
};

const char *
lt_wire_type_name(int type)
{
	if (type < 1 || type > LT_WIRE_TYPE_MAX)
		return type_names[0];
	return type_names[type];
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

void
lt_wire_header(unsigned char hdr[LT_WIRE_HEADER], enum lt_wire_type type,
    uint32_t worker, uint64_t seq, size_t len)
{
	hdr[0] = 'L';
	hdr[1] = 'T';
	hdr[2] = LT_WIRE_VERSION;
	hdr[3] = (unsigned char)type;
	put32(hdr + 4, worker);
	put32(hdr + 8, (uint32_t)(seq >> 32));
	put32(hdr + 12, (uint32_t)seq);
	put32(hdr + 16, (uint32_t)len);
}

int
lt_wire_encode(struct lt_buf *out, enum lt_wire_type type, uint32_t worker,
    uint64_t seq, const void *payload, size_t len, struct lt_err *err)
{
	unsigned char hdr[LT_WIRE_HEADER];

	if (len > LT_WIRE_MAX_PAYLOAD)
		return lt_err_set(err, 3,
		    "wire: %s message of %zu bytes is "
		    "over the %u-byte limit",
		    lt_wire_type_name(type), len, LT_WIRE_MAX_PAYLOAD);
	lt_wire_header(hdr, type, worker, seq, len);
	if (lt_buf_add(out, hdr, sizeof(hdr)) != 0 ||
	    (len > 0 && lt_buf_add(out, payload, len) != 0))
		return lt_err_set(err, 3, "wire: out of memory");
	return 0;
}

int
lt_wire_decode(
    const void *p, size_t n, struct lt_wire_msg *m, struct lt_err *err)
{
	const unsigned char *b = p;
	uint32_t len;

	memset(m, 0, sizeof(*m));
	if (n < LT_WIRE_HEADER)
		return lt_err_set(err, 2,
		    "wire: short message (%zu bytes, "
		    "a header is %d)",
		    n, LT_WIRE_HEADER);
	if (b[0] != 'L' || b[1] != 'T')
		return lt_err_set(err, 2,
		    "wire: not an lt-fanout message "
		    "(bad magic)");
	if (b[2] != LT_WIRE_VERSION)
		return lt_err_set(err, 2,
		    "wire: protocol version %d, this "
		    "program speaks version %d",
		    b[2], LT_WIRE_VERSION);
	if (b[3] < 1 || b[3] > LT_WIRE_TYPE_MAX)
		return lt_err_set(
		    err, 2, "wire: unknown message type %d", b[3]);
	len = get32(b + 16);
	if (len > LT_WIRE_MAX_PAYLOAD)
		return lt_err_set(err, 2,
		    "wire: payload of %lu bytes is over "
		    "the %u-byte limit",
		    (unsigned long)len, LT_WIRE_MAX_PAYLOAD);
	if ((size_t)len != n - LT_WIRE_HEADER)
		return lt_err_set(err, 2,
		    "wire: length field says %lu bytes, "
		    "the message has %zu",
		    (unsigned long)len, n - LT_WIRE_HEADER);
	m->version = b[2];
	m->type = (enum lt_wire_type)b[3];
	m->worker = get32(b + 4);
	m->seq = (uint64_t)get32(b + 8) << 32 | get32(b + 12);
	m->payload = (const char *)b + LT_WIRE_HEADER;
	m->len = len;
	if (m->type == LT_WIRE_EVENTS &&
	    lt_wire_count_lines(m->payload, len) < 0)
		return lt_err_set(err, 2,
		    "wire: events payload does not end "
		    "with a newline");
	if (m->type == LT_WIRE_AGG &&
	    lt_fanout_lat_split(m->payload, len, NULL) < 0)
		return lt_err_set(err, 2, "wire: malformed lat line");
	return 0;
}

long
lt_wire_count_lines(const char *p, size_t n)
{
	const char *q = p, *end = p + n;
	long lines = 0;

	if (n == 0)
		return 0;
	if (p[n - 1] != '\n')
		return -1;
	while (q < end && (q = memchr(q, '\n', (size_t)(end - q))) != NULL) {
		lines++;
		q++;
	}
	return lines;
}
