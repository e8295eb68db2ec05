/*
 * tmpldata.c - data files behind "${data ...}" (lt-scenario(5) "data"):
 * a CSV or line file read whole at load time into the arena, split into
 * rows and cells once, so expansion only indexes.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/tmpl.h"

#define DATA_FILE_CAP ((size_t)256 << 20)

/* --- data files --------------------------------------------------------- */

/* Splits one CSV line into cells (RFC 4180 quoting, "" inside quotes). */
static int
csv_split(struct lt_arena *a, const char *s, size_t n, const char ***cells,
    size_t **lens, size_t *ncells)
{
	size_t cap = 1, i, k = 0;
	const char **cv;
	size_t *lv;

	for (i = 0; i < n; i++)
		if (s[i] == ',')
			cap++;
	cv = lt_arena_alloc(a, cap * sizeof(*cv));
	lv = lt_arena_alloc(a, cap * sizeof(*lv));
	if (cv == NULL || lv == NULL)
		return -1;
	i = 0;
	for (;;) {
		char *out;
		size_t o = 0;

		if (k == cap)
			break;
		out = lt_arena_alloc(a, n - i + 1);
		if (out == NULL)
			return -1;
		if (i < n && s[i] == '"') {
			i++;
			while (i < n) {
				if (s[i] == '"' && i + 1 < n &&
				    s[i + 1] == '"') {
					out[o++] = '"';
					i += 2;
				} else if (s[i] == '"') {
					i++;
					break;
				} else {
					out[o++] = s[i++];
				}
			}
			while (i < n && s[i] != ',')
				out[o++] = s[i++];
		} else {
			while (i < n && s[i] != ',')
				out[o++] = s[i++];
		}
		out[o] = '\0';
		cv[k] = out;
		lv[k] = o;
		k++;
		if (i >= n)
			break;
		i++; /* the comma */
	}
	*cells = cv;
	*lens = lv;
	*ncells = k;
	return 0;
}

/*
 * Reads a regular file whole.  Devices and FIFOs are refused: a data file
 * named /dev/stdin or a FIFO would block the load, /dev/zero never end.
 */
static int
read_file(const char *path, struct lt_buf *b, struct lt_err *err)
{
	char tmp[65536];
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return lt_err_sys(err, LT_EXIT_USAGE, errno, "%s", path);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return lt_err_set(
		    err, LT_EXIT_USAGE, "%s: not a regular file", path);
	}
	for (;;) {
		n = read(fd, tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (lt_buf_add(b, tmp, (size_t)n) != 0) {
			close(fd);
			return lt_err_set(
			    err, LT_EXIT_USAGE, "%s: file too large", path);
		}
	}
	if (n < 0) {
		int e = errno;

		close(fd);
		return lt_err_sys(err, LT_EXIT_USAGE, e, "%s", path);
	}
	close(fd);
	return 0;
}

/* Counts the non-empty lines of the n bytes at p. */
static size_t
count_lines(const char *p, size_t n)
{
	size_t i, c = 0;
	int any = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n') {
			c += any;
			any = 0;
		} else if (p[i] != '\r') {
			any = 1;
		}
	}
	return c + any;
}

static int
data_fill(struct lt_arena *a, struct lt_data *d, const char *p, size_t n)
{
	size_t lines = count_lines(p, n), i = 0, r = 0;
	int first = 1;

	d->nrows = lines - (d->header ? 1 : 0);
	d->rows = lt_arena_alloc(a, d->nrows * sizeof(*d->rows) + 1);
	d->row_len = lt_arena_alloc(a, d->nrows * sizeof(*d->row_len) + 1);
	d->cells = lt_arena_alloc(a, d->nrows * sizeof(*d->cells) + 1);
	d->cell_len = lt_arena_alloc(a, d->nrows * sizeof(*d->cell_len) + 1);
	d->ncells = lt_arena_alloc(a, d->nrows * sizeof(*d->ncells) + 1);
	if (!d->rows || !d->row_len || !d->cells || !d->cell_len || !d->ncells)
		return -1;
	while (i < n) {
		size_t s = i, e;

		while (i < n && p[i] != '\n')
			i++;
		e = i;
		if (i < n)
			i++;
		while (e > s && p[e - 1] == '\r')
			e--;
		if (e == s)
			continue;
		if (first && d->header) {
			size_t *lens;

			first = 0;
			if (csv_split(a, p + s, e - s, &d->columns, &lens,
			        &d->ncolumns))
				return -1;
			continue;
		}
		first = 0;
		d->rows[r] = lt_arena_strndup(a, p + s, e - s);
		if (d->rows[r] == NULL)
			return -1;
		d->row_len[r] = e - s;
		if (csv_split(a, p + s, e - s, &d->cells[r], &d->cell_len[r],
		        &d->ncells[r]))
			return -1;
		r++;
	}
	return 0;
}

int
lt_data_load(struct lt_arena *a, const char *name, const char *path, int header,
    struct lt_data **out, struct lt_err *err)
{
	struct lt_data *d;
	struct lt_buf b;
	size_t lines;

	lt_buf_init(&b, DATA_FILE_CAP);
	if (read_file(path, &b, err) != 0) {
		lt_buf_fini(&b);
		return -1;
	}
	lines = count_lines(b.data, b.len);
	if (lines < (header ? 2u : 1u)) {
		lt_buf_fini(&b);
		return lt_err_set(err, LT_EXIT_USAGE, "%s: %s", path,
		    header ? "no rows after the header line"
		           : "empty data file");
	}
	d = lt_arena_alloc(a, sizeof(*d));
	if (d == NULL)
		goto nomem;
	d->name = lt_arena_strdup(a, name);
	d->path = lt_arena_strdup(a, path);
	d->header = header;
	if (d->name == NULL || d->path == NULL ||
	    data_fill(a, d, b.data, b.len))
		goto nomem;
	lt_buf_fini(&b);
	*out = d;
	return 0;
nomem:
	lt_buf_fini(&b);
	return lt_err_set(err, LT_EXIT_RUNTIME, "%s: out of memory", path);
}
