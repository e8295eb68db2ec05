/*
 * secret.h - keeping credentials where they belong: userinfo out of
 * every recorded URL, -H credentials only for their own origin, and
 * masked values in failed-check messages.  Uses core only.
 */
#ifndef LT_SECRET_H
#define LT_SECRET_H

#include <stddef.h>

#include "core/buf.h"

/* What a masked value is written as. */
#define LT_SECRET_MASK "***"
/* Failure messages quote at most this many bytes of a value (check.c's
 * SHOW_MAX): a longer secret is masked by its prefix too. */
#define LT_SECRET_SHOWN 60

/*
 * Finds the "user[:password]@" of url[0..len) (an absolute URL with
 * "://", or an authority with no scheme).  Returns 1 and sets *at and
 * *n (the offset and length, '@' included), or 0 when there is none.
 */
int lt_secret_userinfo(const char *url, size_t len, size_t *at, size_t *n);

/* Appends url[0..len) to out without its userinfo.  Returns 0 or -1. */
int lt_secret_url_strip(struct lt_buf *out, const char *url, size_t len);

/*
 * Strips the userinfo of the NUL-terminated url in place (it only gets
 * shorter) and returns url.
 */
char *lt_secret_url_strip_inplace(char *url);

/*
 * Strips the userinfo of every URL inside the NUL-terminated text s, in
 * place (for messages that quote a line); returns s.
 */
char *lt_secret_text_strip_inplace(char *s);

/*
 * Returns 1 when the absolute URL url[0..len) has the origin of base
 * (an http or https URL): the same scheme, host (case aside) and port
 * (80 and 443 when not given).  As CURLOPT_UNRESTRICTED_AUTH=0 does for
 * redirects, credentials given for base go only where this holds.
 */
int lt_secret_same_origin(const char *url, size_t len, const char *base);

/*
 * Returns 1 when a header name carries credentials by its name:
 * Authorization, Proxy-Authorization, Cookie, Set-Cookie, and any name
 * containing "token", "secret", "api-key", "apikey" or "password"
 * (case aside).
 */
int lt_secret_header_name(const char *name, size_t len);

/*
 * Replaces every occurrence of v[0..n) in b[from..b->len) by
 * LT_SECRET_MASK, through tmp (scratch, reset).  Empty values mask
 * nothing.  Returns 0 or -1 (b's cap).
 */
int lt_secret_mask(
    struct lt_buf *b, size_t from, const char *v, size_t n, struct lt_buf *tmp);

#endif
