/*
 * utf8.c - recognising well-formed UTF-8; see utf8.h.  Hand-written: the
 * check is a dozen lines and the libraries at hand (jansson, cmark) do
 * not export theirs.
 */
#include "core/utf8.h"

size_t
lt_utf8_len(const unsigned char *s, size_t n, unsigned *cp_out)
{
	size_t len, i;
	unsigned min, cp;

	if (s[0] < 0x80) {
		len = 1, min = 0, cp = s[0];
	} else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2, min = 0x80, cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3, min = 0x800, cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4, min = 0x10000, cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	if (cp_out != NULL)
		*cp_out = cp;
	return len;
}
