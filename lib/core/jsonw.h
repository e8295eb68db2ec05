/*
 * jsonw.h - appending JSON text to an lt_buf, fast and correctly escaped.
 *
 * Writers build events and aggregates by hand instead of through a DOM
 * library: the hot path (one event per request) must not allocate, and
 * numbers in fixed point (microseconds printed as milliseconds with three
 * decimals) are exact and cheaper than printf("%f").  The caller places
 * commas, colons and braces; these helpers only format values.
 * All return 0, or -1 when the buffer cannot grow (its cap).
 */
#ifndef LT_JSONW_H
#define LT_JSONW_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/*
 * Appends s[0..len) as a JSON string with quotes.  Escapes '"', '\\' and
 * bytes below 0x20 (\n \r \t \b \f by name, others as \u00XX) and DEL; passes
 * valid UTF-8 through; replaces each byte of invalid UTF-8 with U+FFFD so
 * the output is always valid JSON.
 */
int lt_jsonw_str(struct lt_buf *b, const char *s, size_t len);

/* Appends the NUL-terminated s as a JSON string, or null when s is NULL. */
int lt_jsonw_cstr(struct lt_buf *b, const char *s);

/* Appends "key": (key is trusted not to need escaping beyond the usual). */
int lt_jsonw_key(struct lt_buf *b, const char *key);

/* Appends a signed integer. */
int lt_jsonw_i64(struct lt_buf *b, int64_t v);

/* Appends an unsigned integer. */
int lt_jsonw_u64(struct lt_buf *b, uint64_t v);

/*
 * Appends v / 10^decimals exactly, with exactly `decimals` digits after the
 * point (decimals 0..9): lt_jsonw_fixed(b, 1234, 3) writes 1.234, and
 * lt_jsonw_fixed(b, -5, 3) writes -0.005.  Used for latency_ms from
 * microseconds (3) and ts from Unix microseconds (6).
 */
int lt_jsonw_fixed(struct lt_buf *b, int64_t v, int decimals);

/*
 * Appends a double with up to `decimals` decimals, trailing zeros trimmed;
 * NaN and infinities are written as null (JSON has no such numbers).
 */
int lt_jsonw_double(struct lt_buf *b, double v, int decimals);

/* Appends true or false. */
int lt_jsonw_bool(struct lt_buf *b, int v);

/* Appends null. */
int lt_jsonw_null(struct lt_buf *b);

#endif
