/*
 * secret.c - credentials kept out of events and away from other hosts;
 * see secret.h.
 *
 * URLs are looked at by hand, not with curl_url(): these run for each
 * request to an absolute URL and for each recorded URL, and a URL that
 * libcurl would refuse must still be stripped before it is printed.
 */
#include <string.h>
#include <strings.h>

#include "run/secret.h"

/* The authority of url[0..len): sets *a and *end.  Returns 0 when the
 * URL has no "://" (a path). */
static int
authority(const char *url, size_t len, size_t *a, size_t *end)
{
	size_t i;

	for (i = 0; i + 2 < len; i++) {
		if (url[i] == ':' && url[i + 1] == '/' && url[i + 2] == '/')
			break;
		if (url[i] == '/' || url[i] == '?' || url[i] == '#')
			return 0;
	}
	if (i + 2 >= len)
		return 0;
	*a = i + 3;
	for (i = *a; i < len; i++)
		if (url[i] == '/' || url[i] == '?' || url[i] == '#')
			break;
	*end = i;
	return 1;
}

int
lt_secret_userinfo(const char *url, size_t len, size_t *at, size_t *n)
{
	size_t a, end, i, last = (size_t)-1;

	if (!authority(url, len, &a, &end))
		return 0;
	for (i = a; i < end; i++)
		if (url[i] == '@')
			last = i;
	if (last == (size_t)-1)
		return 0;
	*at = a;
	*n = last + 1 - a;
	return 1;
}

int
lt_secret_url_strip(struct lt_buf *out, const char *url, size_t len)
{
	size_t at, n;

	if (!lt_secret_userinfo(url, len, &at, &n))
		return lt_buf_add(out, url, len);
	if (lt_buf_add(out, url, at) != 0)
		return -1;
	return lt_buf_add(out, url + at + n, len - at - n);
}

char *
lt_secret_url_strip_inplace(char *url)
{
	size_t at, n, len = strlen(url);

	if (lt_secret_userinfo(url, len, &at, &n))
		memmove(url + at, url + at + n, len - at - n + 1);
	return url;
}

char *
lt_secret_text_strip_inplace(char *s)
{
	char *p = s, *a, *end, *at;

	for (;;) {
		a = strstr(p, "://");
		if (a == NULL)
			return s;
		a += 3;
		end = a + strcspn(a, "/?#'\" \t");
		at = NULL;
		for (p = a; p < end; p++)
			if (*p == '@')
				at = p;
		if (at != NULL) {
			memmove(a, at + 1, strlen(at + 1) + 1);
			end = a;
		}
		p = end;
	}
}

/* Splits url's origin: scheme [0, *slen), host [*h, *h + *hlen), port. */
static int
origin(const char *url, size_t len, size_t *slen, size_t *h, size_t *hlen,
    long *port)
{
	size_t a, end, at, n, i, colon;

	if (!authority(url, len, &a, &end))
		return 0;
	*slen = a - 3;
	if (lt_secret_userinfo(url, len, &at, &n))
		a = at + n;
	colon = end;
	if (a < end && url[a] == '[') { /* [v6]:port */
		for (i = a; i < end && url[i] != ']'; i++)
			;
		if (i + 1 < end && url[i + 1] == ':')
			colon = i + 1;
	} else {
		for (i = a; i < end; i++)
			if (url[i] == ':')
				colon = i;
	}
	*h = a;
	*hlen = colon - a;
	if (colon + 1 < end) {
		*port = 0;
		for (i = colon + 1; i < end; i++) {
			if (url[i] < '0' || url[i] > '9' || *port > 65535)
				return 0;
			*port = *port * 10 + (url[i] - '0');
		}
	} else if (*slen == 5 && strncasecmp(url, "https", 5) == 0) {
		*port = 443;
	} else {
		*port = 80;
	}
	return 1;
}

int
lt_secret_same_origin(const char *url, size_t len, const char *base)
{
	size_t sl1, h1, hl1, sl2, h2, hl2;
	long p1, p2;

	if (!origin(url, len, &sl1, &h1, &hl1, &p1) ||
	    !origin(base, strlen(base), &sl2, &h2, &hl2, &p2))
		return 0;
	return sl1 == sl2 && strncasecmp(url, base, sl1) == 0 && hl1 == hl2 &&
	    strncasecmp(url + h1, base + h2, hl1) == 0 && p1 == p2;
}

/* 1 when needle occurs in s[0..len), case aside. */
static int
has(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= len; i++)
		if (strncasecmp(s + i, needle, n) == 0)
			return 1;
	return 0;
}

int
lt_secret_header_name(const char *name, size_t len)
{
	static const char *const words[] = { "authorization", "cookie", "token",
		"secret", "api-key", "apikey", "api_key", "password",
		"session" };
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (has(name, len, words[i]))
			return 1;
	return 0;
}

int
lt_secret_mask(
    struct lt_buf *b, size_t from, const char *v, size_t n, struct lt_buf *tmp)
{
	const char *p, *end, *hit;
	int rc = 0;

	if (n == 0 || b->len < from + n ||
	    memmem(b->data + from, b->len - from, v, n) == NULL)
		return 0;
	lt_buf_reset(tmp);
	p = b->data + from;
	end = b->data + b->len;
	for (;;) {
		hit = memmem(p, (size_t)(end - p), v, n);
		if (hit == NULL)
			break;
		rc |= lt_buf_add(tmp, p, (size_t)(hit - p));
		rc |= lt_buf_adds(tmp, LT_SECRET_MASK);
		p = hit + n;
	}
	rc |= lt_buf_add(tmp, p, (size_t)(end - p));
	b->len = from;
	rc |= lt_buf_add(b, tmp->data, tmp->len);
	return rc ? -1 : 0;
}
