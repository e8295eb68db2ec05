/*
 * reply.c - response framing of lt-target: status line, the few headers
 * the fixture sends, and the body, appended to the connection's output
 * buffer.  Numbers are formatted by hand and the common status lines are
 * constants, so a small answer is a handful of memcpy calls.
 */
#include <string.h>

#include "target.h"

static const struct {
	int code;
	const char *text;
} reasons[] = {
	{ 100, "Continue" },
	{ 200, "OK" },
	{ 201, "Created" },
	{ 202, "Accepted" },
	{ 204, "No Content" },
	{ 206, "Partial Content" },
	{ 301, "Moved Permanently" },
	{ 302, "Found" },
	{ 303, "See Other" },
	{ 304, "Not Modified" },
	{ 307, "Temporary Redirect" },
	{ 308, "Permanent Redirect" },
	{ 400, "Bad Request" },
	{ 401, "Unauthorized" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 408, "Request Timeout" },
	{ 409, "Conflict" },
	{ 410, "Gone" },
	{ 413, "Content Too Large" },
	{ 415, "Unsupported Media Type" },
	{ 418, "I'm a teapot" },
	{ 422, "Unprocessable Content" },
	{ 429, "Too Many Requests" },
	{ 431, "Request Header Fields Too Large" },
	{ 500, "Internal Server Error" },
	{ 501, "Not Implemented" },
	{ 502, "Bad Gateway" },
	{ 503, "Service Unavailable" },
	{ 504, "Gateway Timeout" },
	{ 505, "HTTP Version Not Supported" },
};

const char *
tg_status_text(int status)
{
	size_t i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == status)
			return reasons[i].text;
	return "Status";
}

/* Appends the decimal v. */
static int
add_u64(struct lt_buf *b, uint64_t v)
{
	char tmp[24];
	int i = (int)sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	return lt_buf_add(b, tmp + i, sizeof(tmp) - (size_t)i);
}

static int
add_status_line(struct lt_buf *b, int status)
{
	if (status == 200)
		return lt_buf_add(b, "HTTP/1.1 200 OK\r\n", 17);
	return lt_buf_add(b, "HTTP/1.1 ", 9) | add_u64(b, (uint64_t)status) |
	    lt_buf_addc(b, ' ') | lt_buf_adds(b, tg_status_text(status)) |
	    lt_buf_add(b, "\r\n", 2);
}

/* RFC 9110 6.4.1: 1xx, 204 and 304 answers have no body. */
static int
no_body(int status)
{
	return status < 200 || status == 204 || status == 304;
}

/* Appends the head up to, not including, its final empty line. */
static int
add_head(struct tg_conn *c, int keep_alive, int minor, int status,
    const char *ctype, const char *extra)
{
	struct lt_buf *o = tg_conn_out(c);
	int rc;

	rc = add_status_line(o, status);
	if (ctype != NULL && !no_body(status))
		rc |= lt_buf_add(o, "Content-Type: ", 14) |
		    lt_buf_adds(o, ctype) | lt_buf_add(o, "\r\n", 2);
	if (!keep_alive) {
		rc |= lt_buf_add(o, "Connection: close\r\n", 19);
		tg_conn_close_after(c);
	} else if (minor == 0) {
		rc |= lt_buf_add(o, "Connection: keep-alive\r\n", 24);
	}
	if (extra != NULL)
		rc |= lt_buf_adds(o, extra);
	return rc;
}

void
tg_reply(struct tg_conn *c, const struct tg_req *r, int status,
    const char *ctype, const char *extra, const char *body, size_t len)
{
	struct lt_buf *o = tg_conn_out(c);
	int rc;

	rc = add_head(c, r->keep_alive, r->minor, status, ctype, extra);
	if (!no_body(status))
		rc |= lt_buf_add(o, "Content-Length: ", 16) | add_u64(o, len) |
		    lt_buf_add(o, "\r\n", 2);
	rc |= lt_buf_add(o, "\r\n", 2);
	if (!r->head && !no_body(status))
		rc |= lt_buf_add(o, body, len);
	if (rc != 0)
		tg_conn_fail(c);
}

void
tg_reply_str(struct tg_conn *c, const struct tg_req *r, int status,
    const char *ctype, const char *extra, const char *body)
{
	tg_reply(c, r, status, ctype, extra, body, strlen(body));
}

void
tg_reply_json(
    struct tg_conn *c, const struct tg_req *r, int status, const char *extra)
{
	struct lt_buf *b = &tg_conn_server(c)->scratch;

	tg_reply(c, r, status, "application/json", extra, b->data, b->len);
}

int
tg_reply_head(struct tg_conn *c, const struct tg_req *r, int status,
    const char *ctype, const char *extra, int64_t length)
{
	struct lt_buf *o = tg_conn_out(c);
	int rc, chunked = 0, keep_alive = r->keep_alive;

	/* HTTP/1.0 has no chunked coding: the body ends at close. */
	if (length < 0 && r->minor == 0)
		keep_alive = 0;
	rc = add_head(c, keep_alive, r->minor, status, ctype, extra);
	if (length >= 0) {
		rc |= lt_buf_add(o, "Content-Length: ", 16) |
		    add_u64(o, (uint64_t)length) | lt_buf_add(o, "\r\n", 2);
	} else if (r->minor == 1) {
		rc |= lt_buf_add(o, "Transfer-Encoding: chunked\r\n", 28);
		chunked = 1;
	}
	rc |= lt_buf_add(o, "\r\n", 2);
	if (rc != 0)
		tg_conn_fail(c);
	return r->head ? -1 : chunked;
}
