/*
 * collect.c - lt-fanout collect: merges worker spools after the fact
 * (vegeta's model).  A spool is the raw event stream of one worker's
 * load program, named lt-fanout-RUN-wI.spool; every event is written
 * tagged with its worker I, as the coordinator would have, so a run
 * whose coordinator died can still be aggregated.  Also the reading of a
 * growing spool in whole lines that the worker's senders share.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "fanout/fanout.h"

/* Worker index from "...-wI.spool", else fallback. */
static int
spool_index(const char *path, int fallback)
{
	const char *b = strrchr(path, '/'), *w;
	char *end;
	long i;

	b = b ? b + 1 : path;
	w = strstr(b, "-w");
	if (w == NULL)
		return fallback;
	while (strstr(w + 1, "-w") != NULL)
		w = strstr(w + 1, "-w");
	i = strtol(w + 2, &end, 10);
	if (end == w + 2 || strcmp(end, ".spool") != 0 || i < 0 || i > 1000000)
		return fallback;
	return (int)i;
}

static int
put(int fd, struct lt_buf *b, struct lt_err *err)
{
	size_t off = 0;
	ssize_t w;

	while (off < b->len) {
		w = write(fd, b->data + off, b->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return lt_err_sys(err, 3, errno, "output");
		off += (size_t)w;
	}
	lt_buf_reset(b);
	return 0;
}

int
lt_fanout_collect(char *const *paths, int n, int fd, struct lt_err *err)
{
	struct lt_buf out, part;
	char buf[1 << 16];
	int i, in, idx;
	ssize_t got, k, start;

	lt_buf_init(&out, 0);
	lt_buf_init(&part, 0);
	for (i = 0; i < n; i++) {
		idx = spool_index(paths[i], i);
		in = open(paths[i], O_RDONLY);
		if (in < 0) {
			lt_err_sys(err, 2, errno, "%s", paths[i]);
			goto fail;
		}
		lt_buf_reset(&part);
		while ((got = read(in, buf, sizeof(buf))) > 0) {
			for (start = 0, k = 0; k < got; k++) {
				if (buf[k] != '\n')
					continue;
				lt_buf_add(
				    &part, buf + start, (size_t)(k - start));
				lt_fanout_tag(&out, part.data ? part.data : "",
				    part.len, idx, 0);
				lt_buf_reset(&part);
				start = k + 1;
			}
			lt_buf_add(&part, buf + start, (size_t)(got - start));
			if (out.len > (1u << 20) && put(fd, &out, err) != 0) {
				close(in);
				goto fail;
			}
		}
		close(in);
		if (got < 0) {
			lt_err_sys(err, 2, errno, "%s", paths[i]);
			goto fail;
		}
		/* a last line cut by a crash is dropped */
	}
	if (put(fd, &out, err) != 0)
		goto fail;
	lt_buf_fini(&out);
	lt_buf_fini(&part);
	return 0;
fail:
	lt_buf_fini(&out);
	lt_buf_fini(&part);
	return err->code ? err->code : 3;
}

size_t
lt_fanout_spool_lines(int fd, const char *spool, uint64_t off, uint64_t bytes,
    size_t max, char *buf, struct lt_err *err)
{
	size_t n = bytes - off > max ? max : (size_t)(bytes - off);
	ssize_t got = pread(fd, buf, n, (off_t)off);

	if (got <= 0) {
		lt_err_sys(err, 3, errno, "%s", spool);
		return 0;
	}
	n = (size_t)got;
	while (n > 0 && buf[n - 1] != '\n')
		n--;
	if (n == 0)
		lt_err_set(err, 3, "%s: a line over %zu bytes", spool, max);
	return n;
}
