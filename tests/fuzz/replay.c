/*
 * replay.c - runs a fuzz harness over its corpus as a plain test program,
 * so every `make check` (and `make asan`) replays the seeds and every
 * crasher ever found, without clang or libFuzzer.
 *
 * Shared by all harnesses: linked with tests/fuzz/fuzz_NAME.c into
 * build/tests/fuzz_NAME_test, it finds its corpus from its own name:
 * fuzz_NAME_test (or fuzz_NAME) -> $LT_TOP/tests/fuzz/corpus/NAME/ (LT_TOP
 * defaults to "."; tests/run.sh sets it).  With arguments, it replays the
 * given files instead (to reproduce one crash).  Prints TAP: one "ok" per
 * corpus directory with the number of inputs run; an empty or missing
 * corpus is a failure.  A crash or abort in the harness kills the program,
 * which tests/run.sh counts as a failure; the file being run is printed
 * as a TAP comment before each input so the culprit is named.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* Reads a whole file into a malloc'd exact-size block (*len bytes). */
static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *data = NULL, *n;
	size_t alloc = 0, got;

	*len = 0;
	if (f == NULL)
		return NULL;
	for (;;) {
		if (*len == alloc) {
			alloc = alloc ? alloc * 2 : 4096;
			n = realloc(data, alloc);
			if (n == NULL)
				break;
			data = n;
		}
		got = fread(data + *len, 1, alloc - *len, f);
		*len += got;
		if (got == 0)
			break;
	}
	if (ferror(f) || data == NULL) {
		fclose(f);
		free(data);
		return NULL;
	}
	fclose(f);
	/* Exact size, so reads past the input's end are caught by ASan. */
	n = malloc(*len ? *len : 1);
	if (n != NULL)
		memcpy(n, data, *len);
	free(data);
	return n;
}

static int
run_file(const char *path)
{
	unsigned char *data;
	size_t len;

	printf("# %s\n", path);
	fflush(stdout);
	data = slurp(path, &len);
	if (data == NULL)
		return -1;
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}

/* The harness name from the program name: fuzz_NAME[_test] -> NAME. */
static int
harness_name(const char *argv0, char *name, size_t cap)
{
	const char *base = strrchr(argv0, '/');
	size_t len;

	base = base ? base + 1 : argv0;
	if (strncmp(base, "fuzz_", 5) != 0)
		return -1;
	base += 5;
	len = strlen(base);
	if (len > 5 && strcmp(base + len - 5, "_test") == 0)
		len -= 5;
	if (len == 0 || len >= cap)
		return -1;
	memcpy(name, base, len);
	name[len] = '\0';
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays every regular file in dir, in name order; returns the count. */
static long
run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, **nn, path[PATH_MAX];
	size_t n = 0, alloc = 0, i;
	long ran = 0;

	if (d == NULL)
		return -1;
	for (;;) {
		e = readdir(d);
		if (e == NULL)
			break;
		if (e->d_name[0] == '.')
			continue;
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			nn = realloc(names, alloc * sizeof(*names));
			if (nn == NULL)
				break;
			names = nn;
		}
		names[n] = strdup(e->d_name);
		if (names[n] != NULL)
			n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >=
		    (int)sizeof(path))
			printf("# path too long: %s/%s\n", dir, names[i]);
		else if (run_file(path) == 0)
			ran++;
		else
			printf("# cannot read %s: %s\n", path, strerror(errno));
		free(names[i]);
	}
	free(names);
	return ran;
}

int
main(int argc, char **argv)
{
	const char *top = getenv("LT_TOP");
	char name[128], dir[PATH_MAX];
	long ran;
	int i, bad = 0;

	if (argc > 1) {
		for (i = 1; i < argc; i++) {
			int ok = run_file(argv[i]) == 0;

			printf(
			    "%s %d - %s\n", ok ? "ok" : "not ok", i, argv[i]);
			bad += !ok;
		}
		printf("1..%d\n", argc - 1);
		return bad ? 1 : 0;
	}
	if (harness_name(argv[0], name, sizeof(name)) != 0) {
		printf(
		    "not ok 1 - program name %s is not fuzz_NAME_test\n1..1\n",
		    argv[0]);
		return 1;
	}
	if (snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s",
	        top && *top ? top : ".", name) >= (int)sizeof(dir))
		ran = -1;
	else
		ran = run_dir(dir);
	if (ran <= 0) {
		printf("not ok 1 - %s: no corpus in %s\n1..1\n", name, dir);
		return 1;
	}
	printf("ok 1 - %s: replayed %ld corpus inputs from %s\n1..1\n", name,
	    ran, dir);
	return 0;
}
