/*
 * datafiles.c - a scenario's data files (its `data` sources and
 * ${data FILE} references, the files it includes and its body @file
 * bodies, lt-scenario(5)) shipped to cluster workers
 * with the scenario: the coordinator lists them with their content hash,
 * each worker checks the hash and writes them at the same path relative
 * to its copy of the scenario, so the scenario finds them unchanged.
 * A file's bytes travel as a JSON string when they are UTF-8 text
 * without NUL bytes (readable in a capture, and no bigger), else in
 * base64 (RFC 4648, libcrypto's EVP_EncodeBlock), so any file arrives
 * byte for byte; the plan that carries them is one wire message, at most
 * LT_WIRE_MAX_PAYLOAD bytes, and a file that cannot fit is refused here,
 * before anything starts.
 * Which rows each worker's users take is lt-run --segment's business
 * (segment.h: the rows are dealt out over the segments).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/fnv.h"
#include "core/utf8.h"
#include "fanout/datafiles.h"
#include "fanout/wire.h"
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

/* The bytes p[0..n) take inside a JSON string as jansson writes it
 * (quote, backslash and control characters escaped), or SIZE_MAX when
 * they are not UTF-8 text without NUL bytes. */
static size_t
text_len(const unsigned char *p, size_t n)
{
	size_t i = 0, len = 0, k;

	while (i < n) {
		if (p[i] == 0)
			return SIZE_MAX;
		if (p[i] >= 0x80) {
			k = lt_utf8_len(p + i, n - i, NULL);
			if (k == 0)
				return SIZE_MAX;
			len += k;
			i += k;
			continue;
		}
		if (p[i] == '"' || p[i] == '\\' || p[i] == '\b' ||
		    p[i] == '\f' || p[i] == '\n' || p[i] == '\r' ||
		    p[i] == '\t')
			len += 2;
		else if (p[i] < 0x20)
			len += 6; /* \u00XX */
		else
			len++;
		i++;
	}
	return len;
}

#define B64_LEN(n) (((n) + 2) / 3 * 4)

int
lt_fanout_file_put(json_t *f, const char *data, size_t n)
{
	char hash[32];
	unsigned char *b64;
	json_t *v;
	int rc;

	data = data != NULL ? data : "";
	snprintf(hash, sizeof(hash), "%016llx",
	    (unsigned long long)lt_fnv1a(data, n));
	if (json_object_set_new(f, "hash", json_string(hash)) != 0)
		return -1;
	if (text_len((const unsigned char *)data, n) <= B64_LEN(n))
		return json_object_set_new(f, "data", json_stringn(data, n));
	if (n > (size_t)INT_MAX / 4 * 3 - 3)
		return -1;
	b64 = malloc(B64_LEN(n) + 1);
	if (b64 == NULL)
		return -1;
	rc = EVP_EncodeBlock(b64, (const unsigned char *)data, (int)n);
	v = rc >= 0 ? json_stringn((const char *)b64, (size_t)rc) : NULL;
	free(b64);
	return json_object_set_new(f, "base64", v);
}

size_t
lt_fanout_file_wire_len(const json_t *f)
{
	const json_t *d = json_object_get(f, "data");

	if (json_is_string(d))
		return text_len((const unsigned char *)json_string_value(d),
		    json_string_length(d));
	return json_string_length(json_object_get(f, "base64"));
}

int
lt_fanout_file_get(
    const json_t *f, const char *name, struct lt_buf *out, struct lt_err *err)
{
	const json_t *d = json_object_get(f, "data");
	const json_t *b = json_object_get(f, "base64");
	const char *hash = json_string_value(json_object_get(f, "hash"));
	const char *s;
	size_t n, pad;
	char mine[32];
	int got;

	lt_buf_reset(out);
	if (hash == NULL || json_is_string(d) == json_is_string(b))
		return lt_err_set(err, 2,
		    "the coordinator sent %s without its hash, or without "
		    "one content (data or base64)",
		    name);
	if (json_is_string(d)) {
		if (lt_buf_add(
		        out, json_string_value(d), json_string_length(d)) != 0)
			return lt_err_set(err, 3, "out of memory");
	} else {
		s = json_string_value(b);
		n = json_string_length(b);
		pad = n > 0 && s[n - 1] == '=' ? 1 + (n > 1 && s[n - 2] == '=')
		                               : 0;
		if (n % 4 != 0 || n > (size_t)INT_MAX)
			return lt_err_set(err, 2,
			    "the coordinator sent %s in broken base64", name);
		if (lt_buf_reserve(out, n / 4 * 3 + 1) != 0)
			return lt_err_set(err, 3, "out of memory");
		/* RFC 4648 without line breaks; the result counts the
		 * padding as zero bytes, the "=" tell how many */
		got = EVP_DecodeBlock((unsigned char *)out->data,
		    (const unsigned char *)s, (int)n);
		if (got < 0 || (size_t)got != n / 4 * 3)
			return lt_err_set(err, 2,
			    "the coordinator sent %s in broken base64", name);
		out->len = (size_t)got - pad;
	}
	snprintf(mine, sizeof(mine), "%016llx",
	    (unsigned long long)lt_fnv1a(out->data ? out->data : "", out->len));
	if (strcmp(mine, hash) != 0)
		return lt_err_set(err, 2,
		    "%s: content hash %s, announced %.40s: refusing to run a "
		    "different scenario",
		    name, mine, hash);
	return 0;
}

int
lt_fanout_file_load(
    json_t *f, const char *path, const char *what, struct lt_err *err)
{
	struct lt_buf b;
	size_t wire;
	int mode = 0, got;

	/* more than a message's payload never fits, in any form */
	lt_buf_init(&b, LT_WIRE_MAX_PAYLOAD);
	got = lt_fanout_slurp(path, &b, &mode);
	if (got < 0 && errno == EFBIG) {
		lt_buf_fini(&b);
		return lt_err_set(err, 2,
		    "%s file %s is larger than %u bytes (4 MiB), all one "
		    "wire message carries: it cannot be shipped to the "
		    "workers",
		    what, path, LT_WIRE_MAX_PAYLOAD);
	}
	if (got != 0) {
		if (got == 1) {
			lt_buf_fini(&b);
			return 1;
		}
		lt_err_sys(err, 2, errno, "%s file %s", what, path);
		lt_buf_fini(&b);
		return -1;
	}
	got = lt_fanout_file_put(f, b.data, b.len) != 0 ||
	    json_object_set_new(f, "mode", json_integer(mode)) != 0;
	lt_buf_fini(&b);
	if (got)
		return lt_err_set(err, 3, "out of memory");
	wire = lt_fanout_file_wire_len(f);
	if (wire > LT_WIRE_MAX_PAYLOAD)
		return lt_err_set(err, 2,
		    "%s file %s takes %zu bytes in %s, more than the %u "
		    "bytes (4 MiB) one wire message carries: it cannot be "
		    "shipped to the workers",
		    what, path, wire,
		    json_object_get(f, "base64") ? "base64" : "JSON",
		    LT_WIRE_MAX_PAYLOAD);
	return 0;
}

/* Appends path (what: "data", "include", "body") to files, rel to dir,
 * unless a file of that rel is already there. */
static int
ship_one(json_t *files, const char *path, const char *what, const char *dir,
    struct lt_err *err)
{
	size_t dl = strlen(dir), k;
	const char *rel;
	json_t *f;
	int got;

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
	f = json_pack("{s:i,s:s,s:s}", "arg", -1, "role", "data", "rel", rel);
	if (f == NULL)
		return lt_err_set(err, 3, "out of memory");
	got = lt_fanout_file_load(f, path, what, err);
	if (got == 1) {
		errno = EINVAL; /* not a regular file */
		lt_err_sys(err, 2, errno, "%s file %s", what, path);
	}
	if (got != 0) {
		json_decref(f);
		return -1;
	}
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
