/*
 * jsonw.c - JSON value formatting into an lt_buf; see jsonw.h.
 *
 * Hand-written because it is the per-event hot path: integer formatting by
 * digit loop and a table-driven escaper that copies runs of plain bytes
 * with one memcpy.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/jsonw.h"
#include "core/utf8.h"

/* 0: copy as is; 1: escape; 2: start of a multi-byte UTF-8 sequence. */
static unsigned char
byte_class(unsigned char c)
{
	if (c < 0x20 || c == '"' || c == '\\' || c == 0x7f)
		return 1;
	if (c >= 0x80)
		return 2;
	return 0;
}

static int
escape_byte(struct lt_buf *b, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char u[6] = { '\\', 'u', '0', '0', 0, 0 };

	switch (c) {
	case '"':
		return lt_buf_add(b, "\\\"", 2);
	case '\\':
		return lt_buf_add(b, "\\\\", 2);
	case '\n':
		return lt_buf_add(b, "\\n", 2);
	case '\r':
		return lt_buf_add(b, "\\r", 2);
	case '\t':
		return lt_buf_add(b, "\\t", 2);
	case '\b':
		return lt_buf_add(b, "\\b", 2);
	case '\f':
		return lt_buf_add(b, "\\f", 2);
	default:
		u[4] = hex[c >> 4];
		u[5] = hex[c & 15];
		return lt_buf_add(b, u, 6);
	}
}

int
lt_jsonw_str(struct lt_buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run, n;

	if (lt_buf_addc(b, '"') != 0)
		return -1;
	while (i < len) {
		run = i;
		while (run < len && byte_class(p[run]) == 0)
			run++;
		if (lt_buf_add(b, p + i, run - i) != 0)
			return -1;
		i = run;
		if (i >= len)
			break;
		if (byte_class(p[i]) == 1) {
			if (escape_byte(b, p[i]) != 0)
				return -1;
			i++;
			continue;
		}
		n = lt_utf8_len(p + i, len - i, NULL);
		if (n == 0) {
			if (lt_buf_add(b, "\xef\xbf\xbd", 3) != 0)
				return -1;
			i++;
			continue;
		}
		if (lt_buf_add(b, p + i, n) != 0)
			return -1;
		i += n;
	}
	return lt_buf_addc(b, '"');
}

int
lt_jsonw_cstr(struct lt_buf *b, const char *s)
{
	if (s == NULL)
		return lt_jsonw_null(b);
	return lt_jsonw_str(b, s, strlen(s));
}

int
lt_jsonw_key(struct lt_buf *b, const char *key)
{
	if (lt_jsonw_str(b, key, strlen(key)) != 0)
		return -1;
	return lt_buf_addc(b, ':');
}

int
lt_jsonw_u64(struct lt_buf *b, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return lt_buf_add(b, tmp + i, sizeof(tmp) - i);
}

int
lt_jsonw_i64(struct lt_buf *b, int64_t v)
{
	if (v < 0) {
		if (lt_buf_addc(b, '-') != 0)
			return -1;
		return lt_jsonw_u64(b, (uint64_t)0 - (uint64_t)v);
	}
	return lt_jsonw_u64(b, (uint64_t)v);
}

int
lt_jsonw_fixed(struct lt_buf *b, int64_t v, int decimals)
{
	uint64_t u, scale = 1, frac;
	char tmp[16];
	int i;

	if (decimals <= 0)
		return lt_jsonw_i64(b, v);
	if (decimals > 9)
		decimals = 9;
	for (i = 0; i < decimals; i++)
		scale *= 10;
	u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	if (v < 0 && lt_buf_addc(b, '-') != 0)
		return -1;
	if (lt_jsonw_u64(b, u / scale) != 0)
		return -1;
	frac = u % scale;
	tmp[0] = '.';
	for (i = decimals; i >= 1; i--) {
		tmp[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	return lt_buf_add(b, tmp, (size_t)decimals + 1);
}

int
lt_jsonw_double(struct lt_buf *b, double v, int decimals)
{
	char tmp[64];
	int n;

	if (isnan(v) || isinf(v))
		return lt_jsonw_null(b);
	if (decimals < 0)
		decimals = 0;
	if (decimals > 9)
		decimals = 9;
	n = snprintf(tmp, sizeof(tmp), "%.*f", decimals, v);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		n = snprintf(tmp, sizeof(tmp), "%.17g", v);
	/* Trim zeros of a fraction only: "%.17g" may give "1.5e+70". */
	if (memchr(tmp, '.', (size_t)n) != NULL &&
	    memchr(tmp, 'e', (size_t)n) == NULL) {
		while (n > 0 && tmp[n - 1] == '0')
			n--;
		if (n > 0 && tmp[n - 1] == '.')
			n--;
	}
	if (n == 2 && tmp[0] == '-' && tmp[1] == '0')
		return lt_buf_add(b, "0", 1);
	return lt_buf_add(b, tmp, (size_t)n);
}

int
lt_jsonw_bool(struct lt_buf *b, int v)
{
	return v ? lt_buf_add(b, "true", 4) : lt_buf_add(b, "false", 5);
}

int
lt_jsonw_null(struct lt_buf *b)
{
	return lt_buf_add(b, "null", 4);
}
