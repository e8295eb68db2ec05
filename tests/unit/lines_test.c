/*
 * lines_test.c - unit tests of the line reader (lib/core/lines.c) over real
 * pipes (a child process writes in small chunks, so lines span refills)
 * and real files.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/lines.h"
#include "../tap.h"

/*
 * Returns the read end of a pipe fed by a child that writes data[0..len)
 * in chunks of `chunk` bytes, sleeping delay_ms before the first write.
 */
static int
feed(const char *data, size_t len, size_t chunk, int delay_ms, pid_t *pid)
{
	int fds[2];
	size_t off = 0, n;
	ssize_t w;

	if (pipe(fds) != 0)
		return -1;
	*pid = fork();
	if (*pid < 0)
		return -1;
	if (*pid == 0) {
		close(fds[0]);
		if (delay_ms > 0)
			usleep((useconds_t)delay_ms * 1000);
		while (off < len) {
			n = len - off < chunk ? len - off : chunk;
			w = write(fds[1], data + off, n);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				_exit(1);
			off += (size_t)w;
		}
		_exit(0);
	}
	close(fds[1]);
	return fds[0];
}

static int
reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * Reads everything from fd and renders it as text: each line as
 * "L<lineno>:<content>\n", truncated as "T<lineno>:...", too long as
 * "X<lineno>\n", ending "EOF\n" or "ERR\n".
 */
static char *
slurp(int fd, size_t cap)
{
	struct lt_lines lr;
	struct lt_err err;
	struct lt_buf_s {
		char *p;
		size_t len, alloc;
	} o = { NULL, 0, 0 };
	const char *line;
	size_t len, need;
	int trunc, rc;
	char head[32];
	int hl;

	lt_err_clear(&err);
	if (lt_lines_init(&lr, fd, cap, &err) != 0)
		return NULL;
	for (;;) {
		rc = lt_lines_next(&lr, &line, &len, &trunc, &err);
		if (rc == LT_LINES_OK)
			hl = snprintf(head, sizeof(head),
			    "%c%llu:", trunc ? 'T' : 'L',
			    (unsigned long long)lr.lineno);
		else if (rc == LT_LINES_TOOLONG)
			hl = snprintf(head, sizeof(head), "X%llu",
			    (unsigned long long)lr.lineno);
		else
			hl = snprintf(head, sizeof(head), "%s",
			    rc == LT_LINES_EOF ? "EOF" : "ERR");
		if (rc != LT_LINES_OK)
			len = 0;
		need = o.len + (size_t)hl + len + 2;
		if (need > o.alloc) {
			o.alloc = need * 2;
			o.p = realloc(o.p, o.alloc);
			if (o.p == NULL)
				abort();
		}
		memcpy(o.p + o.len, head, (size_t)hl);
		o.len += (size_t)hl;
		if (len > 0)
			memcpy(o.p + o.len, line, len);
		o.len += len;
		o.p[o.len++] = '\n';
		o.p[o.len] = '\0';
		if (rc == LT_LINES_EOF || rc == LT_LINES_ERROR)
			break;
	}
	lt_lines_fini(&lr);
	return o.p;
}

/* Feeds data through a pipe in chunks and returns the slurp rendering. */
static char *
via_pipe(const char *data, size_t chunk, size_t cap)
{
	pid_t pid;
	int fd = feed(data, strlen(data), chunk, 0, &pid);
	char *out;

	if (fd < 0)
		return NULL;
	out = slurp(fd, cap);
	close(fd);
	if (reap(pid) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

static void
check_pipe(const char *data, size_t cap, const char *want, const char *what)
{
	static const size_t chunks[] = { 1, 3, 7, 4096, 1 << 20 };
	char desc[128];
	size_t i;
	char *got;

	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		got = via_pipe(data, chunks[i], cap);
		snprintf(
		    desc, sizeof(desc), "%s (chunks of %zu)", what, chunks[i]);
		TAP_EQ_STR(got, want, desc);
		free(got);
	}
}

static void
test_basic(void)
{
	check_pipe("a\nbb\n\nccc\n", 0, "L1:a\nL2:bb\nL3:\nL4:ccc\nEOF\n",
	    "simple lines, empty line");
	check_pipe("", 0, "EOF\n", "empty input");
	check_pipe("\n", 0, "L1:\nEOF\n", "one empty line");
	check_pipe(
	    "a\nlast", 0, "L1:a\nT2:last\nEOF\n", "final line without newline");
	check_pipe("x\r\ny\r\n\r\nz\r", 0, "L1:x\nL2:y\nL3:\nT4:z\nEOF\n",
	    "CRLF stripped");
	check_pipe("a\rb\r\r\n", 0, "L1:a\rb\r\nEOF\n",
	    "only one trailing CR stripped");
}

static void
test_cap(void)
{
	/* cap 10: 10 bytes pass, 11 are too long, reading goes on. */
	check_pipe("0123456789\n01234567890\nok\n", 10,
	    "L1:0123456789\nX2\nL3:ok\nEOF\n", "exactly cap, cap + 1");
	check_pipe("0123456789\r\nabc\n", 10, "L1:0123456789\nL2:abc\nEOF\n",
	    "exactly cap plus CR");
	check_pipe(
	    "01234567890\r\nabc\n", 10, "X1\nL2:abc\nEOF\n", "cap + 1 plus CR");
	check_pipe("short\n"
	           "this line is much longer than the cap of ten bytes\n"
	           "x\n",
	    10, "L1:short\nX2\nL3:x\nEOF\n", "long line skipped whole");
	check_pipe("a\nthis final line is too long", 10, "L1:a\nX2\nEOF\n",
	    "over-long final line without newline");
	check_pipe("0123456789", 10, "T1:0123456789\nEOF\n",
	    "final line of exactly cap");
	check_pipe("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
	           "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\nc\n",
	    10, "X1\nX2\nL3:c\nEOF\n", "two long lines in a row");
	check_pipe("x\n", 1, "L1:x\nEOF\n", "cap of one byte");
}

/* Big lines with the default cap: the buffer grows past 256 KiB. */
static void
test_grow(void)
{
	size_t big = 700 * 1024, i;
	size_t len = 2 + big + 1 + 2 + (LT_LINES_DEFAULT_CAP + 5) + 1 + 3;
	char *data = malloc(len + 1), *want, *got, *p;

	if (data == NULL)
		abort();
	p = data;
	memcpy(p, "a\n", 2);
	p += 2;
	for (i = 0; i < big; i++)
		*p++ = (char)('a' + i % 26);
	*p++ = '\n';
	memcpy(p, "b\n", 2);
	p += 2;
	memset(p, 'z', LT_LINES_DEFAULT_CAP + 5);
	p += LT_LINES_DEFAULT_CAP + 5;
	*p++ = '\n';
	memcpy(p, "end", 3);
	p += 3;
	*p = '\0';

	want = malloc(big + 64);
	if (want == NULL)
		abort();
	p = want;
	p += sprintf(p, "L1:a\nL2:");
	memcpy(p, data + 2, big);
	p += big;
	sprintf(p, "\nL3:b\nX4\nT5:end\nEOF\n");
	got = via_pipe(data, 65536, 0);
	TAP_EQ_INT(got != NULL && strcmp(got, want) == 0, 1,
	    "700 KiB line read whole, 1 MiB + 5 line skipped");
	free(got);
	free(want);
	free(data);
}

/* Many lines of varied length through a file: content and count exact. */
static void
test_file(void)
{
	char path[] = "/tmp/lt-lines-test.XXXXXX";
	int fd = mkstemp(path), ok = 1, trunc, rc;
	FILE *f;
	struct lt_lines lr;
	struct lt_err err;
	const char *line;
	size_t len, i, n = 0, want_len;
	uint32_t x = 1;

	if (fd < 0) {
		TAP_OK(0, "mkstemp");
		return;
	}
	f = fdopen(fd, "w");
	for (i = 0; i < 200000; i++) {
		x = x * 1103515245u + 12345u;
		fprintf(f, "%zu:%.*s\n", i, (int)(x >> 24) % 200,
		    "--------------------------------------------------"
		    "--------------------------------------------------"
		    "--------------------------------------------------"
		    "--------------------------------------------------");
	}
	fclose(f);
	fd = open(path, O_RDONLY);
	unlink(path);
	lt_lines_init(&lr, fd, 0, &err);
	x = 1;
	for (;;) {
		char head[32];
		int hl;

		rc = lt_lines_next(&lr, &line, &len, &trunc, &err);
		if (rc != LT_LINES_OK)
			break;
		hl = snprintf(head, sizeof(head), "%zu:", n);

		x = x * 1103515245u + 12345u;
		want_len = (size_t)hl + (x >> 24) % 200;
		if (len != want_len || memcmp(line, head, (size_t)hl) != 0 ||
		    trunc || lr.lineno != n + 1)
			ok = 0;
		n++;
	}
	TAP_EQ_INT(rc, LT_LINES_EOF, "file: ends with EOF");
	TAP_EQ_INT(n, 200000, "file: 200000 lines");
	TAP_OK(ok, "file: every line intact, numbered");
	rc = lt_lines_next(&lr, &line, &len, &trunc, &err);
	TAP_EQ_INT(rc, LT_LINES_EOF, "EOF again after EOF");
	lt_lines_fini(&lr);
	close(fd);
}

static void
on_alarm(int sig)
{
	(void)sig;
}

/* A read interrupted by a signal (no SA_RESTART) is retried. */
static void
test_eintr(void)
{
	struct sigaction sa;
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	pid_t pid;
	int fd;
	char *got;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	fd = feed("one\ntwo\n", 8, 4, 200, &pid);
	got = slurp(fd, 0);
	setitimer(ITIMER_REAL, &off, NULL);
	TAP_EQ_STR(got, "L1:one\nL2:two\nEOF\n", "EINTR retried");
	free(got);
	close(fd);
	reap(pid);
}

static void
test_errors(void)
{
	struct lt_lines lr;
	struct lt_err err;
	const char *line;
	size_t len;
	int trunc, rc;

	lt_err_clear(&err);
	TAP_EQ_INT(lt_lines_init(&lr, -1, 0, &err), 0, "init with bad fd");
	rc = lt_lines_next(&lr, &line, &len, &trunc, &err);
	TAP_EQ_INT(rc, LT_LINES_ERROR, "read error reported");
	TAP_OK(strstr(err.msg, "read") != NULL && err.code == LT_EXIT_RUNTIME,
	    "read error message: %s", err.msg);
	lt_lines_fini(&lr);
	lt_lines_fini(&lr);
	TAP_OK(1, "fini twice is harmless");
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	test_basic();
	test_cap();
	test_grow();
	test_file();
	test_eintr();
	test_errors();
	return tap_done();
}
