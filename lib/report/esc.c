/* esc.c - escaping outside text for HTML and gnuplot data; see esc.h. */
#include "report/esc.h"

int
lt_html_esc(struct lt_buf *b, const char *s)
{
	int rc = 0;

	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			rc |= lt_buf_adds(b, "&amp;");
			break;
		case '<':
			rc |= lt_buf_adds(b, "&lt;");
			break;
		case '>':
			rc |= lt_buf_adds(b, "&gt;");
			break;
		case '"':
			rc |= lt_buf_adds(b, "&quot;");
			break;
		case '\'':
			rc |= lt_buf_adds(b, "&#39;");
			break;
		default:
			rc |= lt_buf_addc(b, *s);
			break;
		}
	}
	return rc ? -1 : 0;
}

int
lt_gp_field(struct lt_buf *b, const char *s)
{
	int rc = lt_buf_addc(b, '"');

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"')
			rc |= lt_buf_adds(b, "\xe2\x80\x9d"); /* U+201D */
		else if (c == '\\')
			rc |= lt_buf_adds(b, "\xe2\xa7\xb5"); /* U+29F5 */
		else if (c < 0x20 || c == 0x7f)
			rc |= lt_buf_addc(b, ' ');
		else
			rc |= lt_buf_addc(b, (char)c);
	}
	rc |= lt_buf_addc(b, '"');
	return rc ? -1 : 0;
}
