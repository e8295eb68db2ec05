/* reportio.c - writing a report's files; see reportio.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/llmrep.h"
#include "report/csv.h"
#include "report/reportio.h"

char *
lt_report_read_text(const char *path, size_t cap, struct lt_err *err)
{
	struct lt_buf b;
	char chunk[8192];
	size_t n;
	int bad = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		lt_err_sys(err, LT_EXIT_USAGE, errno, "%s", path);
		return NULL;
	}
	lt_buf_init(&b, cap);
	for (n = fread(chunk, 1, sizeof(chunk), f); n > 0 && !bad;
	     n = fread(chunk, 1, sizeof(chunk), f))
		bad = lt_buf_add(&b, chunk, n) != 0;
	if (bad)
		lt_err_set(
		    err, LT_EXIT_USAGE, "%s: larger than %zu bytes", path, cap);
	/* fopen(3) opens a directory; reading it fails (EISDIR). */
	else if (ferror(f))
		bad = lt_err_sys(
		    err, LT_EXIT_USAGE, errno ? errno : EIO, "%s", path);
	fclose(f);
	if (bad) {
		lt_buf_fini(&b);
		return NULL;
	}
	return lt_buf_take(&b);
}

/* Writes all of b to fd; 0, or an errno value. */
static int
write_all(int fd, const struct lt_buf *b)
{
	size_t off = 0;

	while (off < b->len) {
		ssize_t n = write(fd, b->data + off, b->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EIO;
		off += (size_t)n;
	}
	return 0;
}

/*
 * Creates a new file next to path, named .BASENAME.tmp-PID-N in the same
 * directory (so that rename(2) can move it into place), with mode 0666
 * and the umask.  Returns its descriptor, or -1 with errno set.
 */
static int
open_temp(const char *path, char *tmp, size_t cap)
{
	const char *slash = strrchr(path, '/');
	int dlen = slash ? (int)(slash - path + 1) : 0;
	const char *base = slash ? slash + 1 : path;
	unsigned n;

	for (n = 0; n < 100; n++) {
		int fd;

		if ((size_t)snprintf(tmp, cap, "%.*s.%s.tmp-%ld-%u", dlen, path,
		        base, (long)getpid(), n) >= cap) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

int
lt_report_write_file(
    const char *path, const struct lt_buf *b, struct lt_err *err)
{
	char tmp[4200];
	int e, fd = open_temp(path, tmp, sizeof(tmp));

	if (fd < 0)
		return lt_err_sys(err, LT_EXIT_RUNTIME, errno, "%s", path);
	e = write_all(fd, b);
	if (e == 0 && fsync(fd) != 0 && errno != EINVAL && errno != EROFS)
		e = errno;
	if (close(fd) != 0 && e == 0)
		e = errno;
	/* rename(2) replaces a symlink at path, never writes through it. */
	if (e == 0 && rename(tmp, path) != 0)
		e = errno;
	if (e != 0) {
		unlink(tmp);
		return lt_err_sys(err, LT_EXIT_RUNTIME, e, "%s", path);
	}
	return 0;
}

int
lt_report_mkdirs(const char *dir, struct lt_err *err)
{
	char path[4096];
	size_t i, n = strlen(dir);

	if (n == 0 || n >= sizeof(path))
		return lt_err_set(
		    err, LT_EXIT_USAGE, "%s: bad directory name", dir);
	memcpy(path, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			return lt_err_sys(
			    err, LT_EXIT_RUNTIME, errno, "%s", path);
		path[i] = i < n ? '/' : '\0';
	}
	return 0;
}

typedef int (*csv_fn)(struct lt_buf *, const struct lt_report *);

/* Writes PREFIX_<suffix[i]>.csv from fn[i], i < n, each whole or absent. */
static int
write_csvs(const char *prefix, const char *const *suffix, const csv_fn *fn,
    size_t n, const struct lt_report *r, struct lt_err *err)
{
	struct lt_buf b;
	char path[4096];
	int rc = 0;

	lt_buf_init(&b, 0);
	for (size_t i = 0; i < n && rc == 0; i++) {
		lt_buf_reset(&b);
		if ((size_t)snprintf(path, sizeof(path), "%s_%s.csv", prefix,
		        suffix[i]) >= sizeof(path))
			rc = lt_err_set(
			    err, LT_EXIT_USAGE, "%s: name too long", prefix);
		else if (fn[i](&b, r) != 0)
			rc = lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
		else
			rc = lt_report_write_file(path, &b, err);
	}
	lt_buf_fini(&b);
	return rc;
}

int
lt_report_write_csv(
    const char *prefix, const struct lt_report *r, struct lt_err *err)
{
	static const char *const suffix[] = { "stats", "stats_history",
		"failures", "exceptions" };
	static const csv_fn fn[] = { lt_csv_stats, lt_csv_history,
		lt_csv_failures, lt_csv_exceptions };
	/* PREFIX_llm_stats.csv and PREFIX_llm_history.csv (llmrep.h) */
	static const char *const llm_suffix[] = { "llm_stats", "llm_history" };
	static const csv_fn llm_fn[] = { lt_llmrep_csv_stats,
		lt_llmrep_csv_history };
	int rc = write_csvs(prefix, suffix, fn, 4, r, err);

	if (rc == 0 && lt_llmrep_has(r))
		rc = write_csvs(prefix, llm_suffix, llm_fn, 2, r, err);
	return rc;
}

int
lt_report_write_dir(const char *dir, const struct lt_report *r,
    struct lt_md_opts *o, const struct lt_html_opts *ho, char *warn,
    size_t warn_cap, struct lt_err *err)
{
	struct lt_buf b;
	char path[4096];
	int rc;

	if (strlen(dir) > sizeof(path) - 64)
		return lt_err_set(err, LT_EXIT_USAGE, "%s: name too long", dir);
	if (lt_report_mkdirs(dir, err) != 0)
		return -1;
	lt_buf_init(&b, 0);
	rc = lt_html_render(&b, r, o, ho, warn, warn_cap, err);
	if (rc == 0) {
		snprintf(path, sizeof(path), "%s/%s", dir, LT_REPORT_HTML);
		rc = lt_report_write_file(path, &b, err);
	}
	lt_buf_reset(&b);
	if (rc == 0 && lt_md_render(&b, r, o) != 0)
		rc = lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	if (rc == 0) {
		snprintf(path, sizeof(path), "%s/%s", dir, LT_REPORT_MD);
		rc = lt_report_write_file(path, &b, err);
	}
	lt_buf_fini(&b);
	if (rc == 0) {
		snprintf(
		    path, sizeof(path), "%s/%s", dir, LT_REPORT_CSV_PREFIX);
		rc = lt_report_write_csv(path, r, err);
	}
	return rc;
}
