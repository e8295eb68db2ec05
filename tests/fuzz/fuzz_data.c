/*
 * fuzz_data.c - fuzz harness for data files (lib/run/tmpldata.c
 * lt_data_load: the lines and CSV cells behind "data NAME FILE [csv]"
 * and ${data ...}), the files a scenario feeds its users from.
 *
 * The input becomes a file (a memfd, read through /proc/self/fd) loaded
 * with and without a header line.  Properties: an accepted source has at
 * least one row, every row and cell lies within the bytes read (lengths
 * consistent), and a header source has its columns.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/arena.h"
#include "run/tmpl.h"
#include "fuzz.h"

static void
check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_data: property failed: %s\n", what);
		abort();
	}
}

static void
load(const char *path, int header, size_t size)
{
	struct lt_arena a;
	struct lt_data *d = NULL;
	struct lt_err err;
	size_t r, c;

	lt_arena_init(&a);
	if (lt_data_load(&a, "d", path, header, &d, &err) == 0) {
		check(d != NULL && d->nrows >= 1, "rows");
		check(!header || d->ncolumns >= 1, "columns");
		for (r = 0; r < d->nrows; r++) {
			check(d->row_len[r] <= size, "row length");
			check(strlen(d->rows[r]) <= d->row_len[r], "row text");
			for (c = 0; c < d->ncells[r]; c++)
				check(d->cell_len[r][c] <= d->row_len[r],
				    "cell length");
		}
	} else {
		check(err.msg[0] != '\0', "error message");
	}
	lt_arena_fini(&a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = memfd_create("fuzz_data", 0);

	check(fd >= 0, "memfd");
	check(write(fd, data, size) == (ssize_t)size, "write");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	load(path, 0, size);
	load(path, 1, size);
	close(fd);
	return 0;
}
