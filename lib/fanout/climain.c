/*
 * climain.c - runs a parsed lt-fanout command line (cli.h): loads the
 * run token and checks the TLS options and the scenario, draws the seed
 * every worker shares, finds lt-run and lt-fanout beside this program,
 * opens -o FILE, and calls the coordinator, the worker or collect.  Everything between
 * bin/lt-fanout.c's option parsing and its exit status.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fanout/cli.h"
#include "run/scenario.h"

/* Loads the token and checks the TLS options against url: 0, or 2 with
 * err. */
static int
sec_load(struct lt_fanout_cli *c, const char *url, struct lt_err *err)
{
	if (lt_fanout_sec_token(&c->sec, c->token_file, err) != 0 ||
	    lt_fanout_sec_check(&c->sec, url, err) != 0)
		return LT_EXIT_USAGE;
	return 0;
}

static int
worker_main(struct lt_fanout_cli *c, struct lt_err *err)
{
	struct lt_fanout_wopts *w = &c->w;
	int rc;

	if ((rc = sec_load(c, w->connect, err)) != 0)
		return rc;
	w->sec = &c->sec;
	w->ltrun = getenv("LT_RUN");
	if (w->ltrun != NULL && *w->ltrun != '\0')
		w->ltrun = strdup(w->ltrun);
	else if ((w->ltrun = lt_fanout_sibling("lt-run")) == NULL)
		w->ltrun = strdup("lt-run");
	return lt_fanout_worker(w, err);
}

/*
 * A scenario that cannot load fails here, with its file and line, before
 * -o FILE is opened (truncated): a run that cannot start destroys no
 * file, as with lt-run.  Stdin and executable scenarios are left to the
 * workers: reading or running them here would consume or repeat them.
 */
static int
check_scenario(const struct lt_fanout_opts *o, struct lt_err *err)
{
	const char *path;
	struct lt_scenario *sc;

	if (o->exec != NULL || o->scenario_arg < 0)
		return 0;
	path = o->run_argv[o->scenario_arg];
	if (strcmp(path, "-") == 0 || access(path, X_OK) == 0)
		return 0;
	if (lt_scenario_load(path, &sc, err) != 0)
		return err->code ? err->code : LT_EXIT_USAGE;
	lt_scenario_free(sc);
	return 0;
}

static int
coord_main(struct lt_fanout_cli *c, struct lt_err *err)
{
	struct lt_fanout_opts *o = &c->o;
	int rc;

	if (o->workers > 0)
		unsetenv("LT_FANOUT_TOKEN"); /* not for local workers */
	else if ((rc = sec_load(c, o->listen, err)) != 0)
		return rc;
	o->sec = &c->sec;
	if (o->exec == NULL && o->scenario_arg < 0) {
		lt_err_set(err, LT_EXIT_USAGE, "%s",
		    "no scenario: use -f FILE (or --exec) "
		    "(see lt-fanout --help)");
		return LT_EXIT_USAGE;
	}
	if (!c->have_seed && o->exec == NULL) {
		/* every worker must draw from the same seed */
		snprintf(c->seed, sizeof(c->seed), "%llu",
		    (unsigned long long)time(NULL) ^
		        ((unsigned long long)getpid() << 32));
		o->run_argv[o->run_argc++] = "--seed";
		o->run_argv[o->run_argc++] = c->seed;
	}
	if ((rc = check_scenario(o, err)) != 0)
		return rc;
	o->self = lt_fanout_sibling("lt-fanout");
	if (o->self == NULL)
		o->self = strdup(c->argv0);
	if (c->out != NULL && strcmp(c->out, "-") != 0) {
		o->out_fd = open(
		    c->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (o->out_fd < 0) {
			lt_err_sys(err, LT_EXIT_RUNTIME, errno, "%s", c->out);
			return LT_EXIT_RUNTIME;
		}
	}
	rc = lt_fanout_coordinate(o, err);
	if (o->out_fd != STDOUT_FILENO && close(o->out_fd) != 0 && rc == 0) {
		lt_err_sys(err, LT_EXIT_RUNTIME, errno, "%s", c->out);
		rc = LT_EXIT_RUNTIME;
	}
	return rc;
}

int
lt_fanout_cli_main(struct lt_fanout_cli *c, struct lt_err *err)
{
	lt_err_clear(err);
	switch (c->cmd) {
	case LT_FANOUT_CMD_WORKER:
		return worker_main(c, err);
	case LT_FANOUT_CMD_COLLECT:
		return lt_fanout_collect(
		    c->paths, c->npaths, STDOUT_FILENO, err);
	case LT_FANOUT_CMD_COORD:
		return coord_main(c, err);
	default:
		return 0; /* --help, --version: the main's */
	}
}

const char *
lt_fanout_cli_who(const struct lt_fanout_cli *c)
{
	if (c->cmd == LT_FANOUT_CMD_WORKER)
		return "lt-fanout worker";
	if (c->cmd == LT_FANOUT_CMD_COLLECT)
		return "lt-fanout collect";
	return "lt-fanout";
}
