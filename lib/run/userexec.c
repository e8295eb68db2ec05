/*
 * userexec.c - a user's exec step: the command spawned with its output
 * on a pipe, watched and timed out on the shard's loop, and its result
 * (exit status, or a JSON object with measurements) turned into one req
 * event.
 *
 * Exec children are watched with a pidfd (pidfd_open(2)) rather than
 * ev_child: ev_child only works on libev's default loop, which reaps
 * every child itself, and lt-run runs one loop per thread.
 */
#include <errno.h>
#include <spawn.h>
#include <sys/pidfd.h>
#include <sys/wait.h>

#include <jansson.h>

#include "core/jsonw.h"
#include "run/user.h"
#include "run/userpriv.h"

#define MAX_ARGV 64

extern char **environ;

static void
exec_out(struct ev_loop *loop, ev_io *w, int revents)
{
	struct lt_user *u = w->data;
	char buf[4096];
	ssize_t n;
	size_t room;

	(void)revents;
	for (;;) {
		n = read(u->outfd, buf, sizeof(buf));
		if (n > 0) {
			u->exec_bytes += n;
			room = u->x.body.cap - u->x.body.len;
			lt_buf_add(&u->x.body, buf,
			    (size_t)n < room ? (size_t)n : room);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || (n < 0 && errno != EAGAIN)) {
			ev_io_stop(loop, w);
			close(u->outfd);
			u->outfd = -1;
		}
		break;
	}
}

static void
exec_exited(struct ev_loop *loop, ev_io *w, int revents)
{
	struct lt_user *u = w->data;

	(void)loop;
	(void)revents;
	user_exec_finish(u, NULL);
}

void
user_exec_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct lt_user *u = w->data;

	(void)loop;
	(void)revents;
	u->exec_timed_out = 1;
	/* the command's whole process group: sh -c's children too */
	kill(-u->pid, SIGKILL);
}

/* The first output line as a JSON object, or NULL. */
static json_t *
exec_json(struct lt_user *u)
{
	const char *p = u->x.body.data, *nl;
	size_t n = u->x.body.len;
	json_t *j;

	if (p == NULL)
		return NULL;
	nl = memchr(p, '\n', n);
	if (nl != NULL)
		n = (size_t)(nl - p);
	j = json_loadb(p, n, 0, NULL);
	if (j != NULL && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

/*
 * Members of lt-events(5) (any event type: readers check their types)
 * that a command's "output json" cannot set.  The measurements
 * latency_ms, ttfb_ms, connect_ms and bytes are not among them: a
 * command may report its own, checked (see exec_meas).
 */
static const char *const exec_reserved[] = { "type", "ts", "name", "method",
	"url", "status", "ok", "error", "user", "class", "wait_ms", "exit",
	"tags", "new_conn", "http", "first_event_ms", "events", "count",
	"classes", "phase", "host", "reason", "scenario", "options", "worker",
	"state", "requests", "lt_version", "bytes_sent" };

static int
exec_member_kept(const char *k)
{
	size_t i;

	if (strcmp(k, "latency_ms") == 0 || strcmp(k, "ttfb_ms") == 0 ||
	    strcmp(k, "connect_ms") == 0 || strcmp(k, "bytes") == 0)
		return 0; /* written by exec_event, from exec_meas */
	for (i = 0; i < sizeof(exec_reserved) / sizeof(exec_reserved[0]); i++)
		if (strcmp(k, exec_reserved[i]) == 0)
			return 0;
	return 1;
}

/*
 * Reads the duration member k of j (milliseconds) into *us; 0 when it
 * is absent or valid, -1 when it is not a number in 0 .. 1e12 ms.
 */
static int
meas_ms(json_t *j, const char *k, int64_t *us)
{
	json_t *v = json_object_get(j, k);
	double d;

	if (v == NULL)
		return 0;
	if (!json_is_number(v))
		return -1;
	d = json_number_value(v);
	if (!(d >= 0 && d <= 1e12))
		return -1;
	*us = (int64_t)(d * 1000 + 0.5); /* half away from zero, d >= 0 */
	return 0;
}

/*
 * Takes the measurements a command reported in its output json; returns
 * NULL, or the reason the request fails (its reported value is unusable).
 */
static const char *
exec_meas(json_t *j, int64_t *lat, int64_t *ttfb, int64_t *conn, int64_t *bytes)
{
	json_t *v;

	if (meas_ms(j, "latency_ms", lat) != 0)
		return "exec: output json: latency_ms is not a number >= 0";
	/* a reported latency is the time to the first byte too, unless
	 * the command reports that */
	if (json_object_get(j, "latency_ms") != NULL)
		*ttfb = *lat;
	if (meas_ms(j, "ttfb_ms", ttfb) != 0)
		return "exec: output json: ttfb_ms is not a number >= 0";
	if (meas_ms(j, "connect_ms", conn) != 0)
		return "exec: output json: connect_ms is not a number >= 0";
	v = json_object_get(j, "bytes");
	if (v != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return "exec: output json: bytes is not an integer "
			       ">= 0";
		*bytes = json_integer_value(v);
	}
	return NULL;
}

/*
 * Writes the command's req event; cat and msg are the failure found so
 * far (timeout, interrupted, cannot start), or NULL.  status is the
 * exit status, -1 when the command did not start.
 */
static void
exec_event(struct lt_user *u, long status, int64_t lat_us, const char *cat,
    const char *msg)
{
	struct lt_shard *sh = u->sh;
	struct lt_buf *b;
	json_t *j = NULL, *v;
	const char *k, *cmd = u->step->name, *bad = NULL;
	int64_t ttfb_us = lat_us, conn_us = 0, bytes = u->exec_bytes;
	int failed = 0, judged = 0;
	char *s;

	/* output json: only from a command that ran to its end */
	if (cat == NULL && u->step->exec->output_json) {
		j = exec_json(u);
		if (j == NULL)
			bad = "exec: output is not a JSON object";
		else
			bad = exec_meas(j, &lat_us, &ttfb_us, &conn_us, &bytes);
	}
	if (cat != NULL) {
		failed = 1;
		lt_buf_reset(&sh->reason);
		lt_buf_printf(&sh->reason, "%s: %s", cat, msg);
	} else {
		if (u->x.body.data != NULL)
			lt_buf_cstr(&u->x.body);
		failed = user_judge(u, &u->step->checks, status, u->x.body.data,
		    u->x.body.len, NULL, 0, lat_us, 1);
		judged = 1;
		if (!failed && bad != NULL) {
			failed = 1;
			lt_buf_reset(&sh->reason);
			lt_buf_adds(&sh->reason, bad);
		}
	}
	b = lt_evout_begin(&sh->out);
	/* status 0: a command has no protocol status code (lt-events(5));
	 * its exit status goes in "exit" alone */
	user_event_head(u, b, "EXEC", cmd, strlen(cmd), 0, !failed);
	PUT_KEY(b, "error");
	if (failed)
		lt_jsonw_str(b, sh->reason.data, sh->reason.len);
	else
		lt_jsonw_null(b);
	PUT_KEY(b, "latency_ms");
	lt_jsonw_fixed(b, lat_us, 3);
	PUT_KEY(b, "ttfb_ms");
	lt_jsonw_fixed(b, ttfb_us, 3);
	PUT_KEY(b, "connect_ms");
	lt_jsonw_fixed(b, conn_us, 3);
	PUT_KEY(b, "bytes");
	lt_jsonw_i64(b, bytes);
	user_event_tail(u, b);
	if (judged)
		user_put_checks(u, b, &u->step->checks);
	if (status >= 0) { /* none when the command did not start */
		PUT_KEY(b, "exit");
		lt_jsonw_i64(b, status);
	}
	json_object_foreach(j, k, v)
	{
		if (!exec_member_kept(k))
			continue;
		s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		if (s == NULL)
			continue;
		user_put_key(b, k);
		lt_buf_adds(b, s);
		free(s);
	}
	if (j != NULL)
		json_decref(j);
	lt_buf_addc(b, '}');
	user_emit_end(u);
	u->ops->record(u->ops_ctx, "EXEC", cmd,
	    cat && strcmp(cat, "interrupted") == 0 ? -1 : lat_us, failed);
}

int
user_exec_reap(pid_t pid, int *st, int nohang)
{
	siginfo_t si;

	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)pid, &si,
		        WEXITED | WNOWAIT | (nohang ? WNOHANG : 0)) == 0)
			break;
		if (errno != EINTR)
			goto reap; /* cannot happen: it is our child */
	}
	if (si.si_pid == 0)
		return 0;
	kill(-pid, SIGKILL);
reap:
	while (waitpid(pid, st, 0) < 0 && errno == EINTR)
		;
	return 1;
}

void
user_exec_finish(struct lt_user *u, const char *interrupted)
{
	struct ev_loop *loop = u->sh->loop;
	int st = 0;
	long status = -1;
	int64_t lat = lt_http_mono_us() - u->exec_t0_us;
	const char *cat = NULL, *msg = NULL;
	char sigmsg[64];

	if (interrupted != NULL)
		kill(-u->pid, SIGKILL);
	if (!user_exec_reap(u->pid, &st, interrupted == NULL))
		return; /* spurious: still running */
	ev_io_stop(loop, &u->pid_io);
	ev_timer_stop(loop, &u->exec_timer);
	close(u->pidfd);
	u->pidfd = -1;
	if (u->outfd >= 0) {
		exec_out(loop, &u->out_io, 0);
		if (u->outfd >= 0) {
			ev_io_stop(loop, &u->out_io);
			close(u->outfd);
			u->outfd = -1;
		}
	}
	if (WIFEXITED(st))
		status = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		status = 128 + WTERMSIG(st);
	if (interrupted != NULL) {
		cat = "interrupted";
		msg = interrupted;
	} else if (u->exec_timed_out) {
		cat = "timeout";
		msg = "command timed out";
	} else if (WIFSIGNALED(st)) {
		snprintf(sigmsg, sizeof(sigmsg), "killed by signal %d",
		    WTERMSIG(st));
		cat = "exec";
		msg = sigmsg;
	}
	u->pid = 0;
	exec_event(u, status, lat, cat, msg);
	u->state = LT_U_TIMER;
	user_advance(u);
}

int
user_exec_start(struct lt_user *u)
{
	struct lt_shard *sh = u->sh;
	const struct lt_exec *ex = u->step->exec;
	char *argv[MAX_ARGV + 1];
	size_t off[MAX_ARGV], i, n = ex->argc < MAX_ARGV ? ex->argc : MAX_ARGV;
	int fds[2], rc;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t sa;
	sigset_t dflt;

	lt_buf_reset(&sh->tmp);
	u->ctx.now_us = lt_http_real_us();
	for (i = 0; i < n; i++) {
		off[i] = sh->tmp.len;
		lt_tmpl_expand(ex->argv[i], &u->ctx, &sh->tmp);
		lt_buf_addc(&sh->tmp, '\0');
	}
	for (i = 0; i < n; i++)
		argv[i] = sh->tmp.data + off[i];
	argv[n] = NULL;
	lt_buf_reset(&u->x.body);
	u->exec_bytes = 0;
	u->exec_t0_us = lt_http_mono_us();
	u->exec_timed_out = 0;
	/* Only our end is non-blocking: the command's stdout must block,
	 * as any shell gives it, or writes past the pipe's 64 KB fail. */
	if (pipe2(fds, O_CLOEXEC) != 0)
		goto fail;
	if (fcntl(fds[0], F_SETFL, O_NONBLOCK) != 0) {
		close(fds[0]);
		close(fds[1]);
		goto fail;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	/* lt-run ignores SIGPIPE; the command gets the default back. */
	posix_spawnattr_init(&sa);
	sigemptyset(&dflt);
	sigaddset(&dflt, SIGPIPE);
	posix_spawnattr_setsigdefault(&sa, &dflt);
	/* its own process group, so that a timeout or a stop kills all
	 * it started (see exec_reap) */
	posix_spawnattr_setpgroup(&sa, 0);
	posix_spawnattr_setflags(
	    &sa, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
	rc = posix_spawnp(&u->pid, argv[0], &fa, &sa, argv, environ);
	posix_spawnattr_destroy(&sa);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc != 0) {
		u->pid = 0;
		close(fds[0]);
		errno = rc;
		goto fail;
	}
	u->pidfd = pidfd_open(u->pid, 0);
	if (u->pidfd < 0) {
		int e = errno;

		kill(-u->pid, SIGKILL);
		user_exec_reap(u->pid, &rc, 0);
		u->pid = 0;
		close(fds[0]);
		errno = e;
		goto fail;
	}
	u->outfd = fds[0];
	ev_io_init(&u->out_io, exec_out, u->outfd, EV_READ);
	u->out_io.data = u;
	ev_io_start(sh->loop, &u->out_io);
	ev_io_init(&u->pid_io, exec_exited, u->pidfd, EV_READ);
	u->pid_io.data = u;
	ev_io_start(sh->loop, &u->pid_io);
	if (ex->timeout_ms > 0) {
		ev_timer_init(&u->exec_timer, user_exec_timeout,
		    ex->timeout_ms / 1000.0, 0.);
		u->exec_timer.data = u;
		ev_timer_start(sh->loop, &u->exec_timer);
	}
	u->state = LT_U_BUSY;
	return 0;
fail:
	snprintf(sh->errline, sizeof(sh->errline), "cannot run %s: %s", argv[0],
	    strerror(errno));
	exec_event(
	    u, -1, lt_http_mono_us() - u->exec_t0_us, "exec", sh->errline);
	return -1;
}
