/* jsonw_test.c - unit tests of the JSON writer (lib/core/jsonw.c). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "../tap.h"

static const char *
str(struct lt_buf *b, const char *s, size_t len)
{
	lt_buf_reset(b);
	lt_jsonw_str(b, s, len);
	return lt_buf_cstr(b);
}

static const char *
fixed(struct lt_buf *b, int64_t v, int d)
{
	lt_buf_reset(b);
	lt_jsonw_fixed(b, v, d);
	return lt_buf_cstr(b);
}

/* Every byte below 0x20 and DEL: named escapes or \u00XX, lower-case hex. */
static void
test_controls(struct lt_buf *b)
{
	static const char *const named[32] = { ['\b'] = "\\b",
		['\f'] = "\\f",
		['\n'] = "\\n",
		['\r'] = "\\r",
		['\t'] = "\\t" };
	char in[1], want[16], what[32];
	int c, all = 1;

	for (c = 0; c < 0x20; c++) {
		in[0] = (char)c;
		if (named[c])
			snprintf(want, sizeof(want), "\"%s\"", named[c]);
		else
			snprintf(want, sizeof(want), "\"\\u%04x\"", c);
		snprintf(what, sizeof(what), "control byte 0x%02x", c);
		if (strcmp(str(b, in, 1), want) != 0) {
			TAP_EQ_STR(str(b, in, 1), want, what);
			all = 0;
		}
	}
	TAP_OK(all, "all 32 control bytes escaped");
	TAP_EQ_STR(str(b, "\x7f", 1), "\"\\u007f\"", "DEL escaped");
	TAP_EQ_STR(str(b, "/", 1), "\"/\"", "slash not escaped");
	TAP_EQ_STR(str(b, "", 0), "\"\"", "empty string");
	TAP_EQ_STR(str(b, "\x1f ~", 3), "\"\\u001f ~\"", "0x1f, space, tilde");
}

static void
test_utf8(struct lt_buf *b)
{
	TAP_EQ_STR(str(b, "\xf0\x9f\x98\x80", 4), "\"\xf0\x9f\x98\x80\"",
	    "4-byte UTF-8 passes");
	TAP_EQ_STR(str(b, "\xf4\x8f\xbf\xbf", 4), "\"\xf4\x8f\xbf\xbf\"",
	    "U+10FFFF passes");
	TAP_EQ_STR(str(b, "\xf4\x90\x80\x80", 4),
	    "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"",
	    "above U+10FFFF replaced");
	TAP_EQ_STR(str(b, "\xc0\xaf", 2), "\"\xef\xbf\xbd\xef\xbf\xbd\"",
	    "overlong 2-byte replaced");
	TAP_EQ_STR(str(b, "\xe0\x80\xaf", 3),
	    "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"",
	    "overlong 3-byte replaced");
	TAP_EQ_STR(str(b, "a\xe2\x82", 3), "\"a\xef\xbf\xbd\xef\xbf\xbd\"",
	    "truncated 3-byte at the end");
	TAP_EQ_STR(
	    str(b, "\x80x", 2), "\"\xef\xbf\xbdx\"", "lone continuation byte");
}

static const char *
num(struct lt_buf *b, int kind, int64_t v)
{
	lt_buf_reset(b);
	if (kind == 0)
		lt_jsonw_i64(b, v);
	else
		lt_jsonw_u64(b, (uint64_t)v);
	return lt_buf_cstr(b);
}

static const char *
dbl(struct lt_buf *b, double v, int d)
{
	lt_buf_reset(b);
	lt_jsonw_double(b, v, d);
	return lt_buf_cstr(b);
}

static void
test_numbers(struct lt_buf *b)
{
	TAP_EQ_STR(num(b, 0, 0), "0", "i64 0");
	TAP_EQ_STR(num(b, 0, -1), "-1", "i64 -1");
	TAP_EQ_STR(num(b, 0, INT64_MAX), "9223372036854775807", "INT64_MAX");
	TAP_EQ_STR(
	    num(b, 0, INT64_MIN), "-9223372036854775808", "i64 INT64_MIN");
	TAP_EQ_STR(num(b, 1, -1), "18446744073709551615", "UINT64_MAX");
	TAP_EQ_STR(fixed(b, 0, 3), "0.000", "fixed zero");
	TAP_EQ_STR(fixed(b, 1000, 3), "1.000", "fixed whole");
	TAP_EQ_STR(fixed(b, -1000, 3), "-1.000", "fixed negative whole");
	TAP_EQ_STR(fixed(b, 7, 0), "7", "fixed 0 decimals");
	TAP_EQ_STR(fixed(b, 123456789, 9), "0.123456789", "fixed 9 decimals");
	TAP_EQ_STR(
	    fixed(b, 1, 12), "0.000000001", "fixed decimals capped at 9");
	TAP_EQ_STR(
	    fixed(b, INT64_MAX, 3), "9223372036854775.807", "fixed INT64_MAX");
	TAP_EQ_STR(
	    fixed(b, INT64_MIN, 6), "-9223372036854.775808", "fixed INT64_MIN");
	TAP_EQ_STR(dbl(b, 1.5e70, 3), "1.4999999999999999e+70",
	    "huge double keeps its exponent");
	TAP_EQ_STR(dbl(b, -2.5e100, 3), "-2.4999999999999999e+100",
	    "huge negative double");
	TAP_EQ_STR(dbl(b, 100.0, 3), "100", "trailing zeros of 100.000 only");
	TAP_EQ_STR(dbl(b, -0.0001, 3), "0", "tiny negative is 0, not -0");
	TAP_EQ_STR(dbl(b, 1.0 / 0.0, 3), "null", "infinity is null");
	TAP_EQ_STR(dbl(b, 0.12345678912, 12), "0.123456789",
	    "double decimals capped at 9");
	lt_buf_reset(b);
	lt_jsonw_bool(b, 0);
	lt_jsonw_bool(b, 42);
	lt_jsonw_null(b);
	lt_jsonw_cstr(b, NULL);
	TAP_EQ_STR(
	    lt_buf_cstr(b), "falsetruenullnull", "bool, null, NULL cstr");
	lt_buf_reset(b);
	lt_jsonw_key(b, "latency_ms");
	TAP_EQ_STR(lt_buf_cstr(b), "\"latency_ms\":", "key");
}

/* Writing into a full buffer fails with -1 and never overruns. */
static void
test_cap(void)
{
	struct lt_buf small;

	lt_buf_init(&small, 8);
	TAP_EQ_INT(lt_jsonw_str(&small, "abcdef", 6), 0, "fits the cap");
	TAP_EQ_INT(lt_jsonw_str(&small, "x", 1), -1, "past the cap: -1");
	lt_buf_reset(&small);
	TAP_EQ_INT(lt_jsonw_i64(&small, INT64_MIN), -1, "number past the cap");
	lt_buf_fini(&small);
}

int
main(void)
{
	struct lt_buf b;

	lt_buf_init(&b, 0);
	TAP_EQ_STR(str(&b, "plain", 5), "\"plain\"", "plain string");
	TAP_EQ_STR(
	    str(&b, "a\"b\\c", 5), "\"a\\\"b\\\\c\"", "quote, backslash");
	TAP_EQ_STR(
	    str(&b, "\n\t\x01", 3), "\"\\n\\t\\u0001\"", "control bytes");
	TAP_EQ_STR(str(&b, "a\0b", 3), "\"a\\u0000b\"", "NUL byte");
	TAP_EQ_STR(
	    str(&b, "caf\xc3\xa9", 5), "\"caf\xc3\xa9\"", "UTF-8 passes");
	TAP_EQ_STR(str(&b, "\xff", 1), "\"\xef\xbf\xbd\"", "invalid UTF-8");
	TAP_EQ_STR(str(&b, "\xc3", 1), "\"\xef\xbf\xbd\"", "truncated UTF-8");
	TAP_EQ_STR(str(&b, "\xed\xa0\x80", 3),
	    "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"", "surrogate in UTF-8");
	TAP_EQ_STR(fixed(&b, 1234, 3), "1.234", "fixed 3");
	TAP_EQ_STR(fixed(&b, 5, 3), "0.005", "fixed small");
	TAP_EQ_STR(fixed(&b, -5, 3), "-0.005", "fixed negative");
	TAP_EQ_STR(
	    fixed(&b, 1700000000123456LL, 6), "1700000000.123456", "fixed ts");
	TAP_EQ_STR(
	    fixed(&b, INT64_MIN, 0), "-9223372036854775808", "INT64_MIN");
	lt_buf_reset(&b);
	lt_jsonw_double(&b, 2.5000, 3);
	TAP_EQ_STR(lt_buf_cstr(&b), "2.5", "double trims zeros");
	lt_buf_reset(&b);
	lt_jsonw_double(&b, 0.0 / 0.0, 3);
	TAP_EQ_STR(lt_buf_cstr(&b), "null", "NaN is null");
	test_controls(&b);
	test_utf8(&b);
	test_numbers(&b);
	test_cap();
	lt_buf_fini(&b);
	return tap_done();
}
