/*
 * escape_test.c - the escapers of the exports: OpenMetrics label values
 * (lt_om_label, lib/agg/openmetrics.c) and JUnit XML text (lt_junit_esc,
 * lib/agg/junit.c), on the bytes endpoint names can hold: quotes,
 * backslashes, newlines, markup, control characters and every kind of
 * invalid UTF-8 (stray continuation, truncated, overlong, surrogate,
 * beyond U+10FFFF).
 */
#include <string.h>

#include "agg/junit.h"
#include "agg/openmetrics.h"
#include "core/buf.h"
#include "../tap.h"

#define FFFD "\xef\xbf\xbd"

static const char *
om(struct lt_buf *b, const char *s, size_t n)
{
	lt_buf_reset(b);
	lt_om_label(b, s, n);
	return lt_buf_cstr(b);
}

static const char *
xml(struct lt_buf *b, const char *s, size_t n)
{
	lt_buf_reset(b);
	lt_junit_esc(b, s, n);
	return lt_buf_cstr(b);
}

int
main(void)
{
	struct lt_buf b;

	lt_buf_init(&b, 0);
	TAP_EQ_STR(
	    om(&b, "/a\"b\\c\nd", 9), "/a\\\"b\\\\c\\nd", "om: \" \\ \\n");
	TAP_EQ_STR(om(&b, "/ü/日本/😀", 16), "/ü/日本/😀", "om: UTF-8 kept");
	TAP_EQ_STR(om(&b, "a\x80z", 3), "a" FFFD "z", "om: stray continuation");
	TAP_EQ_STR(om(&b, "a\xc3", 2), "a" FFFD, "om: truncated at the end");
	TAP_EQ_STR(om(&b, "\xc0\xaf", 2), FFFD FFFD, "om: overlong /");
	TAP_EQ_STR(om(&b, "\xed\xa0\x80", 3), FFFD FFFD FFFD, "om: surrogate");
	TAP_EQ_STR(om(&b, "\xf4\x90\x80\x80", 4), FFFD FFFD FFFD FFFD,
	    "om: beyond U+10FFFF");
	om(&b, "a\0b", 3);
	TAP_OK(b.len == 3 && memcmp(b.data, "a\0b", 3) == 0,
	    "om: NUL is valid UTF-8, kept as a byte");
	TAP_EQ_STR(xml(&b, "<a href=\"x\">&'</a>", 18),
	    "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;", "xml: markup");
	TAP_EQ_STR(xml(&b, "a\nb\tc\rd", 7), "a&#10;b&#9;c&#13;d",
	    "xml: whitespace as references (attribute-safe)");
	TAP_EQ_STR(xml(&b,
	               "a\x01\x1f"
	               "b",
	               4),
	    "a" FFFD FFFD "b", "xml: control characters XML 1.0 forbids");
	TAP_EQ_STR(xml(&b, "\xef\xbf\xbe", 3), FFFD FFFD FFFD,
	    "xml: U+FFFE is not an XML character");
	TAP_EQ_STR(xml(&b, "\xff\xfe", 2), FFFD FFFD, "xml: invalid UTF-8");
	TAP_EQ_STR(xml(&b, "]]>日本", 9), "]]&gt;日本", "xml: ]]> and UTF-8");
	lt_buf_fini(&b);
	return tap_done();
}
