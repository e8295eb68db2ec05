/* jsonw_test.c - unit tests of the JSON writer (lib/jsonw.c). */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "jsonw.h"
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

int
main(void)
{
	struct lt_buf b;

	lt_buf_init(&b, 0);
	TAP_EQ_STR(str(&b, "plain", 5), "\"plain\"", "plain string");
	TAP_EQ_STR(str(&b, "a\"b\\c", 5), "\"a\\\"b\\\\c\"", "quote, backslash");
	TAP_EQ_STR(str(&b, "\n\t\x01", 3), "\"\\n\\t\\u0001\"", "control bytes");
	TAP_EQ_STR(str(&b, "a\0b", 3), "\"a\\u0000b\"", "NUL byte");
	TAP_EQ_STR(str(&b, "caf\xc3\xa9", 5), "\"caf\xc3\xa9\"", "UTF-8 passes");
	TAP_EQ_STR(str(&b, "\xff", 1), "\"\xef\xbf\xbd\"", "invalid UTF-8");
	TAP_EQ_STR(str(&b, "\xc3", 1), "\"\xef\xbf\xbd\"", "truncated UTF-8");
	TAP_EQ_STR(str(&b, "\xed\xa0\x80", 3),
	    "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"", "surrogate in UTF-8");
	TAP_EQ_STR(fixed(&b, 1234, 3), "1.234", "fixed 3");
	TAP_EQ_STR(fixed(&b, 5, 3), "0.005", "fixed small");
	TAP_EQ_STR(fixed(&b, -5, 3), "-0.005", "fixed negative");
	TAP_EQ_STR(fixed(&b, 1700000000123456LL, 6), "1700000000.123456",
	    "fixed ts");
	TAP_EQ_STR(fixed(&b, INT64_MIN, 0), "-9223372036854775808", "INT64_MIN");
	lt_buf_reset(&b);
	lt_jsonw_double(&b, 2.5000, 3);
	TAP_EQ_STR(lt_buf_cstr(&b), "2.5", "double trims zeros");
	lt_buf_reset(&b);
	lt_jsonw_double(&b, 0.0 / 0.0, 3);
	TAP_EQ_STR(lt_buf_cstr(&b), "null", "NaN is null");
	lt_buf_fini(&b);
	return tap_done();
}
