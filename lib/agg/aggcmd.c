/*
 * aggcmd.c - the body of lt-agg; see aggcmd.h.
 *
 * Compressed input is read through `gzip -dc` spawned with posix_spawnp
 * rather than linking zlib: one dependency less, and the decompression
 * runs on the other core.  A file is treated as gzip when it starts with
 * the gzip magic bytes 1f 8b, whatever its name.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agg/agg.h"
#include "agg/llmstat.h"
#include "agg/aggcmd.h"
#include "agg/aggmerge.h"
#include "agg/aggwrite.h"
#include "agg/baseline.h"
#include "agg/junit.h"
#include "agg/openmetrics.h"
#include "core/lines.h"
#include "agg/thresh.h"

extern char **environ;

/* An opened input: fd to read, the gzip child if any, peeked bytes. */
struct input {
	int fd;
	pid_t child;
	char peek[2]; /* read from a pipe to sniff gzip; to be read first */
	size_t npeek;
};

/* gzip -dc of the magic bytes already read from a pipe, then the rest. */
static char *const gunzip_rest[] = { "sh", "-c",
	"{ printf '\\037\\213' && exec cat; } | exec gzip -dc", NULL };
static char *const gunzip[] = { "gzip", "-dc", NULL };

static int
is_gzip(int fd)
{
	unsigned char m[2];

	return pread(fd, m, 2, 0) == 2 && m[0] == 0x1f && m[1] == 0x8b;
}

static int
spawn_gunzip(int in_fd, struct input *in, const char *name, char *const argv[],
    struct lt_err *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t dfl;
	int p[2], rc;

	if (pipe2(p, O_CLOEXEC) == -1)
		return lt_err_sys(err, LT_EXIT_RUNTIME, errno, "pipe");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	/* lt-agg ignores SIGPIPE; gzip should die of it if we stop early */
	posix_spawnattr_init(&attr);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawnp(&in->child, argv[0], &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		return lt_err_sys(
		    err, LT_EXIT_RUNTIME, rc, "%s: cannot run gzip -dc", name);
	}
	in->fd = p[0];
	return 0;
}

static int
open_input(const char *path, struct input *in, struct lt_err *err)
{
	struct stat st;
	int fd, rc;

	in->child = -1;
	in->npeek = 0;
	if (strcmp(path, "-") == 0) {
		in->fd = 0;
		/* a redirected file: pread looks without consuming */
		if (is_gzip(0))
			return spawn_gunzip(0, in, path, gunzip, err);
		if (lseek(0, 0, SEEK_CUR) != -1)
			return 0;
		/* a pipe: read two bytes, handed on to whoever reads next */
		while (in->npeek < 2) {
			ssize_t r =
			    read(0, in->peek + in->npeek, 2 - in->npeek);

			if (r == 0)
				break;
			if (r < 0 && errno != EINTR)
				return lt_err_sys(
				    err, LT_EXIT_RUNTIME, errno, "-: read");
			if (r > 0)
				in->npeek += (size_t)r;
		}
		if (in->npeek == 2 && (unsigned char)in->peek[0] == 0x1f &&
		    (unsigned char)in->peek[1] == 0x8b) {
			in->npeek = 0;
			return spawn_gunzip(0, in, path, gunzip_rest, err);
		}
		return 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return lt_err_sys(err, LT_EXIT_USAGE, errno, "%s", path);
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return lt_err_set(
		    err, LT_EXIT_USAGE, "%s: is a directory", path);
	}
	if (!is_gzip(fd)) {
		in->fd = fd;
		return 0;
	}
	rc = spawn_gunzip(fd, in, path, gunzip, err);
	close(fd);
	return rc;
}

static int
close_input(struct input *in, const char *path, struct lt_err *err)
{
	int status;

	if (in->fd > 0)
		close(in->fd);
	if (in->child <= 0)
		return 0;
	while (waitpid(in->child, &status, 0) == -1)
		if (errno != EINTR)
			return lt_err_sys(
			    err, LT_EXIT_RUNTIME, errno, "waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return lt_err_set(err, LT_EXIT_USAGE,
		    "%s: gzip -dc failed (corrupt or truncated file)", path);
	return 0;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct live {
	double every, last;
	FILE *out;
	const char *path; /* a file replaced at each interval, or NULL */
	enum lt_agg_format format;
	struct lt_buf buf;
};

/*
 * Replaces path with b through a temporary file and rename(2), so that a
 * scraper or a push script never reads half an exposition.
 */
static int
replace_file(const char *path, const struct lt_buf *b)
{
	char tmp[4096];
	FILE *f;
	int bad;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -1;
	f = fopen(tmp, "w");
	if (f == NULL)
		return -1;
	bad = fwrite(b->data, 1, b->len, f) != b->len;
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path) == -1) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int
live_tick(struct lt_agg *agg, struct live *lv, int force)
{
	double t = now_s();

	if (!force && t - lv->last < lv->every)
		return 0;
	if (lt_agg_finish(agg) == -1)
		return -1;
	lt_buf_reset(&lv->buf);
	if (lv->format == LT_FMT_TEXT) {
		lt_agg_write_live(agg, t - lv->last, &lv->buf);
	} else {
		lt_om_write(agg,
		    lv->format == LT_FMT_PROMETHEUS ? LT_OM_PROMETHEUS
		                                    : LT_OM_OPENMETRICS,
		    t - lv->last > 0 ? t - lv->last : 1e-9, &lv->buf);
		lt_agg_live_mark(agg);
	}
	if (lv->path) {
		/* a failed write is retried at the next interval */
		replace_file(lv->path, &lv->buf);
	} else {
		fwrite(lv->buf.data, 1, lv->buf.len, lv->out);
		fflush(lv->out);
	}
	lv->last = t;
	return 0;
}

/*
 * With a live table due, waits until input is readable or the table is
 * due, so that an idle pipe still gets its tables.  Only when no complete
 * line is buffered (lt_lines_next would block in read(2)).
 */
static int
live_wait(struct lt_agg *agg, struct lt_lines *lr, struct live *lv)
{
	struct pollfd p = { .fd = lr->fd, .events = POLLIN };

	if (lr->eof ||
	    (lr->end > lr->start &&
	        memchr(lr->buf + lr->start, '\n', lr->end - lr->start) != NULL))
		return 0;
	for (;;) {
		double wait_s = lv->last + lv->every - now_s();
		int rc;

		if (wait_s <= 0) {
			if (live_tick(agg, lv, 1) == -1)
				return -1;
			continue;
		}
		rc = poll(&p, 1, (int)(wait_s * 1000) + 1);
		if (rc > 0 || (rc == -1 && errno != EINTR))
			return 0; /* readable, or let read(2) report it */
	}
}

/* The first rejected line of a file, for the warning at its end. */
struct first_reject {
	int64_t n, line;
	char reason[192];
};

static void
note_reject(struct first_reject *fr, int64_t line, const char *reason)
{
	if (fr->n++ == 0) {
		fr->line = line;
		snprintf(fr->reason, sizeof(fr->reason), "%.*s",
		    (int)sizeof(fr->reason) - 1, reason);
	}
}

/* Whether s[0..n) starts, after blanks, with the text t. */
static int
starts_with(const char *s, size_t n, const char *t)
{
	size_t i = 0, l = strlen(t);

	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
		i++;
	return n - i >= l && memcmp(s + i, t, l) == 0;
}

/*
 * Whether the first lines of a stream are an aggregate's (lt-aggregate(5)
 * as lt-agg writes it, or reformatted by jq): "{"lt_aggregate":" on line
 * 1, or "{" then ""lt_aggregate":" on line 2.  *open tracks a lone "{".
 */
static int
is_aggregate_head(const char *line, size_t len, uint64_t lineno, int *open)
{
	if (lineno == 1) {
		*open = starts_with(line, len, "{") &&
		    strspn(line, "{ \t\r") == len;
		return starts_with(line, len, "{\"lt_aggregate\":") ||
		    starts_with(line, len, "{ \"lt_aggregate\":");
	}
	return lineno == 2 && *open &&
	    starts_with(line, len, "\"lt_aggregate\":");
}

/* Reads one event stream into agg. */
static int
read_events(struct lt_agg *agg, struct lt_evscan *sc, const struct input *in,
    const char *name, const struct lt_aggcmd *cmd, struct live *lv,
    struct lt_err *err)
{
	struct lt_lines lr;
	struct first_reject fr = { 0 };
	const char *line;
	size_t len;
	int trunc, rc, open = 0;

	if (lt_lines_init(&lr, in->fd, 0, err) == -1)
		return -1;
	memcpy(lr.buf, in->peek, in->npeek); /* the buffer holds far more */
	lr.end = in->npeek;
	for (;;) {
		if (lv && live_wait(agg, &lr, lv) == -1)
			goto nomem;
		rc = lt_lines_next(&lr, &line, &len, &trunc, err);
		if (rc == LT_LINES_EOF)
			break;
		if (rc == LT_LINES_ERROR) {
			lt_err_prefix(err, "%s: ", name);
			goto fail;
		}
		if (rc == LT_LINES_TOOLONG) {
			agg->lines++;
			lt_agg_reject(agg, name, (int64_t)lr.lineno,
			    "line longer than the cap (1 MiB)");
			note_reject(&fr, (int64_t)lr.lineno,
			    "line longer than the cap (1 MiB)");
			if (cmd->strict) {
				lt_err_set(err, LT_EXIT_USAGE,
				    "%s:%llu: line longer than the cap (1 MiB)",
				    name, (unsigned long long)lr.lineno);
				goto fail;
			}
			continue;
		}
		rc = lt_agg_line(
		    agg, sc, line, len, name, (int64_t)lr.lineno, err);
		if (rc == 1 && lr.lineno <= 2 &&
		    is_aggregate_head(line, len, lr.lineno, &open)) {
			lt_err_set(err, LT_EXIT_USAGE,
			    "%s: this is an aggregate (lt-aggregate(5)), not "
			    "an event stream: use lt-agg --merge %s",
			    name, name);
			goto fail;
		}
		if (rc == -1 || (rc == 1 && cmd->strict))
			goto fail;
		if (rc == 1) {
			/* err->msg is "name:lineno: reason" */
			int pre = snprintf(NULL, 0, "%s:%llu: ", name,
			    (unsigned long long)lr.lineno);

			note_reject(&fr, (int64_t)lr.lineno,
			    pre > 0 && (size_t)pre <= strlen(err->msg)
			        ? err->msg + pre
			        : err->msg);
		}
		if (lv && live_tick(agg, lv, 0) == -1)
			goto nomem;
	}
	lt_lines_fini(&lr);
	if (fr.n && !cmd->quiet)
		fprintf(cmd->diag,
		    "lt-agg: %s: %lld line%s rejected, first at line %lld: "
		    "%s\n",
		    name, (long long)fr.n, fr.n == 1 ? "" : "s",
		    (long long)fr.line, fr.reason);
	return 0;
nomem:
	lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
fail:
	lt_lines_fini(&lr);
	return -1;
}

static int
read_all(struct lt_agg *agg, const struct lt_aggcmd *cmd, struct live *lv,
    struct lt_err *err)
{
	struct lt_evscan *sc = lt_evscan_new();
	int n = cmd->n_files ? cmd->n_files : 1, rc = 0;

	if (sc == NULL)
		return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	for (int i = 0; i < n && rc == 0; i++) {
		const char *path = cmd->n_files ? cmd->files[i] : "-";
		struct input in;

		/* tables on time while a silent pipe is sniffed for gzip */
		if (lv && strcmp(path, "-") == 0) {
			struct lt_lines idle = { .fd = 0 };

			if (live_wait(agg, &idle, lv) == -1) {
				rc = lt_err_set(
				    err, LT_EXIT_RUNTIME, "out of memory");
				break;
			}
		}
		if (strcmp(path, "-") == 0 && isatty(0) && !cmd->quiet)
			fprintf(cmd->diag,
			    "lt-agg: waiting for events on stdin (a terminal); "
			    "pipe lt-run into lt-agg, or name event files\n");
		if (open_input(path, &in, err) == -1) {
			rc = -1;
			break;
		}
		rc = read_events(agg, sc, &in, path, cmd, lv, err);
		if (in.fd == 0)
			in.fd = -1;
		if (rc == 0) {
			rc = close_input(&in, path, err);
		} else {
			struct lt_err ignored; /* the first error is the one */

			close_input(&in, path, &ignored);
		}
	}
	lt_evscan_free(sc);
	return rc;
}

static int
write_out(
    const struct lt_aggcmd *cmd, const struct lt_buf *b, struct lt_err *err)
{
	FILE *f = stdout;

	if (cmd->output) {
		f = fopen(cmd->output, "w");
		if (f == NULL) /* an output failure, as a write error */
			return lt_err_sys(
			    err, LT_EXIT_RUNTIME, errno, "%s", cmd->output);
	}
	if (fwrite(b->data, 1, b->len, f) != b->len ||
	    (cmd->output && fclose(f) != 0)) {
		int e = errno;

		if (e == EPIPE && !cmd->output) {
			/*
			 * The reader took what it wanted (| head): not an
			 * error for a filter.  Drop what stdio still holds so
			 * that the close at exit has nothing to report.
			 */
			__fpurge(stdout);
			clearerr(stdout);
			return 0;
		}
		return lt_err_sys(err, LT_EXIT_RUNTIME, e, "%s",
		    cmd->output ? cmd->output : "stdout");
	}
	return 0;
}

/* Longest endpoint name in characters, for the text table (20 to 80). */
static int
name_width(const struct lt_agg *agg)
{
	int w = 20;

	for (size_t i = 0; i < agg->n_eps; i++) {
		size_t c = lt_agg_text_cols(
		    agg->eps[i]->key.p[1], agg->eps[i]->key.n[1]);

		if (c > (size_t)w)
			w = c > 80 ? 80 : (int)c;
	}
	return w;
}

/* Parses, evaluates and reports the thresholds; *failed set when any fails. */
static int
run_checks(const struct lt_aggcmd *cmd, const struct lt_agg *agg,
    struct lt_buf *json, struct lt_buf *text, struct lt_junit *junit,
    int *failed, struct lt_err *err)
{
	struct lt_thresh *t = calloc((size_t)cmd->n_checks + 1, sizeof(*t));
	struct lt_buf line;
	int rc = 0, i;

	if (t == NULL)
		return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	lt_buf_init(&line, 0);
	for (i = 0; i < cmd->n_checks && rc == 0; i++)
		rc = lt_thresh_parse(cmd->checks[i], &t[i], err);
	for (int j = 0; rc == 0 && j < cmd->n_checks; j++) {
		if (lt_thresh_eval(&t[j], agg) == -1) {
			rc = lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
			break;
		}
		if (!t[j].ok)
			*failed = 1;
		lt_buf_reset(&line);
		lt_thresh_describe(&t[j], &line);
		if (!cmd->quiet)
			fprintf(cmd->diag, "lt-agg: %s", lt_buf_cstr(&line));
		lt_buf_add(text, line.data, line.len);
		if (junit && lt_junit_thresh(junit, &t[j]) == -1) {
			rc = lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
			break;
		}
	}
	if (rc == 0 && lt_thresh_write_json(t, (size_t)cmd->n_checks, json))
		rc = lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	for (int j = 0; j < cmd->n_checks; j++)
		lt_thresh_fini(&t[j]);
	free(t);
	lt_buf_fini(&line);
	return rc;
}

/* Validates the threshold expressions before reading any input. */
static int
precheck(const struct lt_aggcmd *cmd, struct lt_err *err)
{
	for (int i = 0; i < cmd->n_checks; i++) {
		struct lt_thresh t;
		int rc = lt_thresh_parse(cmd->checks[i], &t, err);

		lt_thresh_fini(&t);
		if (rc == -1)
			return -1;
	}
	return 0;
}

/* Writes the JUnit document of the results to cmd->junit. */
static int
write_junit(const struct lt_aggcmd *cmd, struct lt_junit *j,
    const struct lt_buf *bl, struct lt_err *err)
{
	struct lt_aggcmd to = { .output = cmd->junit };
	struct lt_buf doc;
	int rc;

	if (cmd->baseline && lt_junit_baseline(j, bl->data, bl->len, err) == -1)
		return -1;
	lt_buf_init(&doc, 0);
	if (lt_junit_doc(j, cmd->baseline != NULL, &doc) == -1) {
		lt_buf_fini(&doc);
		return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	}
	rc = write_out(&to, &doc, err);
	lt_buf_fini(&doc);
	return rc;
}

static int
finish_and_write(
    struct lt_agg *agg, const struct lt_aggcmd *cmd, struct lt_err *err)
{
	struct lt_buf out, th, tt, bl;
	struct lt_junit junit;
	int failed = 0, regressed = 0, rc = -1;

	lt_buf_init(&out, 0);
	lt_buf_init(&th, 0);
	lt_buf_init(&tt, 0);
	lt_buf_init(&bl, 0);
	lt_junit_init(&junit);
	if (lt_agg_finish(agg) == -1) {
		lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
		goto done;
	}
	if (run_checks(cmd, agg, &th, &tt, cmd->junit ? &junit : NULL, &failed,
	        err) == -1)
		goto done;
	if (cmd->baseline &&
	    lt_baseline_compare(agg, cmd->baseline, cmd->tolerance, &bl,
	        &regressed, cmd->quiet ? NULL : cmd->diag, err) == -1)
		goto done;
	if (cmd->junit && write_junit(cmd, &junit, &bl, err) == -1)
		goto done;
	if (cmd->format == LT_FMT_OPENMETRICS ||
	    cmd->format == LT_FMT_PROMETHEUS) {
		if (lt_om_write(agg,
		        cmd->format == LT_FMT_PROMETHEUS ? LT_OM_PROMETHEUS
		                                         : LT_OM_OPENMETRICS,
		        0, &out) == -1)
			goto nomem;
	} else if (cmd->format == LT_FMT_TEXT) {
		if (lt_agg_write_text(agg, name_width(agg), &out) == -1)
			goto nomem;
		if (tt.len &&
		    (lt_buf_adds(&out, "\nThresholds\n") == -1 ||
		        lt_buf_add(&out, tt.data, tt.len) == -1))
			goto nomem;
	} else if (lt_agg_write_json(agg, lt_buf_cstr(&th),
	               cmd->baseline ? lt_buf_cstr(&bl) : NULL, &out) == -1) {
		goto nomem;
	}
	if (write_out(cmd, &out, err) == -1)
		goto done;
	rc = failed || regressed      ? LT_EXIT_CHECK
	    : agg->total.failures > 0 ? cmd->exit_code_on_error
	                              : LT_EXIT_OK;
	goto done;
nomem:
	lt_err_set(err, LT_EXIT_RUNTIME, "output too large or out of memory");
done:
	lt_buf_fini(&out);
	lt_buf_fini(&th);
	lt_buf_fini(&tt);
	lt_buf_fini(&bl);
	lt_junit_fini(&junit);
	if (rc == -1)
		rc = err->code ? err->code : LT_EXIT_RUNTIME;
	return rc;
}

/* Input had lines but not one usable event: an error, not an empty run. */
static int
no_events(const struct lt_agg *agg, struct lt_err *err)
{
	char unk[48] = "";

	if (agg->unknown)
		snprintf(unk, sizeof(unk), ", %lld of unknown type",
		    (long long)agg->unknown);
	return lt_err_set(err, LT_EXIT_USAGE,
	    "no usable event in %lld line%s (%lld rejected%s)",
	    (long long)agg->lines, agg->lines == 1 ? "" : "s",
	    (long long)agg->rejected, unk);
}

int
lt_aggcmd_run(const struct lt_aggcmd *cmd, struct lt_err *err)
{
	struct lt_agg_opts o = { .timeline_endpoints = cmd->timeline_endpoints,
		.since_us = cmd->since_us,
		.until_us = cmd->until_us };
	struct lt_agg *agg;
	struct live lv, *lvp = NULL;
	int rc;

	lt_err_clear(err);
	if (precheck(cmd, err) == -1)
		return err->code;
	agg = lt_agg_new(&o);
	if (agg == NULL) {
		lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
		return LT_EXIT_RUNTIME;
	}
	if (cmd->goodput != NULL &&
	    lt_llmstat_goodput(&agg->llm, cmd->goodput, err) == -1) {
		lt_agg_free(agg);
		return err->code;
	}
	if (cmd->every_s > 0 && !cmd->merge) {
		lv.every = cmd->every_s;
		lv.last = now_s();
		lv.out = cmd->diag;
		lv.path = NULL;
		lv.format = cmd->live_format;
		if (cmd->live_output && strcmp(cmd->live_output, "-") == 0)
			lv.out = stdout;
		else if (cmd->live_output)
			lv.path = cmd->live_output;
		lt_buf_init(&lv.buf, 0);
		lvp = &lv;
	}
	if (cmd->merge)
		rc = lt_agg_merge_files(agg, cmd->files, cmd->n_files,
		    cmd->quiet ? NULL : cmd->diag, err);
	else
		rc = read_all(agg, cmd, lvp, err);
	if (rc == 0 && !cmd->merge && agg->events == 0 &&
	    (agg->rejected > 0 || agg->unknown > 0))
		rc = no_events(agg, err);
	if (rc == 0 && !cmd->merge && agg->events == 0 && !cmd->quiet)
		fprintf(cmd->diag,
		    "lt-agg: warning: no events in the input (%s): the "
		    "aggregate is of an empty run\n",
		    agg->lines ? "blank lines only" : "it was empty");
	if (rc == 0 && lvp && live_tick(agg, lvp, 1) == -1)
		rc = lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	if (rc == 0)
		rc = finish_and_write(agg, cmd, err);
	else
		rc = err->code ? err->code : LT_EXIT_RUNTIME;
	if (lvp)
		lt_buf_fini(&lv.buf);
	lt_agg_free(agg);
	return rc;
}
