/*
 * evscan_test.c - unit tests of the event scanner (lib/core/evscan.c): every
 * field, key orders, whitespace, escapes and Unicode, the number forms jq
 * writes, nulls, unknown nested values, malformed input with its column
 * message, and a round trip through the JSON writer (lib/core/jsonw.c).
 *
 * Lines are copied into exactly-sized heap blocks before parsing, so an
 * ASan build catches any read past the end (lines are not NUL-terminated).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/evscan.h"
#include "core/jsonw.h"
#include "../tap.h"

static struct lt_evscan *sc;
static struct lt_event ev;
static struct lt_err err;
static char *held;

/* Parses s[0..len) from an exact-size copy; returns the parse status. */
static int
parse_n(const char *s, size_t len)
{
	free(held);
	held = malloc(len ? len : 1);
	if (held == NULL)
		abort();
	memcpy(held, s, len);
	lt_err_clear(&err);
	return lt_evscan_parse(sc, held, len, &ev, &err);
}

static int
parse(const char *s)
{
	return parse_n(s, strlen(s));
}

/* The view as a NUL-terminated string (static storage), "(null)" if NULL. */
static const char *
sv(struct lt_sv v)
{
	static char out[4][512];
	static int i;
	char *o = out[i++ % 4];

	if (v.ptr == NULL)
		return "(null)";
	snprintf(o, 512, "%.*s", (int)v.len, v.ptr);
	return o;
}

/* Checks that s parses (1) or fails with exactly msg. */
static void
bad(const char *s, const char *msg)
{
	int rc = parse(s);

	if (!TAP_OK(rc == -1 && strcmp(err.msg, msg) == 0 &&
	            err.code == LT_EXIT_USAGE,
	        "rejects %s", s))
		printf(
		    "#   rc %d, got \"%s\", want \"%s\"\n", rc, err.msg, msg);
}

/* Checks that the ts of s is want (microseconds). */
static void
ts_is(const char *num, int64_t want)
{
	char line[256];

	snprintf(line, sizeof(line), "{\"type\":\"x\",\"ts\":%s}", num);
	if (!TAP_OK(parse(line) == 0 && ev.ts_us == want, "ts %s -> %lld us",
	        num, (long long)want))
		printf("#   got %lld (%s)\n", (long long)ev.ts_us, err.msg);
}

static void
lat_is(const char *num, int64_t want)
{
	char line[256];

	snprintf(line, sizeof(line),
	    "{\"type\":\"req\",\"ts\":1,\"name\":\"n\",\"latency_ms\":%s}",
	    num);
	if (!TAP_OK(parse(line) == 0 && ev.latency_us == want,
	        "latency_ms %s -> %lld us", num, (long long)want))
		printf(
		    "#   got %lld (%s)\n", (long long)ev.latency_us, err.msg);
}

static void
test_req(void)
{
	const char *l =
	    "{\"type\":\"req\",\"ts\":1764400000.123456,"
	    "\"name\":\"/items/{id}\",\"method\":\"GET\","
	    "\"url\":\"http://127.0.0.1:8080/items/7\",\"status\":200,"
	    "\"ok\":true,\"error\":null,\"latency_ms\":1.234,"
	    "\"ttfb_ms\":1.100,\"connect_ms\":0.000,\"bytes\":512,"
	    "\"bytes_sent\":97,\"user\":3,\"class\":\"Browser\",\"wait_ms\":12."
	    "5,"
	    "\"tags\":[\"a\",\"b\"],\"new_conn\":true,"
	    "\"first_event_ms\":3.5,\"events\":4,\"exit\":0}";

	TAP_EQ_INT(parse(l), 0, "req parses");
	TAP_EQ_INT(ev.type, LT_EV_REQ, "type req");
	TAP_EQ_STR(sv(ev.type_name), "req", "type_name");
	TAP_EQ_INT(ev.ts_us, 1764400000123456LL, "ts");
	TAP_EQ_STR(sv(ev.name), "/items/{id}", "name");
	TAP_EQ_STR(sv(ev.method), "GET", "method");
	TAP_EQ_STR(sv(ev.url), "http://127.0.0.1:8080/items/7", "url");
	TAP_EQ_INT(ev.status, 200, "status");
	TAP_EQ_INT(ev.ok, 1, "ok");
	TAP_OK(ev.error.ptr == NULL, "error null");
	TAP_EQ_INT(ev.latency_us, 1234, "latency_us");
	TAP_EQ_INT(ev.ttfb_us, 1100, "ttfb_us");
	TAP_EQ_INT(ev.connect_us, 0, "connect_us");
	TAP_EQ_INT(ev.wait_us, 12500, "wait_us");
	TAP_EQ_INT(ev.bytes, 512, "bytes");
	TAP_EQ_INT(ev.bytes_sent, 97, "bytes_sent");
	TAP_EQ_INT(ev.user, 3, "user");
	TAP_EQ_STR(sv(ev.class_name), "Browser", "class");
	TAP_EQ_INT(ev.count, LT_EV_ABSENT, "count absent");
	TAP_OK(
	    ev.classes.ptr == NULL && ev.options.ptr == NULL, "objects absent");

	TAP_EQ_INT(
	    parse("{\"ok\":false,\"error\":\"connect: refused\","
	          "\"ts\":5,\"status\":0,\"name\":\"x\",\"type\":\"req\"}"),
	    0, "req in another key order");
	TAP_EQ_INT(ev.ok, 0, "ok false");
	TAP_EQ_STR(sv(ev.error), "connect: refused", "error string");
	TAP_EQ_INT(ev.status, 0, "status 0");
	TAP_EQ_INT(ev.ts_us, 5000000, "integer ts");
	TAP_EQ_STR(sv(ev.method), "", "missing method is an empty view");
	TAP_OK(ev.method.ptr != NULL, "missing method view not NULL");
	TAP_EQ_INT(ev.latency_us, LT_EV_ABSENT, "latency absent");
	TAP_EQ_INT(ev.ok == 0 && ev.bytes == LT_EV_ABSENT &&
	        ev.user == LT_EV_ABSENT && ev.wait_us == LT_EV_ABSENT,
	    1, "absent numbers");

	TAP_EQ_INT(parse("  { \"type\" : \"req\" ,\t\"ts\" :\r 1.5 , "
	                 "\"name\"\t:\"a b\" , \"method\" : null }  \r"),
	    0, "whitespace everywhere");
	TAP_EQ_INT(ev.ts_us, 1500000, "ts with spaces");
	TAP_EQ_STR(sv(ev.name), "a b", "name with spaces");
	TAP_EQ_STR(sv(ev.method), "", "null method is an empty view");

	TAP_EQ_INT(parse("{\"type\":\"req\",\"ts\":1,\"name\":\"a\","
	                 "\"name\":\"b\",\"status\":1,\"status\":2}"),
	    0, "duplicate keys");
	TAP_EQ_STR(sv(ev.name), "b", "duplicate: last name wins");
	TAP_EQ_INT(ev.status, 2, "duplicate: last status wins");
	TAP_EQ_INT(
	    parse("{\"type\":\"req\",\"ts\":1,\"name\":\"a\","
	          "\"status\":200,\"status\":null,\"ok\":true,\"ok\":null,"
	          "\"class\":\"C\",\"class\":null}"),
	    0, "null after a value");
	TAP_EQ_INT(ev.status, LT_EV_ABSENT, "null status absent again");
	TAP_EQ_INT(ev.ok, -1, "null ok absent");
	TAP_OK(ev.class_name.ptr == NULL, "null class");
}

static void
test_other_types(void)
{
	TAP_EQ_INT(parse("{\"type\":\"users\",\"ts\":2,\"count\":10,"
	                 "\"classes\":{\"Browser\":7,\"Buyer\":3}}"),
	    0, "users parses");
	TAP_EQ_INT(ev.type, LT_EV_USERS, "type users");
	TAP_EQ_INT(ev.count, 10, "count");
	TAP_EQ_STR(
	    sv(ev.classes), "{\"Browser\":7,\"Buyer\":3}", "classes raw text");

	TAP_EQ_INT(parse("{\"type\":\"run\",\"ts\":3,\"phase\":\"start\","
	                 "\"lt_version\":\"0.1.0\",\"host\":\"http://h\","
	                 "\"scenario\":\"s.lt\",\"options\":{\"users\":10,"
	                 "\"nested\":{\"a\":[1,{\"b\":null}]},\"s\":\"}\"} }"),
	    0, "run start parses");
	TAP_EQ_INT(ev.type, LT_EV_RUN, "type run");
	TAP_EQ_STR(sv(ev.phase), "start", "phase");
	TAP_EQ_STR(sv(ev.host), "http://h", "host");
	TAP_EQ_STR(sv(ev.scenario), "s.lt", "scenario");
	TAP_EQ_STR(sv(ev.options),
	    "{\"users\":10,\"nested\":{\"a\":[1,{\"b\":null}]},\"s\":\"}\"}",
	    "options raw text with nesting and a brace in a string");

	TAP_EQ_INT(parse("{\"type\":\"run\",\"ts\":4,\"phase\":\"end\","
	                 "\"reason\":\"signal\",\"requests\":1234}"),
	    0, "run end parses");
	TAP_EQ_STR(sv(ev.reason), "signal", "reason");

	TAP_EQ_INT(parse("{\"type\":\"worker\",\"ts\":5,\"worker\":\"w1\","
	                 "\"state\":\"joined\"}"),
	    0, "worker parses");
	TAP_EQ_INT(ev.type, LT_EV_WORKER, "type worker");
	TAP_EQ_STR(sv(ev.worker), "w1", "worker");
	TAP_EQ_STR(sv(ev.state), "joined", "state");

	TAP_EQ_INT(parse("{\"type\":\"drop\",\"ts\":6,\"count\":3}"), 0,
	    "drop parses");
	TAP_EQ_INT(ev.type, LT_EV_DROP, "type drop");
	TAP_EQ_INT(ev.count, 3, "drop count");

	TAP_EQ_INT(parse("{\"type\":\"gauge\",\"ts\":7,\"value\":[1,2]}"), 0,
	    "unknown type is not an error");
	TAP_EQ_INT(ev.type, LT_EV_UNKNOWN, "type unknown");
	TAP_EQ_STR(sv(ev.type_name), "gauge", "unknown type name kept");
	TAP_EQ_INT(parse("{\"type\":\"gauge\",\"ts\":7}"), 0,
	    "unknown type needs no name");
	TAP_EQ_INT(parse("{\"type\":\"REQ\",\"ts\":7}"), 0,
	    "type names are case-sensitive");
	TAP_EQ_INT(ev.type, LT_EV_UNKNOWN, "REQ is unknown");
	TAP_EQ_INT(parse("{\"type\":\"users\",\"ts\":2,\"classes\":null}"), 0,
	    "null classes");
	TAP_OK(ev.classes.ptr == NULL, "null classes absent");
}

static void
test_strings(void)
{
	TAP_EQ_INT(parse("{\"type\":\"req\",\"ts\":1,\"name\":"
	                 "\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"}"),
	    0, "all short escapes");
	TAP_EQ_STR(sv(ev.name), "a\"b\\c/d\be\ff\ng\rh\ti", "escapes decoded");
	TAP_EQ_INT(
	    parse("{\"type\":\"req\",\"ts\":1,\"name\":"
	          "\"caf\\u00e9 \\u20AC \\u0041\",\"url\":\"u\\u002f\"}"),
	    0, "BMP \\u escapes");
	TAP_EQ_STR(sv(ev.name), "caf\xc3\xa9 \xe2\x82\xac A", "BMP decoded");
	TAP_EQ_STR(sv(ev.url), "u/", "second escaped string");
	TAP_EQ_INT(parse("{\"type\":\"req\",\"ts\":1,\"name\":"
	                 "\"\\ud83d\\ude00!\"}"),
	    0, "surrogate pair");
	TAP_EQ_STR(sv(ev.name), "\xf0\x9f\x98\x80!", "pair -> 4-byte UTF-8");
	TAP_EQ_INT(parse("{\"type\":\"req\",\"ts\":1,\"name\":"
	                 "\"a\\ud83dz\\ude00\\ud83d\\u0041\\udbff\"}"),
	    0, "lone surrogates");
	TAP_EQ_STR(sv(ev.name),
	    "a\xef\xbf\xbdz\xef\xbf\xbd\xef\xbf\xbd"
	    "A\xef\xbf\xbd",
	    "lone surrogates -> U+FFFD");
	TAP_EQ_INT(
	    parse_n("{\"type\":\"req\",\"ts\":1,\"name\":\"a\\u0000b\"}", 39),
	    0, "\\u0000");
	TAP_OK(ev.name.len == 3 && memcmp(ev.name.ptr, "a\0b", 3) == 0,
	    "\\u0000 decodes to a NUL inside the view");
	TAP_EQ_INT(parse("{\"type\":\"req\",\"ts\":1,\"name\":\"caf\xc3\xa9\","
	                 "\"url\":\"\xff\xfe\"}"),
	    0, "raw UTF-8 and invalid bytes pass");
	TAP_EQ_STR(sv(ev.name), "caf\xc3\xa9", "raw UTF-8 view");
	TAP_EQ_STR(sv(ev.url), "\xff\xfe", "invalid UTF-8 passed through");
	TAP_EQ_INT(parse("{\"\\u0074ype\":\"req\",\"t\\u0073\":1,"
	                 "\"name\":\"\"}"),
	    0, "escaped keys");
	TAP_EQ_INT(ev.type, LT_EV_REQ, "escaped key matched");
	TAP_EQ_STR(sv(ev.name), "", "empty name");
	TAP_OK(ev.name.ptr != NULL, "empty name is not null");
	TAP_EQ_INT(parse("{\"type\":\"req\",\"ts\":1,\"name\":\"n\","
	                 "\"x\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\uABCD\"}"),
	    0, "escapes in skipped strings");
	bad("{\"type\":\"req\",\"ts\":1,\"name\":\"a\tb\"}",
	    "col 31: control character in string");
	bad("{\"type\":\"req\",\"ts\":1,\"name\":\"a\\qb\"}",
	    "col 31: invalid escape in string");
	bad("{\"type\":\"req\",\"ts\":1,\"name\":\"a\\u12g4\"}",
	    "col 31: invalid \\u escape in string");
	bad("{\"type\":\"req\",\"ts\":1,\"name\":\"a\\u12\"}",
	    "col 31: invalid \\u escape in string");
	bad("{\"type\":\"req\",\"ts\":1,\"name\":\"a\\",
	    "col 29: unterminated string");
	bad("{\"type\":\"req\",\"ts\":1,\"name\":\"abc",
	    "col 29: unterminated string");
	bad("{\"type\":\"req\",\"ts\":1,\"x\":\"a\\x\"}",
	    "col 28: invalid escape in string");
	bad("{\"type\":\"req\",\"ts\":1,\"x\":\"a\x01\"}",
	    "col 28: control character in string");
	bad("{\"type\":\"req\",\"ts\":1,\"x\":\"a\\u00\"}",
	    "col 28: invalid \\u escape in string");
	bad("{\"type\":\"req\",\"ts\":1,\"x\":\"a\\",
	    "col 26: unterminated string");
}

static void
test_numbers(void)
{
	ts_is("1764400000.123456", 1764400000123456LL);
	ts_is("1764400000.1234565", 1764400000123457LL);
	ts_is("1764400000.1234564999", 1764400000123456LL);
	ts_is("-1.0000005", -1000001);
	ts_is("-1.0000004", -1000000);
	ts_is("0", 0);
	ts_is("-0", 0);
	ts_is("-0.0", 0);
	ts_is("1e-05", 10);
	ts_is("1E3", 1000000000);
	ts_is("1e+3", 1000000000);
	ts_is("1.7644e9", 1764400000000000LL);
	ts_is("12.300", 12300000);
	ts_is("0.0000005", 1);
	ts_is("0.0000004", 0);
	ts_is("5e-7", 1);
	ts_is("5e-8", 0);
	ts_is("0e999999999999", 0);
	ts_is("0.000e99999", 0);
	ts_is("123456789e-99999999999", 0);
	ts_is("9223372036854.775807", INT64_MAX);
	lat_is("1.234", 1234);
	lat_is("0.00001", 0);
	lat_is("1e-05", 0);
	lat_is("0.0005", 1);
	lat_is("-0.0005", -1);
	lat_is("0.00049999", 0);
	lat_is("12.3", 12300);
	lat_is("1.5E2", 150000);
	lat_is("1000", 1000000);
	lat_is("2.0004999e3", 2000500);
	lat_is("null", LT_EV_ABSENT);

	TAP_EQ_INT(parse("{\"type\":\"req\",\"ts\":1,\"name\":\"n\","
	                 "\"status\":2e2,\"bytes\":1.0,\"user\":-5,"
	                 "\"count\":1.20e1}"),
	    0, "integral numbers in other forms");
	TAP_EQ_INT(ev.status, 200, "status 2e2");
	TAP_EQ_INT(ev.bytes, 1, "bytes 1.0");
	TAP_EQ_INT(ev.user, -5, "user -5");
	TAP_EQ_INT(ev.count, 12, "count 1.20e1");
	TAP_EQ_INT(parse("{\"type\":\"req\",\"ts\":1,\"name\":\"n\","
	                 "\"bytes\":9223372036854775807}"),
	    0, "INT64_MAX bytes");
	TAP_EQ_INT(ev.bytes, INT64_MAX, "INT64_MAX value");

	bad("{\"type\":\"x\",\"ts\":1,\"bytes\":9223372036854775808}",
	    "col 28: \"bytes\": number out of range");
	bad("{\"type\":\"x\",\"ts\":1,\"bytes\":-9223372036854775808}",
	    "col 28: \"bytes\": number out of range");
	bad("{\"type\":\"x\",\"ts\":1,\"bytes\":"
	    "99999999999999999999999999999999999999999999999999}",
	    "col 28: \"bytes\": number out of range");
	bad("{\"type\":\"x\",\"ts\":1,\"bytes\":1e19}",
	    "col 28: \"bytes\": number out of range");
	bad("{\"type\":\"x\",\"ts\":1,\"bytes\":1e999999999999}",
	    "col 28: \"bytes\": number out of range");
	bad("{\"type\":\"x\",\"ts\":9223372036855}",
	    "col 18: \"ts\": number out of range");
	bad("{\"type\":\"x\",\"ts\":1,\"status\":200.5}",
	    "col 29: \"status\": expected an integer");
	bad("{\"type\":\"x\",\"ts\":1,\"status\":1e-1}",
	    "col 29: \"status\": expected an integer");
	bad("{\"type\":\"x\",\"ts\":1,\"status\":\"200\"}",
	    "col 29: \"status\": expected a number");
	bad("{\"type\":\"x\",\"ts\":1,\"status\":true}",
	    "col 29: \"status\": expected a number");
	bad("{\"type\":\"x\",\"ts\":01}", "col 19: expected ',' or '}'");
	bad("{\"type\":\"x\",\"ts\":1.}",
	    "col 20: invalid number: digit expected");
	bad("{\"type\":\"x\",\"ts\":.5}", "col 18: \"ts\": expected a number");
	bad("{\"type\":\"x\",\"ts\":-}", "col 18: invalid number");
	bad("{\"type\":\"x\",\"ts\":1e}",
	    "col 20: invalid number: digit expected");
	bad("{\"type\":\"x\",\"ts\":1e+}",
	    "col 21: invalid number: digit expected");
	bad("{\"type\":\"x\",\"ts\":+1}", "col 18: \"ts\": expected a number");
	bad("{\"type\":\"x\",\"ts\":1,\"u\":-x}", "col 24: invalid number");
	bad("{\"type\":\"x\",\"ts\":1,\"u\":1.e5}",
	    "col 26: invalid number: digit expected");
	bad("{\"type\":\"x\",\"ts\":NaN}", "col 18: \"ts\": expected a number");
	bad("{\"type\":\"x\",\"ts\":1,\"u\":Infinity}",
	    "col 24: expected a value");
}

static void
test_skip(void)
{
	char deep[400], *p = deep;
	int i;

	TAP_EQ_INT(parse("{\"a\":{\"b\":[1,2,{\"c\":[]},{}],\"d\":\"}]\"},"
	                 "\"type\":\"req\",\"e\":[[[[\"x\"]]]],\"ts\":1,"
	                 "\"f\":true,\"g\":false,\"h\":null,\"i\":-1.5e-3,"
	                 "\"name\":\"n\",\"j\":[ ],\"k\":{ },\"l\":[ true , "
	                 "null ]}"),
	    0, "unknown nested values skipped");
	TAP_EQ_STR(sv(ev.name), "n", "fields around unknown values");

	/* 64 levels are fine, 65 are an error. */
	p += sprintf(p, "{\"type\":\"x\",\"ts\":1,\"u\":");
	for (i = 0; i < 64; i++)
		*p++ = '[';
	for (i = 0; i < 64; i++)
		*p++ = ']';
	strcpy(p, "}");
	TAP_EQ_INT(parse(deep), 0, "depth 64 accepted");
	p = deep + 23;
	for (i = 0; i < 65; i++)
		*p++ = '[';
	*p = '\0';
	bad(deep, "col 88: nesting deeper than 64");

	bad("{\"type\":\"x\",\"ts\":1,\"u\":[1 2]}",
	    "col 27: expected ',' or ']'");
	bad("{\"type\":\"x\",\"ts\":1,\"u\":{\"a\" 1}}",
	    "col 29: expected ':'");
	bad("{\"type\":\"x\",\"ts\":1,\"u\":{\"a\":1]}",
	    "col 30: expected ',' or '}'");
	bad("{\"type\":\"x\",\"ts\":1,\"u\":[1,]}", "col 27: expected a value");
	bad("{\"type\":\"x\",\"ts\":1,\"u\":{,}}",
	    "col 25: expected '\"' (a key)");
	bad("{\"type\":\"x\",\"ts\":1,\"u\":{1:2}}",
	    "col 25: expected '\"' (a key)");
	bad("{\"type\":\"x\",\"ts\":1,\"u\":[1,2",
	    "col 28: expected ',' or ']'");
	bad("{\"type\":\"x\",\"ts\":1,\"u\":tru}", "col 24: invalid literal");
	bad("{\"type\":\"x\",\"ts\":1,\"u\":nul", "col 24: invalid literal");
	bad("{\"type\":\"x\",\"ts\":1,\"u\":",
	    "col 24: unexpected end of line");
	bad("{\"type\":\"x\",\"ts\":1,\"u\":}", "col 24: expected a value");
	bad("{\"type\":\"x\",\"ts\":1,\"classes\":[1]}",
	    "col 30: \"classes\": expected an object");
	bad("{\"type\":\"x\",\"ts\":1,\"options\":\"a\"}",
	    "col 30: \"options\": expected an object");
	bad("{\"type\":\"x\",\"ts\":1,\"options\":{\"a\":}}",
	    "col 35: expected a value");
}

static void
test_malformed(void)
{
	bad("", "col 1: empty line");
	bad("   ", "col 4: blank line");
	bad("[1,2]", "col 1: expected '{' (an event object)");
	bad("\"req\"", "col 1: expected '{' (an event object)");
	bad("42", "col 1: expected '{' (an event object)");
	bad("{", "col 2: expected '\"' (a key)");
	bad("{}", "missing \"type\"");
	bad("{\"ts\":1}", "missing \"type\"");
	bad("{\"type\":\"req\"}", "missing \"ts\"");
	bad("{\"type\":\"req\",\"ts\":1}", "req event without \"name\"");
	bad("{\"type\":\"req\",\"ts\":1,\"name\":null}",
	    "req event without \"name\"");
	bad("{\"type\":null,\"ts\":1}", "col 9: \"type\": must not be null");
	bad("{\"type\":\"x\",\"ts\":null}", "col 18: \"ts\": must not be null");
	bad("{\"type\":1,\"ts\":1}", "col 9: \"type\": expected a string");
	bad("{\"type\":\"req\",\"ts\":1,\"name\":5}",
	    "col 29: \"name\": expected a string");
	bad("{\"type\":\"x\",\"ts\":1,\"ok\":1}",
	    "col 25: \"ok\": expected true or false");
	bad("{\"type\":\"x\",\"ts\":1,\"ok\":tru}",
	    "col 25: \"ok\": expected true or false");
	bad("{\"type\":\"x\" \"ts\":1}", "col 13: expected ',' or '}'");
	bad("{\"type\":\"x\",\"ts\":1",
	    "col 19: unexpected end of line, "
	    "expected ',' or '}'");
	bad("{\"type\":\"x\",\"ts\":1,}", "col 20: expected '\"' (a key)");
	bad("{\"type\":\"x\",\"ts\":1,", "col 20: expected '\"' (a key)");
	bad("{\"type\" \"x\"}", "col 9: expected ':'");
	bad("{\"type\":", "col 9: \"type\": expected a string");
	bad("{\"type\":\"x\",\"ts\":1} x",
	    "col 21: unexpected text after the "
	    "object");
	bad("{\"type\":\"x\",\"ts\":1}{}",
	    "col 20: unexpected text after the "
	    "object");
	bad("{'type':'x'}", "col 2: expected '\"' (a key)");
	bad("{type:\"x\"}", "col 2: expected '\"' (a key)");
	TAP_EQ_INT(parse_n("{\"type\":\"x\",\"ts\":1}\0", 20), -1,
	    "NUL after the object is garbage");
	TAP_EQ_INT(parse_n("{\"type\":\"x\",\"ts\":1}", 18), -1,
	    "line cut short (length respected)");
	TAP_EQ_STR(err.msg,
	    "col 19: unexpected end of line, expected ',' or "
	    "'}'",
	    "cut line message");
}

/* Writes events with jsonw and parses them back. */
static void
test_roundtrip(void)
{
	static const char *const names[] = { "/items/{id}", "caf\xc3\xa9",
		"q\"uote\\back", "ctl\x01\x1f\n\t", "emoji \xf0\x9f\x98\x80",
		"" };
	static const int64_t lats[] = { 0, 1, 999, 1000, 1234567, -5,
		INT64_MAX / 1000 };
	struct lt_buf b;
	size_t i, j;
	int ok = 1;

	lt_buf_init(&b, 0);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		for (j = 0; j < sizeof(lats) / sizeof(lats[0]); j++) {
			int64_t ts = 1764400000123456LL + (int64_t)(i * 7 + j);

			lt_buf_reset(&b);
			lt_buf_adds(&b, "{");
			lt_jsonw_key(&b, "type");
			lt_jsonw_cstr(&b, "req");
			lt_buf_addc(&b, ',');
			lt_jsonw_key(&b, "ts");
			lt_jsonw_fixed(&b, ts, 6);
			lt_buf_addc(&b, ',');
			lt_jsonw_key(&b, "name");
			lt_jsonw_str(&b, names[i], strlen(names[i]));
			lt_buf_addc(&b, ',');
			lt_jsonw_key(&b, "latency_ms");
			lt_jsonw_fixed(&b, lats[j], 3);
			lt_buf_addc(&b, ',');
			lt_jsonw_key(&b, "status");
			lt_jsonw_i64(&b, (int64_t)j * 100);
			lt_buf_addc(&b, ',');
			lt_jsonw_key(&b, "ok");
			lt_jsonw_bool(&b, (int)(j & 1));
			lt_buf_addc(&b, ',');
			lt_jsonw_key(&b, "error");
			lt_jsonw_cstr(&b, j & 1 ? NULL : "http: 500");
			lt_buf_addc(&b, '}');
			if (parse_n(b.data, b.len) != 0 ||
			    ev.type != LT_EV_REQ || ev.ts_us != ts ||
			    ev.name.len != strlen(names[i]) ||
			    memcmp(ev.name.ptr, names[i], ev.name.len) != 0 ||
			    ev.latency_us != lats[j] ||
			    ev.status != (int64_t)j * 100 ||
			    ev.ok != (int)(j & 1) ||
			    (j & 1 ? ev.error.ptr != NULL
			           : strcmp(sv(ev.error), "http: 500") != 0)) {
				ok = 0;
				printf("# round trip failed: %s (%s)\n",
				    lt_buf_cstr(&b), err.msg);
			}
		}
	}
	TAP_OK(ok, "jsonw -> evscan round trip (%zu events)",
	    sizeof(names) / sizeof(names[0]) * sizeof(lats) / sizeof(lats[0]));

	/* Invalid UTF-8 is replaced by the writer, then read back as such. */
	lt_buf_reset(&b);
	lt_buf_adds(&b, "{\"type\":\"req\",\"ts\":1,\"name\":");
	lt_jsonw_str(&b, "a\xff", 2);
	lt_buf_addc(&b, '}');
	TAP_EQ_INT(parse_n(b.data, b.len), 0, "writer output of bad UTF-8");
	TAP_EQ_STR(sv(ev.name), "a\xef\xbf\xbd", "read back as U+FFFD");
	lt_buf_fini(&b);
}

/* Long escaped strings grow scratch; views of one line stay valid. */
static void
test_scratch(void)
{
	size_t n = 100000, i;
	char *line = malloc(3 * n + 100), *p = line;
	int ok;

	p += sprintf(p, "{\"type\":\"req\",\"ts\":1,\"name\":\"");
	for (i = 0; i < n; i++) {
		memcpy(p, "\\n", 2);
		p += 2;
	}
	p += sprintf(p, "\",\"url\":\"\\u00e9\",\"x\":\"\\t\",\"method\":\"");
	for (i = 0; i < n; i++)
		*p++ = 'm';
	p += sprintf(p, "\\\\\"}");
	TAP_EQ_INT(parse_n(line, (size_t)(p - line)), 0, "long escaped line");
	ok = ev.name.len == n && ev.method.len == n + 1 &&
	    ev.method.ptr[n] == '\\' && ev.url.len == 2;
	for (i = 0; ok && i < n; i++)
		ok = ev.name.ptr[i] == '\n';
	TAP_OK(ok, "all views of the line intact");
	TAP_EQ_STR(sv(ev.url), "\xc3\xa9", "url after a long string");
	TAP_EQ_INT(parse("{\"type\":\"req\",\"ts\":1,\"name\":\"\\t\"}"), 0,
	    "short line after a long one");
	TAP_EQ_STR(sv(ev.name), "\t", "scratch reused");
	free(line);
}

/* The "checks" object: labels (escaped or not), results, nulls, errors. */
static void
test_checks(void)
{
	char big[8192], *p = big;
	int i, ok;

	TAP_EQ_INT(parse("{\"type\":\"req\",\"ts\":1,\"name\":\"n\","
	                 "\"checks\" : { \"status 200\" : true ,"
	                 "\"body contains \\\"p\\u00e9\\\"\":false,\"x\":null},"
	                 "\"bytes\":3}"),
	    0, "checks object");
	TAP_EQ_INT((long)ev.n_checks, 2, "two members, null left out");
	TAP_EQ_STR(sv(ev.checks[0].label), "status 200", "first label");
	TAP_EQ_INT(ev.checks[0].ok, 1, "first passed");
	TAP_EQ_STR(sv(ev.checks[1].label), "body contains \"p\xc3\xa9\"",
	    "escaped label decoded");
	TAP_EQ_INT(ev.checks[1].ok, 0, "second failed");
	TAP_EQ_INT(ev.bytes, 3, "fields after checks");
	TAP_EQ_INT(parse("{\"type\":\"req\",\"ts\":1,\"name\":\"n\"}"), 0,
	    "no checks");
	TAP_EQ_INT((long)ev.n_checks, 0, "absent: none");
	TAP_EQ_INT(parse("{\"type\":\"req\",\"ts\":1,\"name\":\"n\","
	                 "\"checks\":null}"),
	    0, "null checks");
	TAP_EQ_INT((long)ev.n_checks, 0, "null: none");
	TAP_EQ_INT(parse("{\"type\":\"req\",\"ts\":1,\"name\":\"n\","
	                 "\"checks\":{}}"),
	    0, "empty checks");
	TAP_EQ_INT((long)ev.n_checks, 0, "empty: none");
	bad("{\"type\":\"req\",\"ts\":1,\"name\":\"n\",\"checks\":[true]}",
	    "col 42: \"checks\": expected an object");
	bad("{\"type\":\"req\",\"ts\":1,\"name\":\"n\",\"checks\":{\"a\":1}}",
	    "col 47: \"checks\": expected true or false");
	bad("{\"type\":\"req\",\"ts\":1,\"name\":\"n\",\"checks\":{\"a\":true",
	    "col 51: expected ',' or '}'");
	bad("{\"type\":\"req\",\"ts\":1,\"name\":\"n\",\"checks\":{true}}",
	    "col 43: expected '\"' (a key)");
	/* more members than the first allocation holds */
	p += sprintf(
	    p, "{\"type\":\"req\",\"ts\":1,\"name\":\"n\",\"checks\":{");
	for (i = 0; i < 100; i++)
		p += sprintf(p, "%s\"c%d\":%s", i ? "," : "", i,
		    i % 3 ? "true" : "false");
	p += sprintf(p, "}}");
	TAP_EQ_INT(parse_n(big, (size_t)(p - big)), 0, "100 checks");
	ok = ev.n_checks == 100;
	for (i = 0; ok && i < 100; i++) {
		char want[16];

		snprintf(want, sizeof(want), "c%d", i);
		ok = strcmp(sv(ev.checks[i].label), want) == 0 &&
		    ev.checks[i].ok == (i % 3 != 0);
	}
	TAP_OK(ok, "every member kept in order");
}

int
main(void)
{
	sc = lt_evscan_new();
	if (sc == NULL)
		return 1;
	test_req();
	test_other_types();
	test_strings();
	test_numbers();
	test_skip();
	test_malformed();
	test_roundtrip();
	test_scratch();
	test_checks();
	lt_evscan_free(sc);
	lt_evscan_free(NULL);
	free(held);
	return tap_done();
}
