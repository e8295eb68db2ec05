/*
 * secret_test.c - lib/run/secret.c: userinfo found and stripped (only in
 * the authority, the last '@'), origins compared as libcurl does for
 * redirects (scheme, host without case, port with defaults), header
 * names that carry credentials, and masking.
 */
#include <string.h>

#include "run/secret.h"
#include "../tap.h"

static const char *
strip(const char *url)
{
	static struct lt_buf b;

	if (b.cap == 0)
		lt_buf_init(&b, 1 << 16);
	lt_buf_reset(&b);
	lt_secret_url_strip(&b, url, strlen(url));
	return lt_buf_cstr(&b);
}

static int
same(const char *url, const char *base)
{
	return lt_secret_same_origin(url, strlen(url), base);
}

static const char *
mask(const char *text, const char *v)
{
	static struct lt_buf b, t;

	if (b.cap == 0) {
		lt_buf_init(&b, 1 << 16);
		lt_buf_init(&t, 1 << 16);
	}
	lt_buf_reset(&b);
	lt_buf_adds(&b, text);
	lt_secret_mask(&b, 0, v, strlen(v), &t);
	return lt_buf_cstr(&b);
}

int
main(void)
{
	char in[] = "https://a:b@h:1/x";

	TAP_EQ_STR(strip("http://u:p@h:8080/x?y=1"), "http://h:8080/x?y=1",
	    "user:password@ stripped");
	TAP_EQ_STR(strip("http://u@h/"), "http://h/", "user@ stripped");
	TAP_EQ_STR(strip("http://u:p@x@h/"), "http://h/",
	    "up to the last @ of the authority");
	TAP_EQ_STR(strip("http://h/a@b"), "http://h/a@b", "@ in the path kept");
	TAP_EQ_STR(
	    strip("http://h?q=a@b"), "http://h?q=a@b", "@ in the query kept");
	TAP_EQ_STR(strip("/path@x"), "/path@x", "a path is left alone");
	TAP_EQ_STR(
	    lt_secret_url_strip_inplace(in), "https://h:1/x", "in place");

	{
		char t1[] = "GET http://u:p@h/x name a@b, got 'http://v:q@i'";
		char t2[] = "no url at all @ here";

		TAP_EQ_STR(lt_secret_text_strip_inplace(t1),
		    "GET http://h/x name a@b, got 'http://i'",
		    "text: every URL stripped, other @ kept");
		TAP_EQ_STR(lt_secret_text_strip_inplace(t2),
		    "no url at all @ here", "text without URLs");
	}
	TAP_OK(same("http://127.0.0.1:8080/x", "http://127.0.0.1:8080"),
	    "same origin");
	TAP_OK(same("http://u:p@127.0.0.1:8080/", "http://127.0.0.1:8080/b"),
	    "userinfo and path aside");
	TAP_OK(same("HTTP://LocalHost/x", "http://localhost:80"),
	    "case and default port 80");
	TAP_OK(same("https://h/x", "https://h:443"), "default port 443");
	TAP_OK(!same("http://127.0.0.1:8081/x", "http://127.0.0.1:8080"),
	    "other port");
	TAP_OK(!same("http://127.0.0.2:8080/x", "http://127.0.0.1:8080"),
	    "other host");
	TAP_OK(!same("https://h:80/x", "http://h:80"), "other scheme");
	TAP_OK(!same("http://h:8080.evil/x", "http://h:8080"),
	    "a port that is not a number");
	TAP_OK(!same("http://h.evil/x", "http://h"), "a longer host");
	TAP_OK(same("http://[::1]:9/x", "http://[::1]:9"), "IPv6 literal");
	TAP_OK(!same("http://[::1]:9/x", "http://[::1]:8"), "IPv6 other port");

	TAP_OK(lt_secret_header_name("Authorization", 13), "Authorization");
	TAP_OK(lt_secret_header_name("x-api-key", 9), "x-api-key");
	TAP_OK(lt_secret_header_name("X-Auth-Token", 12), "X-Auth-Token");
	TAP_OK(lt_secret_header_name("Set-Cookie", 10), "Set-Cookie");
	TAP_OK(!lt_secret_header_name("Content-Type", 12), "Content-Type");

	TAP_EQ_STR(mask("a tok and tok", "tok"), "a *** and ***", "masked");
	TAP_EQ_STR(mask("none here", "tok"), "none here", "nothing to mask");
	TAP_EQ_STR(mask("x", ""), "x", "an empty value masks nothing");
	return tap_done();
}
