/*
 * utf8.h - recognising well-formed UTF-8 (RFC 3629): what the writers of
 * JSON, OpenMetrics and XML need before they copy a byte sequence from
 * an event as text.  Uses nothing.
 */
#ifndef LT_UTF8_H
#define LT_UTF8_H

#include <stddef.h>

/*
 * Length (1..4) of the well-formed UTF-8 sequence at s[0..n), n > 0, or 0
 * when it is not one (overlong, surrogate, past U+10FFFF, truncated).
 * Sets *cp to its code point when cp is not NULL.
 */
size_t lt_utf8_len(const unsigned char *s, size_t n, unsigned *cp);

#endif
