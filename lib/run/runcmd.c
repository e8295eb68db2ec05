/*
 * runcmd.c - lt-run's work after option parsing (runcmd.h): --logfile,
 * loading and checking the scenario, opening the output, then the run
 * with its live line and summary, or the --list text.
 *
 * Every check that can fail on the user's input runs before the -o file
 * is opened, so a usage error (exit 2) leaves an existing file alone.
 * Errors come back in err, once, for the main to print; warnings, the
 * live line and the summary go to cmd->msg (the main's stderr).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "core/buf.h"
#include "core/err.h"
#include "run/http.h"
#include "run/preflight.h"
#include "run/runcmd.h"
#include "run/runner.h"
#include "run/scenario.h"
#include "run/segment.h"
#include "run/taskratio.h"

/* One run's state: the options as amended (host, seed), what it owns. */
struct job {
	const struct lt_runcmd *cmd;
	struct lt_run_opts run;
	char *base, *user, *password; /* the scenario's host, split */
	struct lt_scenario *sc;
	int fd; /* events go here */
	struct lt_buf b;
	struct lt_run_stats st;
};

int
lt_runcmd_base_url(struct lt_run_opts *o, const char *url, char **base,
    char **user, char **password, struct lt_err *err)
{
	if (lt_http_base_url(url, base, user, password, err) != 0)
		return -1;
	o->host = *base;
	o->username = *user;
	o->password = *password;
	return 0;
}

int
lt_runcmd_std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
		    open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) < 0)
			return -1;
	return 0;
}

/* The warning callback of the runner and of the pre-flight checks. */
static void
warn(const char *msg, void *arg)
{
	const struct job *j = arg;

	if (j->cmd->loglevel <= 2)
		fprintf(j->cmd->msg, "lt-run: %s\n", msg);
}

/* The live line, every 2 s while the run goes on. */
static void
progress(const struct lt_run_tick *t, void *arg)
{
	struct job *j = arg;

	lt_buf_reset(&j->b);
	if (lt_run_tick_format(t, &j->b) == 0)
		fwrite(j->b.data, 1, j->b.len, j->cmd->msg);
}

/* Returns err's exit status, or code when err has none. */
static int
status(const struct lt_err *err, int code)
{
	return err->code ? err->code : code;
}

/* --logfile: messages and the summary go to the file, appended. */
static int
logfile(const struct lt_runcmd *c, struct lt_err *err)
{
	int fd;

	if (c->logfile == NULL)
		return 0;
	fd = open(c->logfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	if (fd < 0)
		return lt_err_sys(
		    err, LT_EXIT_RUNTIME, errno, "%s", c->logfile);
	if (dup2(fd, fileno(c->msg)) < 0) {
		lt_err_sys(err, LT_EXIT_RUNTIME, errno, "%s", c->logfile);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * Checks everything that can be checked (scenario, tags, host, shape
 * file), and only then opens the output.  Returns 0 or an exit status
 * with err set.
 */
static int
setup(struct job *j, struct lt_err *err)
{
	const struct lt_runcmd *c = j->cmd;

	if (lt_scenario_load(c->scenario, &j->sc, err) != 0 ||
	    lt_scenario_filter_tags(
	        j->sc, j->run.tags, j->run.exclude_tags, err) != 0 ||
	    (j->run.host == NULL && lt_preflight_host_creds(j->sc) &&
	        lt_runcmd_base_url(&j->run, j->sc->host, &j->base, &j->user,
	            &j->password, err) != 0) ||
	    lt_preflight_shape(j->run.shape, err) != 0 ||
	    lt_preflight_host(j->run.host, j->sc, err) != 0)
		return status(err, LT_EXIT_USAGE);
	if (c->equal_weights)
		lt_taskratio_equal_weights(j->sc);
	if (c->show)
		return 0; /* --list and the like send nothing, write no -o */
	if (lt_preflight_scenario(j->sc, j->run.host, warn, j, err) != 0)
		return status(err, LT_EXIT_USAGE);
	if (c->out != NULL && strcmp(c->out, "-") != 0) {
		j->fd = open(
		    c->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (j->fd < 0) {
			j->fd = STDOUT_FILENO;
			lt_err_sys(err, LT_EXIT_RUNTIME, errno, "%s", c->out);
			return LT_EXIT_RUNTIME;
		}
	}
	return 0;
}

/* --list, --show-task-ratio(-json): the classes and ratios on c->list. */
static int
show(const struct job *j, struct lt_err *err)
{
	struct lt_buf b;
	int rc = 0;

	lt_buf_init(&b, 64 << 20);
	if (lt_taskratio_format(j->sc, j->cmd->show - 1, &b) != 0) {
		lt_err_set(err, LT_EXIT_RUNTIME, "the task list is too large");
		rc = LT_EXIT_RUNTIME;
	} else {
		fwrite(b.data, 1, b.len, j->cmd->list);
	}
	lt_buf_fini(&b);
	return rc;
}

/* Runs, prints the summary; returns the exit status. */
static int
run(struct job *j, struct lt_err *err)
{
	const struct lt_runcmd *c = j->cmd;
	struct lt_run_stats *st = &j->st;

	if (lt_run(j->sc, &j->run,
	        c->quiet || c->loglevel > 1 || !isatty(fileno(c->msg))
	            ? NULL
	            : progress,
	        j, st, err) != 0)
		return status(err, LT_EXIT_RUNTIME);
	/* the run is over: the live line's buffer is the summary's */
	if (st->users_capped > 0 && c->loglevel <= 2)
		fprintf(c->msg,
		    "lt-run: open-file limit capped the run at %ld "
		    "users (%ld refused); raise ulimit -n\n",
		    st->users_max, st->users_capped);
	lt_buf_reset(&j->b);
	if (!c->quiet && c->loglevel <= 1 &&
	    lt_run_stats_format(st, &j->b) == 0)
		fwrite(j->b.data, 1, j->b.len, c->msg);
	if (st->out_error[0] != '\0') {
		lt_err_set(err, LT_EXIT_RUNTIME, "%s: %s",
		    c->out ? c->out : "stdout", st->out_error);
		return LT_EXIT_RUNTIME;
	}
	if (c->exit_on_error != 0 && st->failures > 0) {
		lt_err_set(err, c->exit_on_error,
		    "%llu of %llu requests failed: exit %d "
		    "(--exit-code-on-error)",
		    (unsigned long long)st->failures,
		    (unsigned long long)st->requests, c->exit_on_error);
		return c->exit_on_error;
	}
	return 0;
}

/* Waits for --start-at, then runs. */
static int
start(struct job *j, struct lt_err *err)
{
	const struct lt_runcmd *c = j->cmd;
	int rc;

	if (j->run.seed == 0)
		j->run.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	j->run.scenario_path = c->scenario;
	j->run.out_fd = j->fd;
	j->run.warn = warn;
	j->run.warn_arg = j;
	if (j->run.show_secrets)
		warn("--show-secrets: credentials and secret values "
		     "are recorded and printed in clear",
		    j);
	j->run.iterations = lt_segment_iterations(
	    j->run.iterations, j->run.seg_index, j->run.seg_count);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (c->start_at_ms > 0 &&
	    lt_segment_wait_until(c->start_at_ms, err) != 0)
		rc = LT_EXIT_RUNTIME;
	else
		rc = run(j, err);
	curl_global_cleanup();
	return rc;
}

int
lt_runcmd_run(
    const struct lt_runcmd *cmd, int *check_stdout, struct lt_err *err)
{
	struct job j;
	int rc;

	lt_err_clear(err);
	*check_stdout = 0;
	if (logfile(cmd, err) != 0)
		return LT_EXIT_RUNTIME;
	memset(&j, 0, sizeof(j));
	j.cmd = cmd;
	j.run = cmd->run;
	j.fd = STDOUT_FILENO;
	lt_buf_init(&j.b, 1 << 20);
	rc = setup(&j, err);
	if (rc == 0 && cmd->show)
		rc = show(&j, err);
	else if (rc == 0)
		rc = start(&j, err);
	if (j.fd != STDOUT_FILENO && close(j.fd) != 0 && rc == 0) {
		lt_err_sys(err, LT_EXIT_RUNTIME, errno, "%s", cmd->out);
		rc = LT_EXIT_RUNTIME;
	}
	/* Events go out with write(2); a closed pipe already ended the run
	 * (reason "stdout") and is not an error. */
	*check_stdout = j.fd == STDOUT_FILENO &&
	    strcmp(j.st.reason ? j.st.reason : "", "stdout") != 0;
	lt_buf_fini(&j.b);
	lt_run_stats_fini(&j.st);
	lt_scenario_free(j.sc);
	lt_http_base_url_free(j.base, j.user, j.password);
	return rc;
}
