/*
 * evscan_bench.c - throughput of the event reading path (bench/evscan.sh).
 *
 *   evscan_bench gen N FILE    write N req events (20 endpoints) with jsonw
 *   evscan_bench MODE FILE     read FILE and print "MODE LINES SECONDS"
 *
 * MODE is "lines" (lt_lines alone), "scan" (lt_lines + lt_evscan_parse,
 * summing a field so nothing is optimised away) or "jansson" (lt_lines +
 * json_loadb and two lookups: what a DOM library would cost).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "evscan.h"
#include "jsonw.h"
#include "lines.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
gen(long n, const char *path)
{
	static const char *const methods[] = { "GET", "POST" };
	FILE *f = fopen(path, "w");
	struct lt_buf b;
	uint32_t x = 7;
	char name[32], url[64];
	long i;

	if (f == NULL)
		return 1;
	lt_buf_init(&b, 0);
	for (i = 0; i < n; i++) {
		int ep = (int)(i % 20), item = (int)(x >> 20);
		int64_t lat = (int64_t)(x >> 12) % 250000;

		x = x * 1103515245u + 12345u;
		snprintf(name, sizeof(name), "/api/v1/endpoint%02d/{id}", ep);
		snprintf(url, sizeof(url),
		    "http://127.0.0.1:8080/api/v1/endpoint%02d/%d", ep, item);
		lt_buf_adds(&b, "{\"type\":\"req\",\"ts\":");
		lt_jsonw_fixed(&b, 1764400000000000LL + i * 250, 6);
		lt_buf_adds(&b, ",\"name\":");
		lt_jsonw_cstr(&b, name);
		lt_buf_adds(&b, ",\"method\":");
		lt_jsonw_cstr(&b, methods[ep % 2]);
		lt_buf_adds(&b, ",\"url\":");
		lt_jsonw_cstr(&b, url);
		lt_buf_adds(&b, ",\"status\":");
		lt_jsonw_i64(&b, ep == 7 && i % 50 == 0 ? 500 : 200);
		lt_buf_adds(&b, ",\"ok\":");
		lt_jsonw_bool(&b, !(ep == 7 && i % 50 == 0));
		lt_buf_adds(&b, ",\"error\":");
		lt_jsonw_cstr(&b, ep == 7 && i % 50 == 0 ? "http: 500" : NULL);
		lt_buf_adds(&b, ",\"latency_ms\":");
		lt_jsonw_fixed(&b, lat, 3);
		lt_buf_adds(&b, ",\"ttfb_ms\":");
		lt_jsonw_fixed(&b, lat * 9 / 10, 3);
		lt_buf_adds(&b, ",\"connect_ms\":");
		lt_jsonw_fixed(&b, i % 100 == 0 ? 180 : 0, 3);
		lt_buf_adds(&b, ",\"bytes\":");
		lt_jsonw_i64(&b, 512 + ep * 10);
		lt_buf_adds(&b, ",\"user\":");
		lt_jsonw_i64(&b, i % 200);
		lt_buf_adds(&b, ",\"class\":\"Browser\"}\n");
		if (b.len >= 65536) {
			fwrite(b.data, 1, b.len, f);
			lt_buf_reset(&b);
		}
	}
	fwrite(b.data, 1, b.len, f);
	lt_buf_fini(&b);
	return fclose(f) != 0;
}

/* One parse with jansson: load, read latency_ms and name, free. */
static int
jansson_one(const char *line, size_t len, int64_t *sum)
{
	json_error_t je;
	json_t *o = json_loadb(line, len, 0, &je), *v;

	if (o == NULL)
		return -1;
	v = json_object_get(o, "latency_ms");
	if (json_is_number(v))
		*sum += (int64_t)(json_number_value(v) * 1000);
	v = json_object_get(o, "name");
	if (json_is_string(v))
		*sum += (int64_t)json_string_length(v);
	json_decref(o);
	return 0;
}

static int
run(const char *mode, const char *path)
{
	struct lt_lines lr;
	struct lt_err err;
	struct lt_evscan *sc = lt_evscan_new();
	struct lt_event ev;
	const char *line;
	size_t len;
	int trunc, rc, fd = open(path, O_RDONLY), m;
	long n = 0, bad = 0;
	int64_t sum = 0;
	double t0;

	m = strcmp(mode, "lines") == 0 ? 0 : strcmp(mode, "scan") == 0 ? 1 : 2;
	if (fd < 0 || sc == NULL || lt_lines_init(&lr, fd, 0, &err) != 0)
		return 1;
	t0 = now();
	for (;;) {
		rc = lt_lines_next(&lr, &line, &len, &trunc, &err);
		if (rc != LT_LINES_OK)
			break;
		n++;
		if (m == 0) {
			sum += (int64_t)len;
		} else if (m == 1) {
			if (lt_evscan_parse(sc, line, len, &ev, &err) != 0)
				bad++;
			else
				sum += ev.latency_us + (int64_t)ev.name.len;
		} else if (jansson_one(line, len, &sum) != 0) {
			bad++;
		}
	}
	printf("%s %ld %.6f %lld\n", mode, n, now() - t0, (long long)sum);
	lt_lines_fini(&lr);
	lt_evscan_free(sc);
	close(fd);
	if (bad)
		fprintf(stderr, "evscan_bench: %ld lines rejected\n", bad);
	return rc == LT_LINES_EOF && bad == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "gen") == 0)
		return gen(atol(argv[2]), argv[3]);
	if (argc == 3)
		return run(argv[1], argv[2]);
	fprintf(stderr,
	    "usage: evscan_bench gen N FILE | "
	    "evscan_bench lines|scan|jansson FILE\n");
	return 2;
}
