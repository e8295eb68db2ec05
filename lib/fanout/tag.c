/*
 * tag.c - what the coordinator and collect do to every event line: tag
 * it with its worker and move its ts onto the coordinator's clock.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "fanout/fanout.h"

int64_t
lt_fanout_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Appends line with its top-level "ts" number moved by off_us. */
static int
shift_ts(struct lt_buf *out, const char *line, size_t len, int64_t off_us)
{
	const char *p = NULL, *q = line, *end = line + len;
	char num[40], *e;
	size_t n;
	double ts;

	while (
	    q + 5 <= end && (q = memchr(q, '"', (size_t)(end - q))) != NULL) {
		if ((size_t)(end - q) >= 5 && memcmp(q, "\"ts\":", 5) == 0) {
			p = q + 5;
			break;
		}
		q++;
	}
	if (p == NULL)
		return lt_buf_add(out, line, len);
	n = strspn(p, "0123456789.eE+-");
	if (n == 0 || n >= sizeof(num) || p + n > end)
		return lt_buf_add(out, line, len);
	memcpy(num, p, n);
	num[n] = '\0';
	ts = strtod(num, &e);
	if (*e != '\0')
		return lt_buf_add(out, line, len);
	if (lt_buf_add(out, line, (size_t)(p - line)) != 0 ||
	    lt_jsonw_fixed(out, (int64_t)(ts * 1e6 + 0.5) + off_us, 6) != 0)
		return -1;
	return lt_buf_add(out, p + n, (size_t)(end - (p + n)));
}

int
lt_fanout_tag(struct lt_buf *out, const char *line, size_t len, int index,
    int64_t offset_us)
{
	if (len < 2 || line[0] != '{')
		return 0; /* not an event: dropped */
	char pre[32] = "{\"worker\":", dig[12];
	size_t n = 10, k = 0;
	unsigned v = index < 0 ? 0 : (unsigned)index;

	do {
		dig[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && k < sizeof(dig));
	while (k > 0)
		pre[n++] = dig[--k];
	if (lt_buf_add(out, pre, n) != 0)
		return -1;
	line++;
	len--;
	/* what follows '{' is either '}' or the first member */
	if (len > 0 && line[0] != '}' && lt_buf_addc(out, ',') != 0)
		return -1;
	if (offset_us != 0) {
		if (shift_ts(out, line, len, offset_us) != 0)
			return -1;
	} else if (lt_buf_add(out, line, len) != 0) {
		return -1;
	}
	return lt_buf_addc(out, '\n');
}
