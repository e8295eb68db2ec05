/*
 * httpparse.c - HTTP/1.x request head and chunked body parser of lt-target.
 *
 * Hand-written and zero-copy: the head is parsed into views of the input
 * buffer once its end (an empty line) has arrived, so a request costs one
 * pass over its bytes and no allocation.  Strict where laxness invites
 * request smuggling (RFC 9112 section 6.3: Content-Length with
 * Transfer-Encoding, differing duplicate Content-Length, obs-fold are 400),
 * lenient where clients differ (bare LF line ends, leading empty lines).
 */
#include <string.h>
#include <strings.h>

#include "target.h"

/* RFC 9110 5.6.2 tchar: the characters of methods and header names. */
static int
tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-')
		return 1;
	return c != '\0' && strchr("!#$%&'*+.^_`|~", c) != NULL;
}

int
tg_str_ieq(struct tg_str s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n == n && strncasecmp(s.p, lit, n) == 0;
}

int
tg_str_eq(struct tg_str s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n == n && memcmp(s.p, lit, n) == 0;
}

struct tg_str
tg_req_header(const struct tg_req *r, const char *name)
{
	struct tg_str none = { "", 0 };
	int i;

	for (i = 0; i < r->nhdrs; i++)
		if (tg_str_ieq(r->hdrs[i].name, name))
			return r->hdrs[i].value;
	return none;
}

/* Length of the line at p[0..end) without its "\r\n" or "\n". */
static size_t
line_len(const char *p, size_t start, size_t nl)
{
	if (nl > start && p[nl - 1] == '\r')
		return nl - 1 - start;
	return nl - start;
}

/*
 * Finds the end of the head.  Returns the offset just past the empty line,
 * or 0 when it has not arrived; *scanned keeps where the search resumes.
 */
static size_t
find_end(const char *p, size_t len, size_t begin, size_t *scanned)
{
	size_t at = *scanned > begin ? *scanned : begin;
	const char *nl;

	for (;;) {
		nl = memchr(p + at, '\n', len - at);
		if (nl == NULL) {
			*scanned = at;
			return 0;
		}
		if (line_len(p, at, (size_t)(nl - p)) == 0 && at > begin)
			return (size_t)(nl - p) + 1;
		at = (size_t)(nl - p) + 1;
	}
}

/* Splits the request target into path and query. */
static int
parse_target(struct tg_str t, struct tg_req *r)
{
	const char *q, *h;
	size_t i;

	if (t.n > 7 &&
	    (strncasecmp(t.p, "http://", 7) == 0 ||
	        strncasecmp(t.p, "https://", 8) == 0)) {
		i = t.p[4] == ':' ? 7 : 8;
		while (i < t.n && t.p[i] != '/')
			i++;
		if (i == t.n) {
			r->path.p = "/";
			r->path.n = 1;
			r->query.p = "";
			r->query.n = 0;
			return 0;
		}
		t.p += i;
		t.n -= i;
	} else if (!(t.n == 1 && t.p[0] == '*') && t.p[0] != '/') {
		return -1;
	}
	h = memchr(t.p, '#', t.n);
	if (h != NULL)
		t.n = (size_t)(h - t.p);
	q = memchr(t.p, '?', t.n);
	if (q == NULL) {
		r->path = t;
		r->query.p = t.p + t.n;
		r->query.n = 0;
	} else {
		r->path.p = t.p;
		r->path.n = (size_t)(q - t.p);
		r->query.p = q + 1;
		r->query.n = t.n - r->path.n - 1;
	}
	return 0;
}

/* Parses "METHOD SP target SP HTTP/1.x" of length n. */
static int
parse_request_line(const char *p, size_t n, struct tg_req *r)
{
	size_t i = 0, t0;
	struct tg_str t;

	while (i < n && tchar((unsigned char)p[i]))
		i++;
	if (i == 0 || i >= n || p[i] != ' ')
		return TG_PARSE_BAD;
	r->method.p = p;
	r->method.n = i;
	t0 = ++i;
	while (
	    i < n && (unsigned char)p[i] > 0x20 && (unsigned char)p[i] < 0x7f)
		i++;
	if (i == t0 || i >= n || p[i] != ' ')
		return TG_PARSE_BAD;
	t.p = p + t0;
	t.n = i - t0;
	i++;
	if (n - i != 8 || memcmp(p + i, "HTTP/", 5) != 0 || p[i + 6] != '.' ||
	    p[i + 5] < '0' || p[i + 5] > '9' || p[i + 7] < '0' ||
	    p[i + 7] > '9')
		return TG_PARSE_BAD;
	if (p[i + 5] != '1')
		return TG_PARSE_VERSION;
	r->minor = p[i + 7] == '0' ? 0 : 1;
	if (parse_target(t, r) != 0)
		return TG_PARSE_BAD;
	return TG_PARSE_OK;
}

/* Applies the tokens of a Connection header to r->keep_alive. */
static void
connection_tokens(struct tg_str v, struct tg_req *r)
{
	size_t i = 0, s;
	struct tg_str tok;

	while (i < v.n) {
		while (i < v.n &&
		    (v.p[i] == ' ' || v.p[i] == '\t' || v.p[i] == ','))
			i++;
		s = i;
		while (
		    i < v.n && v.p[i] != ',' && v.p[i] != ' ' && v.p[i] != '\t')
			i++;
		tok.p = v.p + s;
		tok.n = i - s;
		if (tg_str_ieq(tok, "close"))
			r->keep_alive = 0;
		else if (tg_str_ieq(tok, "keep-alive") && r->minor == 0)
			r->keep_alive = 1;
	}
}

/* Interprets the headers the server itself acts on. */
static int
known_header(struct tg_req *r, const struct tg_hdr *h, int *conn_seen)
{
	uint64_t cl;

	switch (h->name.n) {
	case 6:
		if (tg_str_ieq(h->name, "cookie"))
			r->cookie = h->value;
		else if (tg_str_ieq(h->name, "expect") &&
		    tg_str_ieq(h->value, "100-continue"))
			r->expect_continue = 1;
		break;
	case 10:
		if (tg_str_ieq(h->name, "connection"))
			*conn_seen = 1;
		break;
	case 12:
		if (tg_str_ieq(h->name, "content-type"))
			r->ctype = h->value;
		break;
	case 13:
		if (tg_str_ieq(h->name, "authorization"))
			r->auth = h->value;
		break;
	case 14:
		if (!tg_str_ieq(h->name, "content-length"))
			break;
		if (tg_parse_u64(h->value, (uint64_t)1 << 62, &cl) != 0)
			return TG_PARSE_BAD;
		if (r->content_length >= 0 && (uint64_t)r->content_length != cl)
			return TG_PARSE_BAD;
		r->content_length = (int64_t)cl;
		break;
	case 17:
		if (!tg_str_ieq(h->name, "transfer-encoding"))
			break;
		if (!tg_str_ieq(h->value, "chunked") || r->chunked)
			return TG_PARSE_UNSUPPORTED;
		r->chunked = 1;
		break;
	}
	return TG_PARSE_OK;
}

/* Parses one header line of length n into h. */
static int
parse_header(const char *p, size_t n, struct tg_hdr *h)
{
	size_t i = 0, e;

	while (i < n && tchar((unsigned char)p[i]))
		i++;
	if (i == 0 || i >= n || p[i] != ':')
		return TG_PARSE_BAD;
	h->name.p = p;
	h->name.n = i;
	i++;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	e = n;
	while (e > i && (p[e - 1] == ' ' || p[e - 1] == '\t'))
		e--;
	h->value.p = p + i;
	h->value.n = e - i;
	for (; i < e; i++) {
		unsigned char ch = (unsigned char)p[i];
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return TG_PARSE_BAD;
	}
	return TG_PARSE_OK;
}

static void
req_clear(struct tg_req *r)
{
	static const struct tg_str empty = { "", 0 };

	r->keep_alive = 0;
	r->head = 0;
	r->chunked = 0;
	r->expect_continue = 0;
	r->content_length = -1;
	r->nhdrs = 0;
	r->cookie = empty;
	r->auth = empty;
	r->ctype = empty;
	r->body = "";
	r->body_len = 0;
}

/* Parses the lines of a complete head p[begin..end). */
static int
parse_lines(const char *p, size_t begin, size_t end, struct tg_req *r)
{
	size_t at = begin, nl, n;
	int rc, first = 1, conn_seen = 0, ci = -1;
	struct tg_hdr *h;

	for (;;) {
		nl = (size_t)((const char *)memchr(p + at, '\n', end - at) - p);
		n = line_len(p, at, nl);
		if (n == 0)
			break;
		if (first) {
			rc = parse_request_line(p + at, n, r);
			if (rc != TG_PARSE_OK)
				return rc;
			r->keep_alive = r->minor == 1;
			first = 0;
		} else {
			if (r->nhdrs == TG_MAX_HEADERS)
				return TG_PARSE_TOO_BIG;
			h = &r->hdrs[r->nhdrs];
			rc = parse_header(p + at, n, h);
			if (rc == TG_PARSE_OK)
				rc = known_header(r, h, &conn_seen);
			if (rc != TG_PARSE_OK)
				return rc;
			if (conn_seen && ci < 0)
				ci = r->nhdrs;
			r->nhdrs++;
		}
		at = nl + 1;
	}
	if (ci >= 0)
		connection_tokens(r->hdrs[ci].value, r);
	return TG_PARSE_OK;
}

int
tg_parse_head(const char *p, size_t len, size_t *scanned, struct tg_req *r,
    size_t *head_len)
{
	size_t begin = 0, end;
	int rc;

	/* RFC 9112 2.2: ignore empty lines before the request line. */
	while (begin < len && (p[begin] == '\r' || p[begin] == '\n')) {
		if (p[begin] == '\r' && begin + 1 < len && p[begin + 1] != '\n')
			return TG_PARSE_BAD;
		begin++;
	}
	end = find_end(p, len, begin, scanned);
	if (end == 0)
		return len > TG_HEAD_CAP ? TG_PARSE_TOO_BIG : TG_PARSE_AGAIN;
	if (end > TG_HEAD_CAP)
		return TG_PARSE_TOO_BIG;
	req_clear(r);
	rc = parse_lines(p, begin, end, r);
	if (rc != TG_PARSE_OK)
		return rc;
	if (r->chunked && r->content_length >= 0)
		return TG_PARSE_BAD;
	r->head = tg_str_eq(r->method, "HEAD");
	if (r->expect_continue && r->minor == 0)
		r->expect_continue = 0;
	*head_len = end;
	return TG_PARSE_OK;
}

int
tg_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Reads a chunk-size line at p[*at..len): size, optional extensions, line
 * end.  Returns TG_PARSE_OK, TG_PARSE_AGAIN or TG_PARSE_BAD.
 */
static int
chunk_size_line(const char *p, size_t len, size_t *at, uint64_t *size)
{
	size_t i = *at, digits = 0;
	const char *nl;
	int v;

	*size = 0;
	for (; i < len; i++) {
		v = tg_hexval((unsigned char)p[i]);
		if (v < 0)
			break;
		if (++digits > 15)
			return TG_PARSE_BAD;
		*size = *size * 16 + (uint64_t)v;
	}
	if (i == len)
		return TG_PARSE_AGAIN;
	if (digits == 0)
		return TG_PARSE_BAD;
	if (p[i] != '\r' && p[i] != '\n' && p[i] != ';' && p[i] != ' ' &&
	    p[i] != '\t')
		return TG_PARSE_BAD;
	nl = memchr(p + i, '\n', len - i);
	if (nl == NULL)
		return len - *at > 1024 ? TG_PARSE_BAD : TG_PARSE_AGAIN;
	if ((size_t)(nl - p) - *at > 1024)
		return TG_PARSE_BAD;
	*at = (size_t)(nl - p) + 1;
	return TG_PARSE_OK;
}

/* Reads the "\r\n" (or "\n") that ends chunk data at p[*at..len). */
static int
chunk_data_end(const char *p, size_t len, size_t *at)
{
	size_t i = *at;

	if (i < len && p[i] == '\r')
		i++;
	if (i >= len)
		return TG_PARSE_AGAIN;
	if (p[i] != '\n')
		return TG_PARSE_BAD;
	*at = i + 1;
	return TG_PARSE_OK;
}

/* Skips the trailer section; returns TG_PARSE_OK at its empty line. */
static int
trailers(const char *p, size_t len, size_t *at)
{
	const char *nl;
	size_t start;

	for (;;) {
		start = *at;
		nl = memchr(p + start, '\n', len - start);
		if (nl == NULL)
			return len - start > TG_HEAD_CAP ? TG_PARSE_BAD
			                                 : TG_PARSE_AGAIN;
		*at = (size_t)(nl - p) + 1;
		if (line_len(p, start, (size_t)(nl - p)) == 0)
			return TG_PARSE_OK;
	}
}

int
tg_chunked_scan(const char *p, size_t len, size_t *raw_len, size_t *body_len)
{
	size_t at = 0, total = 0;
	uint64_t size;
	int rc;

	for (;;) {
		rc = chunk_size_line(p, len, &at, &size);
		if (rc != TG_PARSE_OK)
			return rc;
		if (size > TG_BODY_CAP || total + size > TG_BODY_CAP)
			return TG_PARSE_TOO_BIG;
		if (size == 0)
			break;
		if (len - at < size)
			return TG_PARSE_AGAIN;
		at += size;
		total += size;
		rc = chunk_data_end(p, len, &at);
		if (rc != TG_PARSE_OK)
			return rc;
		/* Tiny chunks must not make the raw body unbounded. */
		if (at > 2 * (size_t)TG_BODY_CAP + 4096)
			return TG_PARSE_TOO_BIG;
	}
	rc = trailers(p, len, &at);
	if (rc != TG_PARSE_OK)
		return rc;
	*raw_len = at;
	*body_len = total;
	return TG_PARSE_OK;
}

size_t
tg_chunked_decode(char *p, size_t raw_len)
{
	size_t at = 0, out = 0;
	uint64_t size;

	for (;;) {
		if (chunk_size_line(p, raw_len, &at, &size) != TG_PARSE_OK ||
		    size == 0)
			break;
		memmove(p + out, p + at, size);
		out += size;
		at += size;
		if (chunk_data_end(p, raw_len, &at) != TG_PARSE_OK)
			break;
	}
	return out;
}
