/*
 * datafiles.c - a scenario's data files (its `data` sources and
 * ${data FILE} references, the files it includes and its body @file
 * bodies, lt-scenario(5)) shipped to cluster workers
 * with the scenario: the coordinator lists them with their content hash,
 * each worker checks the hash and writes them at the same path relative
 * to its copy of the scenario, so the scenario finds them unchanged.
 * Which rows each worker's users take is lt-run --segment's business
 * (segment.h: the rows are dealt out over the segments).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/fnv.h"
#include "fanout/datafiles.h"
#include "run/scenario.h"

int
lt_fanout_slurp(const char *path, struct lt_buf *b, int *mode)
{
	char tmp[65536];
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return 1;
	}
	*mode = (int)st.st_mode & 0777;
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		if (lt_buf_add(b, tmp, (size_t)n) != 0) {
			errno = EFBIG;
			n = -1;
			break;
		}
	close(fd);
	return n == 0 ? 0 : -1;
}

int
lt_fanout_rel_ok(const char *rel)
{
	const char *p = rel;

	if (rel == NULL || *rel == '\0' || *rel == '/')
		return 0;
	while (*p) {
		size_t k = strcspn(p, "/");

		if (k == 0 || (k == 1 && p[0] == '.') ||
		    (k == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		p += k;
		if (*p == '/')
			p++;
	}
	return 1;
}

/* Appends path (what: "data", "include", "body") to files, rel to dir,
 * unless a file of that rel is already there. */
static int
ship_one(json_t *files, const char *path, const char *what, const char *dir,
    struct lt_err *err)
{
	size_t dl = strlen(dir), k;
	const char *rel;
	struct lt_buf b;
	char hash[32];
	int mode = 0, got;
	json_t *f;

	rel = strncmp(path, dir, dl) == 0 && path[dl] == '/' ? path + dl + 1
	                                                     : NULL;
	if (!lt_fanout_rel_ok(rel))
		return lt_err_set(err, 2,
		    "%s file %s is not under the scenario's "
		    "directory %s: it cannot be shipped to the "
		    "workers (name it relative to the scenario)",
		    what, path, dir);
	json_array_foreach(files, k, f)
	{
		const char *r = json_string_value(json_object_get(f, "rel"));

		if (r != NULL && strcmp(r, rel) == 0)
			return 0; /* named twice: shipped once */
	}
	lt_buf_init(&b, 3u << 20);
	got = lt_fanout_slurp(path, &b, &mode);
	if (got != 0) {
		if (got == 1)
			errno = EINVAL; /* not a regular file */
		lt_err_sys(err, 2, errno, "%s file %s", what, path);
		lt_buf_fini(&b);
		return -1;
	}
	if (memchr(b.data ? b.data : "", 0, b.len) != NULL) {
		lt_err_set(err, 2, "%s file %s holds NUL bytes", what, path);
		lt_buf_fini(&b);
		return -1;
	}
	snprintf(hash, sizeof(hash), "%016llx",
	    (unsigned long long)lt_fnv1a(b.data ? b.data : "", b.len));
	f = json_pack("{s:i,s:s,s:s,s:s,s:s%,s:i}", "arg", -1, "role", "data",
	    "rel", rel, "hash", hash, "data", b.data ? b.data : "", b.len,
	    "mode", mode);
	lt_buf_fini(&b);
	if (f == NULL)
		return lt_err_set(
		    err, 2, "%s file %s is not UTF-8", what, path);
	json_array_append_new(files, f);
	return 0;
}

int
lt_fanout_data_files(const char *scenario, json_t *files, struct lt_err *err)
{
	struct lt_scenario *sc = NULL;
	char *copy = strdup(scenario), *dir;
	size_t i;
	int rc = -1;

	if (copy == NULL)
		return lt_err_set(err, 3, "out of memory");
	dir = dirname(copy);
	if (lt_scenario_load(scenario, &sc, err) != 0)
		goto out;
	for (i = 0; i < sc->nincludes; i++)
		if (ship_one(files, sc->includes[i], "include", dir, err) != 0)
			goto out;
	for (i = 0; i < sc->ndatas; i++)
		if (ship_one(files, sc->datas[i]->path, "data", dir, err) != 0)
			goto out;
	for (i = 0; i < sc->nsteps; i++) {
		const struct lt_http *h = sc->steps[i]->http;

		if (sc->steps[i]->kind == LT_STEP_HTTP && h != NULL &&
		    h->body_kind == LT_BODY_FILE && h->body_path != NULL &&
		    ship_one(files, h->body_path, "body", dir, err) != 0)
			goto out;
	}
	rc = 0;
out:
	lt_scenario_free(sc);
	free(copy);
	return rc;
}

int
lt_fanout_write_rel(const char *dir, const char *rel, const char *data,
    size_t n, struct lt_err *err)
{
	char path[1024];
	char *s;
	int fd;
	size_t off = 0;

	if (!lt_fanout_rel_ok(rel) ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, rel) >=
	        sizeof(path))
		return lt_err_set(err, 2,
		    "the coordinator sent a data file "
		    "named %.200s: refused",
		    rel ? rel : "(none)");
	for (s = strchr(path + strlen(dir) + 1, '/'); s != NULL;
	     s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			*s = '/';
			return lt_err_sys(err, 3, errno, "%s", path);
		}
		*s = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_EXCL, 0600);
	if (fd < 0)
		return lt_err_sys(err, 3, errno, "%s", path);
	while (off < n) {
		ssize_t w = write(fd, data + off, n - off);

		if (w <= 0) {
			close(fd);
			return lt_err_sys(err, 3, errno, "%s", path);
		}
		off += (size_t)w;
	}
	if (close(fd) != 0)
		return lt_err_sys(err, 3, errno, "%s", path);
	return 0;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void
lt_fanout_rmtree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
