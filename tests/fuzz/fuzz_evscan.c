/*
 * fuzz_evscan.c - fuzz harness for the event reading path: lib/core/lines.c
 * and lib/core/evscan.c.
 *
 * The input is split into lines; each is copied into an exact-size heap
 * block (so ASan sees any read past its end) and parsed.  Besides crashes,
 * the harness checks properties and aborts when one fails:
 *  - an accepted req has a name and a method view, views are readable;
 *  - writing an accepted event back with jsonw and parsing that gives an
 *    event that writes out identically (writer and scanner agree);
 *  - every line the scanner accepts, jansson accepts too (grammar oracle),
 *    except where the two differ on purpose (lone surrogates, invalid
 *    UTF-8, numbers jansson cannot hold), and the values agree: numbers
 *    within double precision, strings byte for byte;
 *  - lt_lines, reading the same bytes from a memfd with a small cap (so it
 *    refills and skips constantly), returns exactly the lines a plain split
 *    gives: same bytes, numbers, truncation and over-long reports.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/evscan.h"
#include "core/jsonw.h"
#include "core/lines.h"
#include "fuzz.h"

static struct lt_evscan *sc;
static struct lt_buf out1, out2;

static void
check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_evscan: property failed: %s\n", what);
		abort();
	}
}

static void
put_sv(struct lt_buf *b, const char *key, struct lt_sv v)
{
	lt_buf_addc(b, ',');
	lt_jsonw_key(b, key);
	if (v.ptr == NULL)
		lt_jsonw_null(b);
	else
		lt_jsonw_str(b, v.ptr, v.len);
}

static void
put_num(struct lt_buf *b, const char *key, int64_t v, int dec)
{
	lt_buf_addc(b, ',');
	lt_jsonw_key(b, key);
	if (v == LT_EV_ABSENT)
		lt_jsonw_null(b);
	else
		lt_jsonw_fixed(b, v, dec);
}

/* Writes the fields of ev that the scanner knows, in a fixed order. */
static void
write_event(struct lt_buf *b, const struct lt_event *ev)
{
	lt_buf_reset(b);
	lt_buf_adds(b, "{\"type\":");
	lt_jsonw_str(b, ev->type_name.ptr, ev->type_name.len);
	put_num(b, "ts", ev->ts_us, 6);
	put_sv(b, "name", ev->name);
	put_sv(b, "method", ev->method);
	put_sv(b, "url", ev->url);
	put_sv(b, "error", ev->error);
	put_sv(b, "class", ev->class_name);
	put_num(b, "status", ev->status, 0);
	lt_buf_adds(b,
	    ev->ok < 0   ? ",\"ok\":null"
	        : ev->ok ? ",\"ok\":true"
	                 : ",\"ok\":false");
	put_num(b, "latency_ms", ev->latency_us, 3);
	put_num(b, "ttfb_ms", ev->ttfb_us, 3);
	put_num(b, "connect_ms", ev->connect_us, 3);
	put_num(b, "wait_ms", ev->wait_us, 3);
	put_num(b, "bytes", ev->bytes, 0);
	put_num(b, "user", ev->user, 0);
	put_num(b, "count", ev->count, 0);
	put_sv(b, "phase", ev->phase);
	put_sv(b, "host", ev->host);
	put_sv(b, "reason", ev->reason);
	put_sv(b, "scenario", ev->scenario);
	put_sv(b, "worker", ev->worker);
	put_sv(b, "state", ev->state);
	/* Raw object text goes back verbatim: it was valid JSON. */
	if (ev->options.ptr != NULL) {
		lt_buf_adds(b, ",\"options\":");
		lt_buf_add(b, ev->options.ptr, ev->options.len);
	}
	if (ev->classes.ptr != NULL) {
		lt_buf_adds(b, ",\"classes\":");
		lt_buf_add(b, ev->classes.ptr, ev->classes.len);
	}
	lt_buf_addc(b, '}');
}

/* Sums every byte of a view, so ASan checks the view is readable. */
static unsigned
touch(struct lt_sv v)
{
	unsigned s = 0;
	size_t i;

	for (i = 0; v.ptr != NULL && i < v.len; i++)
		s += (unsigned char)v.ptr[i];
	return s;
}

static int
jansson_exempt(const char *text)
{
	static const char *const why[] = { "Unicode", "overflow", "too big",
		"decode byte", "UTF-8", "NUL", "surrogate" };
	size_t i;

	for (i = 0; i < sizeof(why) / sizeof(why[0]); i++)
		if (strstr(text, why[i]) != NULL)
			return 1;
	return 0;
}

/* A number field agrees with jansson's double (scaled by 10^dec). */
static void
same_num(json_t *j, const char *key, int64_t got, double scale)
{
	json_t *v = json_object_get(j, key);
	double want, tol;

	if (v == NULL || json_is_null(v)) {
		check(got == LT_EV_ABSENT, "absent number agrees with jansson");
		return;
	}
	check(json_is_number(v), "number is a number for jansson");
	want = json_number_value(v) * scale;
	/* evscan rounds the exact decimal to the nearest unit (error <= 0.5);
	 * jansson's double carries ~16 significant digits. */
	tol = 0.5 + 1e-6 + fabs(want) * 1e-14;
	if (fabs(want) < 9e18)
		check(fabs((double)got - want) <= tol,
		    "number agrees with jansson");
}

/* A string field agrees with jansson's decoding. */
static void
same_str(json_t *j, const char *key, struct lt_sv got)
{
	json_t *v = json_object_get(j, key);

	if (v == NULL || json_is_null(v)) {
		check(got.ptr == NULL || strcmp(key, "method") == 0,
		    "absent string agrees with jansson");
		return;
	}
	check(json_is_string(v) && got.ptr != NULL &&
	        json_string_length(v) == got.len &&
	        memcmp(json_string_value(v), got.ptr, got.len) == 0,
	    "string agrees with jansson");
}

static void
same_as_jansson(json_t *j, const struct lt_event *ev)
{
	same_num(j, "ts", ev->ts_us, 1e6);
	same_num(j, "latency_ms", ev->latency_us, 1e3);
	same_num(j, "wait_ms", ev->wait_us, 1e3);
	same_num(j, "status", ev->status, 1);
	same_num(j, "bytes", ev->bytes, 1);
	same_str(j, "type", ev->type_name);
	same_str(j, "name", ev->name);
	same_str(j, "method", ev->method);
	same_str(j, "error", ev->error);
}

static void
one_line(const char *src, size_t len)
{
	char *line = malloc(len ? len : 1);
	struct lt_event ev, ev2;
	struct lt_err err;
	json_error_t je;
	json_t *j;
	volatile unsigned sink = 0;

	if (line == NULL)
		return;
	memcpy(line, src, len);
	if (lt_evscan_parse(sc, line, len, &ev, &err) != 0) {
		check(
		    err.code != 0 && err.msg[0] != '\0', "error has a reason");
		free(line);
		return;
	}
	check(ev.type_name.ptr != NULL && ev.ts_us != LT_EV_ABSENT,
	    "type and ts present");
	check(ev.type != LT_EV_REQ ||
	        (ev.name.ptr != NULL && ev.method.ptr != NULL),
	    "req has name and method");
	sink += touch(ev.type_name) + touch(ev.name) + touch(ev.method) +
	    touch(ev.url) + touch(ev.error) + touch(ev.class_name) +
	    touch(ev.classes) + touch(ev.options) + touch(ev.phase) +
	    touch(ev.host) + touch(ev.reason) + touch(ev.scenario) +
	    touch(ev.worker) + touch(ev.state);
	(void)sink;

	j = json_loadb(
	    line, len, JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, &je);
	check(j != NULL || jansson_exempt(je.text),
	    "jansson accepts what evscan accepts");
	if (j != NULL)
		same_as_jansson(j, &ev);
	json_decref(j);

	write_event(&out1, &ev);
	check(lt_evscan_parse(sc, out1.data, out1.len, &ev2, &err) == 0,
	    "written event parses");
	write_event(&out2, &ev2);
	check(
	    out1.len == out2.len && memcmp(out1.data, out2.data, out1.len) == 0,
	    "write(parse(write(ev))) == write(ev)");
	check(ev.type == ev2.type, "type survives the round trip");
	free(line);
}

/* The lines lt_lines must return, computed by a plain split. */
static void
check_reader(const uint8_t *data, size_t size)
{
	struct lt_lines lr;
	struct lt_err err;
	size_t cap = size ? 1 + data[0] % 80 : 8, off = 0, n, want_len;
	const char *line, *nl;
	size_t len;
	int fd = memfd_create("fuzz_evscan", 0), rc, trunc, want_trunc;
	uint64_t lineno = 0;

	if (fd < 0)
		return;
	if (size > 0 && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return;
	}
	lseek(fd, 0, SEEK_SET);
	check(lt_lines_init(&lr, fd, cap, &err) == 0, "lines init");
	while (off < size) {
		nl = memchr(data + off, '\n', size - off);
		n = nl ? (size_t)((const uint8_t *)nl - (data + off))
		       : size - off;
		want_len = n > 0 && data[off + n - 1] == '\r' ? n - 1 : n;
		want_trunc = nl == NULL;
		lineno++;
		rc = lt_lines_next(&lr, &line, &len, &trunc, &err);
		check(lr.lineno == lineno, "reader line number");
		if (want_len > cap) {
			check(
			    rc == LT_LINES_TOOLONG, "over-long line reported");
		} else {
			check(rc == LT_LINES_OK, "line returned");
			check(len == want_len &&
			        memcmp(line, data + off, len) == 0,
			    "line bytes");
			check(trunc == want_trunc, "truncation flag");
		}
		off += n + (nl != NULL);
	}
	rc = lt_lines_next(&lr, &line, &len, &trunc, &err);
	check(rc == LT_LINES_EOF, "EOF after the last line");
	lt_lines_fini(&lr);
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size, *nl;

	if (sc == NULL) {
		sc = lt_evscan_new();
		lt_buf_init(&out1, 0);
		lt_buf_init(&out2, 0);
		if (sc == NULL)
			abort();
	}
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		one_line((const char *)p, (size_t)(nl - p));
		p = nl + 1;
	}
	check_reader(data, size);
	return 0;
}
