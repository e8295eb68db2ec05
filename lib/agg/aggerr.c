/*
 * aggerr.c - the failure grouping key; see aggerr.h.
 *
 * One pass: at each number that starts a word (digits, optionally a dot
 * and digits), look past at most one space for a unit that ends a word.
 * Only failed requests come here, and a message without a digit costs one
 * memchr-like scan.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "agg/aggerr.h"

static const char *const units[] = {
	"ms",
	"millisecond",
	"milliseconds",
	"us",
	"microsecond",
	"microseconds",
	"ns",
	"s",
	"sec",
	"secs",
	"second",
	"seconds",
	"B",
	"byte",
	"bytes",
	"kB",
	"KB",
	"KiB",
	"MB",
	"MiB",
	"GB",
	"GiB",
};

static int
word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/*
 * Words after which a number is a configured limit, the same for every
 * request, and kept: "no response within 1000 ms", "larger than 1 MiB".
 */
static const char *const limit_words[] = {
	"within",
	"limit",
	"max",
	"maximum",
	"exceeds",
	"exceeded",
	"exceeding",
	"than",
	"most",
	"over",
	"above",
	"below",
	"under",
	"last", /* "the last 5 seconds": libcurl's low-speed window */
	"<",
	">",
	"<=",
	">=",
};

/* Whether the word before s[i] (one space between) is a limit word. */
static int
after_limit_word(const char *s, size_t i)
{
	size_t end, start;

	if (i < 2 || s[i - 1] != ' ')
		return 0;
	end = start = i - 1;
	while (start > 0 && s[start - 1] != ' ')
		start--;
	for (size_t w = 0; w < sizeof(limit_words) / sizeof(limit_words[0]);
	     w++) {
		size_t l = strlen(limit_words[w]);

		/* "limit:" and "max," count too */
		if ((end - start == l ||
		        (end - start == l + 1 &&
		            (s[end - 1] == ':' || s[end - 1] == ','))) &&
		    strncasecmp(s + start, limit_words[w], l) == 0)
			return 1;
	}
	return 0;
}

/* Length of the number at s[i..n) (digits [. digits]), 0 when none. */
static size_t
number_at(const char *s, size_t i, size_t n)
{
	size_t j = i;

	while (j < n && isdigit((unsigned char)s[j]))
		j++;
	if (j == i)
		return 0;
	if (j + 1 < n && s[j] == '.' && isdigit((unsigned char)s[j + 1])) {
		j++;
		while (j < n && isdigit((unsigned char)s[j]))
			j++;
	}
	/* 1.2.3, 127.0.0.1, 10x: not a measurement */
	if (j < n &&
	    (s[j] == '.' && j + 1 < n && isdigit((unsigned char)s[j + 1])))
		return 0;
	return j - i;
}

/* Whether s[i..n) starts with a unit that ends a word. */
static int
unit_at(const char *s, size_t i, size_t n)
{
	if (i < n && s[i] == ' ')
		i++;
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		size_t l = strlen(units[u]);

		if (l <= n - i && memcmp(s + i, units[u], l) == 0 &&
		    (i + l == n || !word_char(s[i + l])))
			return 1;
	}
	return 0;
}

int
lt_aggerr_key(const char *s, size_t n, struct lt_buf *out)
{
	size_t i = 0, done = 0;
	int changed = 0;

	while (i < n) {
		size_t len;

		if (!isdigit((unsigned char)s[i]) ||
		    (i > 0 && (word_char(s[i - 1]) || s[i - 1] == '.'))) {
			i++;
			continue;
		}
		len = number_at(s, i, n);
		if (len == 0) {
			while (i < n &&
			    (isdigit((unsigned char)s[i]) || s[i] == '.'))
				i++;
			continue;
		}
		if (!unit_at(s, i + len, n) || after_limit_word(s, i)) {
			i += len;
			continue;
		}
		if (!changed) {
			lt_buf_reset(out);
			changed = 1;
		}
		if (lt_buf_add(out, s + done, i - done) == -1 ||
		    lt_buf_addc(out, 'N') == -1)
			return -1;
		i += len;
		done = i;
	}
	if (!changed)
		return 0;
	if (lt_buf_add(out, s + done, n - done) == -1)
		return -1;
	return 1;
}
