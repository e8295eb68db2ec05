/*
 * target_test.c - unit tests of lt-target's request parser, query helpers,
 * counts and delay distributions (tests/target/).
 *
 * The fixture's sources are not in liblt, so the files under test are
 * included whole; the pipeline test tests/pipe/target.sh covers the rest
 * through real HTTP.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "../target/counts.c"
#include "../target/httpparse.c"
#include "../target/query.c"
#include "../target/rng.c"
#include "../tap.h"

static struct tg_req req;

/* Parses the whole of s as a head; returns the tg_parse result. */
static int
parse(const char *s)
{
	size_t scanned = 0, head_len = 0;

	return tg_parse_head(s, strlen(s), &scanned, &req, &head_len);
}

static int
view_is(struct tg_str v, const char *s)
{
	return tg_str_eq(v, s);
}

static void
test_request_line(void)
{
	TAP_EQ_INT(parse("GET /a/b?x=1&y=2 HTTP/1.1\r\nHost: h\r\n\r\n"),
	    TG_PARSE_OK, "simple GET parses");
	TAP_OK(view_is(req.method, "GET"), "method");
	TAP_OK(view_is(req.path, "/a/b"), "path without the query");
	TAP_OK(view_is(req.query, "x=1&y=2"), "query");
	TAP_EQ_INT(req.minor, 1, "HTTP/1.1");
	TAP_EQ_INT(req.keep_alive, 1, "HTTP/1.1 keeps alive by default");
	TAP_EQ_INT(req.content_length, -1, "no Content-Length");
	TAP_EQ_INT(parse("\r\n\r\nGET / HTTP/1.1\r\n\r\n"), TG_PARSE_OK,
	    "leading empty lines are skipped");
	TAP_EQ_INT(parse("GET / HTTP/1.1\nHost: h\n\n"), TG_PARSE_OK,
	    "bare LF line ends are accepted");
	TAP_EQ_INT(parse("GET http://h:1/p?q HTTP/1.1\r\n\r\n"), TG_PARSE_OK,
	    "absolute-form target");
	TAP_OK(view_is(req.path, "/p") && view_is(req.query, "q"),
	    "absolute-form path and query");
	TAP_EQ_INT(parse("GET / HTTP/1.0\r\n\r\n"), TG_PARSE_OK, "HTTP/1.0");
	TAP_EQ_INT(req.keep_alive, 0, "HTTP/1.0 closes by default");
	parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
	TAP_EQ_INT(req.keep_alive, 1, "HTTP/1.0 with keep-alive");
	parse("GET / HTTP/1.1\r\nConnection: foo, close\r\n\r\n");
	TAP_EQ_INT(req.keep_alive, 0, "Connection: close among tokens");
	parse("HEAD / HTTP/1.1\r\n\r\n");
	TAP_EQ_INT(req.head, 1, "HEAD is noted");
	TAP_EQ_INT(parse("GET / HTTP/2.0\r\n\r\n"), TG_PARSE_VERSION,
	    "HTTP/2.0 is a version error");
	TAP_EQ_INT(parse("GET / HTTP/1.1x\r\n\r\n"), TG_PARSE_BAD,
	    "junk after the version");
	TAP_EQ_INT(
	    parse("GET  / HTTP/1.1\r\n\r\n"), TG_PARSE_BAD, "two spaces");
	TAP_EQ_INT(parse("GET nopath HTTP/1.1\r\n\r\n"), TG_PARSE_BAD,
	    "a target without /");
	TAP_EQ_INT(parse("G(T / HTTP/1.1\r\n\r\n"), TG_PARSE_BAD,
	    "a method with a separator");
	TAP_EQ_INT(parse("\x01\x02\r\n\r\n"), TG_PARSE_BAD, "binary junk");
}

static void
test_headers(void)
{
	char big[TG_HEAD_CAP + 64];
	size_t i, n;

	parse("POST /x HTTP/1.1\r\nContent-Length: 12\r\n"
	      "Cookie: a=1\r\nAuthorization: Bearer t  \r\n\r\n");
	TAP_EQ_INT(req.content_length, 12, "Content-Length");
	TAP_OK(view_is(req.cookie, "a=1"), "Cookie");
	TAP_OK(view_is(req.auth, "Bearer t"), "trailing spaces trimmed");
	TAP_EQ_INT(req.nhdrs, 3, "three headers");
	TAP_OK(view_is(tg_req_header(&req, "COOKIE"), "a=1"),
	    "header lookup ignores case");
	TAP_EQ_INT(parse("POST / HTTP/1.1\r\nContent-Length: 3\r\n"
	                 "Transfer-Encoding: chunked\r\n\r\n"),
	    TG_PARSE_BAD, "Content-Length with chunked");
	TAP_EQ_INT(parse("POST / HTTP/1.1\r\nContent-Length: 3\r\n"
	                 "Content-Length: 4\r\n\r\n"),
	    TG_PARSE_BAD, "differing Content-Length");
	TAP_EQ_INT(parse("POST / HTTP/1.1\r\nContent-Length: 3\r\n"
	                 "Content-Length: 3\r\n\r\n"),
	    TG_PARSE_OK, "repeated equal Content-Length");
	TAP_EQ_INT(parse("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"),
	    TG_PARSE_BAD, "negative Content-Length");
	TAP_EQ_INT(parse("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"),
	    TG_PARSE_UNSUPPORTED, "unknown transfer coding");
	TAP_EQ_INT(parse("GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n"),
	    TG_PARSE_BAD, "obs-fold");
	TAP_EQ_INT(parse("GET / HTTP/1.1\r\nA : b\r\n\r\n"), TG_PARSE_BAD,
	    "space before the colon");
	TAP_EQ_INT(parse("GET / HTTP/1.1\r\nA: b\x01\r\n\r\n"), TG_PARSE_BAD,
	    "control byte in a value");
	n = (size_t)snprintf(big, sizeof(big), "GET / HTTP/1.1\r\n");
	for (i = 0; i <= TG_MAX_HEADERS; i++)
		n += (size_t)snprintf(
		    big + n, sizeof(big) - n, "H%zu: v\r\n", i);
	snprintf(big + n, sizeof(big) - n, "\r\n");
	TAP_EQ_INT(parse(big), TG_PARSE_TOO_BIG, "too many headers");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	TAP_EQ_INT(
	    parse(big), TG_PARSE_TOO_BIG, "an endless head past the cap");
	memcpy(big + sizeof(big) - 5, "\r\n\r\n", 5);
	TAP_EQ_INT(
	    parse(big), TG_PARSE_TOO_BIG, "a complete head past the cap");
}

static void
test_incremental(void)
{
	static const char s[] =
	    "GET /inc HTTP/1.1\r\nHost: h\r\nX: y\r\n\r\nNEXT";
	size_t scanned = 0, head_len = 0, n;
	int rc = TG_PARSE_AGAIN, again = 1;

	for (n = 1; n < sizeof(s) - 4; n++) {
		rc = tg_parse_head(s, n, &scanned, &req, &head_len);
		if (n < sizeof(s) - 5 && rc != TG_PARSE_AGAIN)
			again = 0;
	}
	TAP_OK(again, "every prefix of a head needs more input");
	TAP_EQ_INT(rc, TG_PARSE_OK, "fed byte by byte, the head parses");
	TAP_EQ_INT(head_len, sizeof(s) - 5, "head length stops at the body");
	TAP_OK(view_is(req.path, "/inc"), "path after incremental parse");
}

static void
test_chunked(void)
{
	char s[] = "4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nT: x\r\n\r\nNEXT";
	size_t raw = 0, body = 0, n, whole = strlen(s) - 4;
	int again = 1;

	TAP_EQ_INT(tg_chunked_scan(s, strlen(s), &raw, &body), TG_PARSE_OK,
	    "chunked body with extension and trailer");
	TAP_EQ_INT(raw, whole, "raw length ends after the trailers");
	TAP_EQ_INT(body, 9, "decoded length");
	for (n = 0; n < whole; n++)
		if (tg_chunked_scan(s, n, &raw, &body) != TG_PARSE_AGAIN)
			again = 0;
	TAP_OK(again, "every prefix of a chunked body needs more input");
	n = tg_chunked_decode(s, whole);
	s[n] = '\0';
	TAP_EQ_STR(s, "Wikipedia", "decoded in place");
	TAP_EQ_INT(tg_chunked_scan("zz\r\n", 4, &raw, &body), TG_PARSE_BAD,
	    "bad chunk size");
	TAP_EQ_INT(tg_chunked_scan("3\r\nabcX", 7, &raw, &body), TG_PARSE_BAD,
	    "chunk data not followed by CRLF");
	TAP_EQ_INT(tg_chunked_scan("200000\r\n", 8, &raw, &body),
	    TG_PARSE_TOO_BIG, "a chunk over the body cap");
	TAP_EQ_INT(tg_chunked_scan("ffffffffffffffffff\r\n", 20, &raw, &body),
	    TG_PARSE_BAD, "an overflowing chunk size");
}

static void
test_query(void)
{
	struct tg_str q = {
		"a=1&name=J%C3%B6rg+X&flag&n=12&big=99999999999999999999&f=2.5",
		0
	};
	char out[16];
	uint64_t v;
	double d;

	q.n = strlen(q.p);
	TAP_EQ_INT(tg_query_get(q, "a", out, sizeof(out)), 1, "a=1 length");
	TAP_EQ_STR(out, "1", "a=1");
	tg_query_get(q, "name", out, sizeof(out));
	TAP_EQ_STR(out, "J\xc3\xb6rg X", "percent and + decoding");
	TAP_EQ_INT(tg_query_get(q, "flag", out, sizeof(out)), 0,
	    "a bare flag is empty");
	TAP_EQ_INT(tg_query_get(q, "nam", out, sizeof(out)), -1,
	    "a prefix of a name does not match");
	TAP_EQ_INT(tg_query_get(q, "big", out, 4), -2, "too long for out");
	TAP_EQ_INT(tg_query_u64(q, "n", 5, 100, &v), 0, "n=12 parses");
	TAP_EQ_INT(v, 12, "n=12");
	TAP_EQ_INT(tg_query_u64(q, "absent", 5, 100, &v), 0, "absent");
	TAP_EQ_INT(v, 5, "absent gives the default");
	TAP_EQ_INT(tg_query_u64(q, "n", 5, 10, &v), -1, "over max");
	TAP_EQ_INT(tg_query_u64(q, "big", 5, UINT64_MAX, &v), -1,
	    "20 digits are refused");
	TAP_EQ_INT(tg_query_num(q, "f", 0, 10, &d), 0, "f=2.5 parses");
	TAP_OK(d == 2.5, "f=2.5");
	TAP_EQ_INT(tg_query_num(q, "name", 0, 10, &d), -1, "not a number");
}

static void
test_counts(void)
{
	struct tg_counts c;
	struct lt_buf b;
	char path[32];
	int i;

	tg_counts_init(&c);
	lt_buf_init(&b, 0);
	tg_counts_add(&c, "/b", 2);
	tg_counts_add(&c, "/a", 2);
	tg_counts_add(&c, "/b", 2);
	tg_counts_json(&c, &b);
	TAP_EQ_STR(lt_buf_cstr(&b),
	    "{\"total\":3,\"paths\":{\"/a\":1,\"/b\":2}}",
	    "counts JSON, paths sorted");
	for (i = 0; i < 1000; i++) {
		snprintf(path, sizeof(path), "/items/%d", i);
		tg_counts_add(&c, path, strlen(path));
	}
	tg_counts_add(&c, "/items/999", 10);
	TAP_EQ_INT(c.total, 1004, "total after growth");
	TAP_EQ_INT(c.used, 1002, "distinct paths after growth");
	lt_buf_reset(&b);
	tg_counts_json(&c, &b);
	TAP_OK(strstr(lt_buf_cstr(&b), "\"/items/999\":2") != NULL,
	    "a path counted across table growth");
	lt_buf_fini(&b);
	tg_counts_fini(&c);
}

static void
test_rng(void)
{
	uint64_t s1, s2;
	double a, b, sum = 0, x;
	int i, same = 1, in = 1;

	tg_rng_seed(&s1, 42);
	tg_rng_seed(&s2, 42);
	for (i = 0; i < 100; i++) {
		tg_rng_delay(&s1, "exp", 10, 0, -1, -1, &a);
		tg_rng_delay(&s2, "exp", 10, 0, -1, -1, &b);
		same &= a == b;
	}
	TAP_OK(same, "same seed, same draws");
	tg_rng_seed(&s1, 7);
	for (i = 0; i < 100000; i++) {
		tg_rng_delay(&s1, "exp", 10, 0, -1, -1, &x);
		sum += x;
	}
	TAP_OK(
	    fabs(sum / 100000 - 10) < 0.3, "exp mean 10 (%.3f)", sum / 100000);
	sum = 0;
	for (i = 0; i < 100000; i++) {
		tg_rng_delay(&s1, "normal", 50, 5, -1, -1, &x);
		sum += x;
	}
	TAP_OK(fabs(sum / 100000 - 50) < 0.2, "normal mean 50 (%.3f)",
	    sum / 100000);
	for (i = 0; i < 10000; i++) {
		tg_rng_delay(&s1, "uniform", 0, 0, 3, 4, &x);
		in &= x >= 3 && x <= 4;
		tg_rng_delay(&s1, "normal", 10, 100, 5, 6, &x);
		in &= x >= 5 && x <= 6;
	}
	TAP_OK(in, "uniform and clamped draws stay in bounds");
	TAP_EQ_INT(tg_rng_delay(&s1, "pareto", 1, 1, -1, -1, &x), -1,
	    "unknown distribution");
}

int
main(void)
{
	test_request_line();
	test_headers();
	test_incremental();
	test_chunked();
	test_query();
	test_counts();
	test_rng();
	return tap_done();
}
