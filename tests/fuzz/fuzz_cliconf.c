/*
 * fuzz_cliconf.c - fuzz harness for --config files (lib/core/cliconf.c),
 * the "key = value" option files every program reads.
 *
 * The input becomes a file (a memfd, read through /proc/self/fd) read
 * against a small option table.  Properties: the setter only sees known
 * option ids and NUL-terminated values, an error has a message naming the
 * file, and the values kept stay within the cap.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/cliconf.h"
#include "fuzz.h"

static void
check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_cliconf: property failed: %s\n", what);
		abort();
	}
}

static int
set(int id, const char *v, void *arg)
{
	size_t *calls = arg;

	check(id == 'u' || id == 'H' || id == 'q' || id == 't', "known id");
	check(v != NULL && strlen(v) < (1u << 20), "value");
	(*calls)++;
	return strcmp(v, "bad") == 0 ? -1 : 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct option opts[] = {
		{ "users", required_argument, NULL, 'u' },
		{ "host", required_argument, NULL, 'H' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "run-time", required_argument, NULL, 't' },
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	static const int skip[] = { 'c', 0 };
	struct lt_cliconf cf;
	struct lt_err err;
	char path[64];
	size_t calls = 0;
	int fd = memfd_create("fuzz_cliconf", 0), rc;

	check(fd >= 0, "memfd");
	check(write(fd, data, size) == (ssize_t)size, "write");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	memset(&cf, 0, sizeof(cf));
	memset(&err, 0, sizeof(err));
	rc = lt_cliconf_file(&cf, path, 0, opts, skip, set, &calls, &err);
	check(rc == 0 || strstr(err.msg, path) != NULL, "error names file");
	check(cf.nowned >= 0 && cf.nowned <= LT_CLICONF_KEEP, "kept");
	lt_cliconf_fini(&cf);
	close(fd);
	return 0;
}
