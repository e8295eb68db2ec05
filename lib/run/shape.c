/*
 * shape.c - load shape lines and their sources; see shape.h.
 *
 * A source is a byte stream cut into lines and parsed into a queue of
 * stages, whatever delivers the bytes (a file read at once, a command's
 * pipe, a FIFO), so the engine has one "fd readable -> read -> drain"
 * path.  Commands run in their own process group, so closing the source
 * also stops what the script started (sleep, awk...).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/buf.h"
#include "run/scenario.h"
#include "run/shape.h"

extern char **environ;

#define SHAPE_MAX_FIELDS 8

struct lt_shape {
	enum lt_shape_kind kind;
	char *name;
	int fd;             /* read end, or -1 */
	int dummy_fd;       /* FIFO: our own writer, or -1 */
	pid_t pid;          /* command, or 0 once reaped */
	struct lt_buf part; /* bytes of an unfinished line */
	int line;
	double last_at;     /* time of the last timed stage, or -1 */
	struct lt_stage *q; /* pending stages: q[head..n) */
	size_t head, n, cap;
	int eof;                /* no more bytes will come */
	int ended;              /* an END stage was queued */
	int done;               /* END handed out, or EOF with nothing left */
	int stages;             /* stage lines taken so far */
	int status;             /* command: exit status once reaped, or -1 */
	struct lt_buf warn;     /* pending warnings, one per line */
	struct lt_buf warn_out; /* the text last handed out */
};

/* --- one line ----------------------------------------------------------- */

struct field {
	const char *s;
	size_t n;
	size_t col;
};

static int
field_is(const struct field *f, const char *s)
{
	return f->n == strlen(s) && strncasecmp(f->s, s, f->n) == 0;
}

static int
ferr(
    struct lt_err *err, const struct field *f, size_t eol_col, const char *what)
{
	if (f == NULL)
		return lt_err_set(err, LT_EXIT_USAGE,
		    "%zu: expected %s, got end of line", eol_col, what);
	return lt_err_set(err, LT_EXIT_USAGE, "%zu: expected %s, got '%.*s'",
	    f->col, what, (int)(f->n > 40 ? 40 : f->n), f->s);
}

static int
num(const struct field *f, double *out)
{
	char tmp[64], *end;

	if (f->n == 0 || f->n >= sizeof(tmp))
		return -1;
	memcpy(tmp, f->s, f->n);
	tmp[f->n] = '\0';
	errno = 0;
	*out = strtod(tmp, &end);
	if (*end != '\0' || errno != 0 || !(*out >= 0) || *out > 1e12)
		return -1;
	return 0;
}

static int
users(const struct field *f, unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	if (f->n == 0 || f->n > 9)
		return -1;
	for (i = 0; i < f->n; i++) {
		if (!isdigit((unsigned char)f->s[i]))
			return -1;
		v = v * 10 + (unsigned long)(f->s[i] - '0');
	}
	*out = v;
	return 0;
}

static int
is_end(const struct field *f)
{
	return field_is(f, "end") || field_is(f, "stop");
}

int
lt_shape_parse_line(
    const char *line, size_t n, struct lt_stage *st, struct lt_err *err)
{
	struct field f[SHAPE_MAX_FIELDS];
	size_t i = 0, nf = 0, end = n;
	const char *hash = memchr(line, '#', n);
	const struct field *t = NULL, *a, *b;

	if (hash != NULL)
		end = (size_t)(hash - line);
	while (i < end) {
		while (i < end && isspace((unsigned char)line[i]))
			i++;
		if (i >= end)
			break;
		if (nf == SHAPE_MAX_FIELDS)
			return lt_err_set(err, LT_EXIT_USAGE,
			    "%zu: expected at most 3 fields", i + 1);
		f[nf].s = line + i;
		f[nf].col = i + 1;
		while (i < end && !isspace((unsigned char)line[i]))
			i++;
		f[nf].n = (size_t)(line + i - f[nf].s);
		nf++;
	}
	if (nf == 0)
		return 0;
	memset(st, 0, sizeof(*st));
	st->at_s = -1;
	/* A leading time is present when the line has 3 fields, or 2 with
	   "end": "60 10 2", "60 rate 50", "90 end". */
	if (nf == 3 || (nf == 2 && is_end(&f[1]))) {
		t = &f[0];
		if (lt_duration_parse(t->s, t->n, &st->at_s) != 0)
			return ferr(err, t, n + 1, "a time (seconds, 90s, 2m)");
	} else if (nf > 3) {
		return ferr(err, &f[3], n + 1, "end of line");
	}
	a = &f[t ? 1 : 0];
	b = nf > (size_t)(t ? 2 : 1) ? &f[t ? 2 : 1] : NULL;
	if (is_end(a)) {
		if (b != NULL)
			return ferr(err, b, n + 1, "end of line");
		st->kind = LT_STAGE_END;
		return 1;
	}
	if (field_is(a, "rate")) {
		st->kind = LT_STAGE_RATE;
		if (b == NULL || num(b, &st->rate_rps))
			return ferr(err, b, n + 1, "a rate (requests/s)");
		return 1;
	}
	st->kind = LT_STAGE_USERS;
	if (users(a, &st->users))
		return ferr(err, a, n + 1,
		    t ? "a user count, 'rate' or 'end'"
		      : "a user count, 'rate', 'end' or "
		        "a time with 3 fields");
	if (b != NULL && num(b, &st->spawn_rate))
		return ferr(err, b, n + 1, "a spawn rate (users/s)");
	return 1;
}

/* --- sources ------------------------------------------------------------ */

static struct lt_shape *
shape_alloc(enum lt_shape_kind kind, const char *name)
{
	struct lt_shape *sh = calloc(1, sizeof(*sh));

	if (sh == NULL)
		return NULL;
	sh->name = strdup(name);
	if (sh->name == NULL) {
		free(sh);
		return NULL;
	}
	sh->kind = kind;
	sh->fd = -1;
	sh->dummy_fd = -1;
	sh->last_at = -1;
	sh->status = -1;
	lt_buf_init(&sh->part, LT_SHAPE_LINE_CAP);
	lt_buf_init(&sh->warn, 64 * 1024);
	lt_buf_init(&sh->warn_out, 64 * 1024);
	return sh;
}

struct lt_shape *
lt_shape_new_buf(const char *name)
{
	return shape_alloc(LT_SHAPE_BUF, name);
}

int
lt_shape_fd(const struct lt_shape *sh)
{
	return sh->eof ? -1 : sh->fd;
}

enum lt_shape_kind
lt_shape_kind(const struct lt_shape *sh)
{
	return sh->kind;
}

static int
enqueue(struct lt_shape *sh, const struct lt_stage *st)
{
	if (sh->head > 0 && sh->head == sh->n) {
		sh->head = 0;
		sh->n = 0;
	}
	if (sh->n == sh->cap) {
		size_t ncap = sh->cap ? sh->cap * 2 : 16;
		struct lt_stage *nq = realloc(sh->q, ncap * sizeof(*nq));

		if (nq == NULL)
			return -1;
		sh->q = nq;
		sh->cap = ncap;
	}
	sh->q[sh->n++] = *st;
	return 0;
}

static int
take_line(struct lt_shape *sh, const char *p, size_t n, struct lt_err *err)
{
	struct lt_stage st;
	int r;

	sh->line++;
	if (sh->ended)
		return 0; /* lines after "end" are ignored */
	r = lt_shape_parse_line(p, n, &st, err);
	if (r < 0) {
		lt_err_prefix(err, "%s:%d:", sh->name, sh->line);
		return -1;
	}
	if (r == 0)
		return 0;
	st.line = sh->line;
	if (st.at_s < 0 && sh->kind == LT_SHAPE_FILE && sh->stages > 0)
		/* "0 10 2" then "60 20": in a file every line arrives at
		   the start, so a second untimed line is a slip */
		return lt_err_set(err, LT_EXIT_USAGE,
		    "%s:%d:1: expected a time first (in a file only the "
		    "first stage may omit it: 'SECONDS USERS SPAWN_RATE')",
		    sh->name, sh->line);
	if (st.at_s >= 0) {
		if (st.at_s < sh->last_at &&
		    (sh->kind == LT_SHAPE_CMD || sh->kind == LT_SHAPE_FIFO)) {
			/* a live source cannot be rejected as a whole */
			lt_buf_printf(&sh->warn,
			    "%s:%d:1: line ignored: time %g is before the "
			    "previous stage's %g\n",
			    sh->name, sh->line, st.at_s, sh->last_at);
			return 0;
		}
		if (st.at_s < sh->last_at)
			return lt_err_set(err, LT_EXIT_USAGE,
			    "%s:%d:1: expected a time >= %g (the previous "
			    "stage's), got %g",
			    sh->name, sh->line, sh->last_at, st.at_s);
		sh->last_at = st.at_s;
	}
	sh->stages++;
	if (st.kind == LT_STAGE_END)
		sh->ended = 1;
	if (enqueue(sh, &st))
		return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	return 0;
}

/* At the end of a command's output: the run ends after the last stage. */
static int
finish_eof(struct lt_shape *sh, struct lt_err *err)
{
	struct lt_stage st;

	sh->eof = 1;
	if (sh->part.len > 0) {
		int r = take_line(sh, sh->part.data, sh->part.len, err);

		lt_buf_reset(&sh->part);
		if (r)
			return -1;
	}
	if (sh->kind == LT_SHAPE_CMD && !sh->ended) {
		memset(&st, 0, sizeof(st));
		st.kind = LT_STAGE_END;
		st.at_s = sh->last_at;
		st.line = sh->line;
		sh->ended = 1;
		if (enqueue(sh, &st))
			return lt_err_set(
			    err, LT_EXIT_RUNTIME, "out of memory");
	}
	return 0;
}

int
lt_shape_feed(
    struct lt_shape *sh, const char *p, size_t n, int eof, struct lt_err *err)
{
	size_t i = 0;

	while (i < n) {
		const char *nl = memchr(p + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - p) : n;

		if (lt_buf_add(&sh->part, p + i, e - i) != 0)
			return lt_err_set(err, LT_EXIT_USAGE,
			    "%s:%d: line longer than %d bytes", sh->name,
			    sh->line + 1, LT_SHAPE_LINE_CAP);
		if (nl == NULL)
			break;
		if (take_line(sh, sh->part.data ? sh->part.data : "",
		        sh->part.len, err))
			return -1;
		lt_buf_reset(&sh->part);
		i = e + 1;
	}
	return eof ? finish_eof(sh, err) : 0;
}

int
lt_shape_next(struct lt_shape *sh, struct lt_stage *st)
{
	if (sh->done || sh->head == sh->n) {
		if (sh->eof && sh->head == sh->n)
			sh->done = 1;
		return 0;
	}
	*st = sh->q[sh->head++];
	if (st->kind == LT_STAGE_END)
		sh->done = 1;
	return 1;
}

int
lt_shape_done(const struct lt_shape *sh)
{
	return sh->done || (sh->eof && sh->head == sh->n && !sh->ended);
}

int
lt_shape_ends(const struct lt_shape *sh)
{
	return sh->kind == LT_SHAPE_CMD || sh->ended;
}

int
lt_shape_status(const struct lt_shape *sh)
{
	return sh->kind == LT_SHAPE_CMD ? sh->status : -1;
}

const char *
lt_shape_warnings(struct lt_shape *sh)
{
	struct lt_buf t;

	if (sh->warn.len == 0)
		return NULL;
	t = sh->warn_out; /* swap: the text handed out stays valid */
	sh->warn_out = sh->warn;
	sh->warn = t;
	lt_buf_reset(&sh->warn);
	return lt_buf_cstr(&sh->warn_out);
}

static void
reap(struct lt_shape *sh, int sig)
{
	int status;

	if (sh->pid <= 0)
		return;
	if (sig != 0)
		kill(-sh->pid, sig); /* its process group: see above */
	while (waitpid(sh->pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = -1;
			break;
		}
	}
	if (status != -1 && sig == 0)
		sh->status = WIFEXITED(status) ? WEXITSTATUS(status)
		    : WIFSIGNALED(status)      ? 128 + WTERMSIG(status)
		                               : -1;
	sh->pid = 0;
}

int
lt_shape_read(struct lt_shape *sh, struct lt_err *err)
{
	char tmp[4096];
	ssize_t r;

	if (sh->eof || sh->fd < 0)
		return 1;
	for (;;) {
		r = read(sh->fd, tmp, sizeof(tmp));
		if (r > 0) {
			if (lt_shape_feed(sh, tmp, (size_t)r, 0, err))
				return -1;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (r < 0)
			return lt_err_sys(
			    err, LT_EXIT_RUNTIME, errno, "%s", sh->name);
		break;
	}
	/* EOF: a command has exited (a FIFO never gets here) */
	close(sh->fd);
	sh->fd = -1;
	reap(sh, 0);
	return finish_eof(sh, err) ? -1 : 1;
}

static int
open_file(struct lt_shape *sh, const char *path, struct lt_err *err)
{
	char tmp[65536];
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return lt_err_sys(err, LT_EXIT_USAGE, errno, "%s", path);
	for (;;) {
		r = read(fd, tmp, sizeof(tmp));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			close(fd);
			return lt_err_sys(err, LT_EXIT_USAGE, e, "%s", path);
		}
		if (r == 0)
			break;
		if (lt_shape_feed(sh, tmp, (size_t)r, 0, err)) {
			close(fd);
			return -1;
		}
	}
	close(fd);
	return lt_shape_feed(sh, NULL, 0, 1, err);
}

static int
open_fifo(struct lt_shape *sh, const char *path, struct lt_err *err)
{
	sh->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (sh->fd < 0)
		return lt_err_sys(err, LT_EXIT_USAGE, errno, "%s", path);
	/* Our own writer: when the last outside writer closes, read()
	   returns EAGAIN instead of 0, so the loop does not spin on EOF. */
	sh->dummy_fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (sh->dummy_fd < 0)
		return lt_err_sys(err, LT_EXIT_RUNTIME, errno, "%s", path);
	return 0;
}

static int
open_cmd(struct lt_shape *sh, const char *cmd, struct lt_err *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	char *argv[4] = { "sh", "-c", (char *)cmd, NULL };
	int fds[2], rc;

	if (pipe2(fds, O_CLOEXEC) != 0)
		return lt_err_sys(err, LT_EXIT_RUNTIME, errno, "pipe");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&at, 0);
	rc = posix_spawn(&sh->pid, "/bin/sh", &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		sh->pid = 0;
		return lt_err_sys(err, LT_EXIT_RUNTIME, rc, "%s: sh", cmd);
	}
	sh->fd = fds[0];
	if (fcntl(sh->fd, F_SETFL, fcntl(sh->fd, F_GETFL) | O_NONBLOCK) != 0)
		return lt_err_sys(err, LT_EXIT_RUNTIME, errno, "fcntl");
	return 0;
}

int
lt_shape_open(const char *spec, struct lt_shape **out, struct lt_err *err)
{
	struct lt_shape *sh;
	struct stat st;
	enum lt_shape_kind kind = LT_SHAPE_CMD;
	int rc;

	*out = NULL;
	if (stat(spec, &st) == 0) {
		if (S_ISFIFO(st.st_mode))
			kind = LT_SHAPE_FIFO;
		else if (S_ISREG(st.st_mode) && access(spec, X_OK) != 0)
			kind = LT_SHAPE_FILE;
	}
	sh = shape_alloc(kind, spec);
	if (sh == NULL)
		return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	if (kind == LT_SHAPE_FILE)
		rc = open_file(sh, spec, err);
	else if (kind == LT_SHAPE_FIFO)
		rc = open_fifo(sh, spec, err);
	else
		rc = open_cmd(sh, spec, err);
	if (rc != 0) {
		lt_shape_close(sh);
		return -1;
	}
	*out = sh;
	return 0;
}

void
lt_shape_close(struct lt_shape *sh)
{
	if (sh == NULL)
		return;
	if (sh->fd >= 0)
		close(sh->fd);
	if (sh->dummy_fd >= 0)
		close(sh->dummy_fd);
	reap(sh, SIGTERM);
	lt_buf_fini(&sh->part);
	lt_buf_fini(&sh->warn);
	lt_buf_fini(&sh->warn_out);
	free(sh->q);
	free(sh->name);
	free(sh);
}
