/*
 * runcli.c - lt-run's options (runcli.h): the table, the setter shared by
 * the command line, option files and the environment, and the checks of
 * the options as a whole.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cliconf.h"
#include "core/err.h"
#include "run/http.h"
#include "run/optval.h"
#include "run/runcli.h"
#include "run/runcmd.h"
#include "run/segment.h"
#include "run/taskratio.h"

const struct option lt_runcli_longopts[] = {
	{ "scenario", required_argument, NULL, LT_RUNCLI_SCENARIO },
	{ "host", required_argument, NULL, LT_RUNCLI_HOST },
	{ "users", required_argument, NULL, LT_RUNCLI_USERS },
	{ "spawn-rate", required_argument, NULL, LT_RUNCLI_SPAWN },
	{ "run-time", required_argument, NULL, LT_RUNCLI_TIME },
	{ "rate", required_argument, NULL, LT_RUNCLI_RATE },
	{ "arrival", required_argument, NULL, LT_RUNCLI_ARRIVAL },
	{ "shape", required_argument, NULL, LT_RUNCLI_SHAPE },
	{ "stop-timeout", required_argument, NULL, LT_RUNCLI_STOPTO },
	{ "iterations", required_argument, NULL, LT_RUNCLI_ITER },
	{ "tags", required_argument, NULL, LT_RUNCLI_TAGS },
	{ "exclude-tags", required_argument, NULL, LT_RUNCLI_XTAGS },
	{ "seed", required_argument, NULL, LT_RUNCLI_SEED },
	{ "output", required_argument, NULL, LT_RUNCLI_OUT },
	{ "quiet", no_argument, NULL, LT_RUNCLI_QUIET },
	{ "jobs", required_argument, NULL, LT_RUNCLI_JOBS },
	{ "http2", no_argument, NULL, LT_RUNCLI_HTTP2 },
	{ "insecure", no_argument, NULL, LT_RUNCLI_INSECURE },
	{ "timeout", required_argument, NULL, LT_RUNCLI_TIMEOUT },
	{ "config", required_argument, NULL, LT_RUNCLI_CONFIG },
	{ "exit-code-on-error", required_argument, NULL, LT_RUNCLI_EXITERR },
	{ "list", no_argument, NULL, LT_RUNCLI_LIST },
	{ "show-task-ratio", no_argument, NULL, LT_RUNCLI_RATIO },
	{ "show-task-ratio-json", no_argument, NULL, LT_RUNCLI_RATIOJSON },
	{ "equal-weights", no_argument, NULL, LT_RUNCLI_EQUAL },
	{ "loglevel", required_argument, NULL, LT_RUNCLI_LOGLEVEL },
	{ "logfile", required_argument, NULL, LT_RUNCLI_LOGFILE },
	{ "segment", required_argument, NULL, LT_RUNCLI_SEGMENT },
	{ "start-at", required_argument, NULL, LT_RUNCLI_START_AT },
	{ "show-secrets", no_argument, NULL, LT_RUNCLI_SHOWSECRETS },
	{ "version", no_argument, NULL, LT_RUNCLI_VERSION },
	{ "help", no_argument, NULL, LT_RUNCLI_HELP },
	{ NULL, 0, NULL, 0 },
};

/* Options that only the command line may give. */
static const int cli_only[] = { LT_RUNCLI_HELP, LT_RUNCLI_VERSION,
	LT_RUNCLI_CONFIG, LT_RUNCLI_LIST, LT_RUNCLI_RATIO, LT_RUNCLI_RATIOJSON,
	0 };

/* Values are read strictly (run/optval.h); c->why gets the reason. */
static int
bad(struct lt_runcli *c, const char *why)
{
	c->why = why;
	return -1;
}

int
lt_runcli_set(int id, const char *v, void *arg)
{
	struct lt_runcli *c = arg;
	struct lt_runcmd *m = &c->cmd;
	struct lt_run_opts *r = &m->run;
	uint64_t u = 0;

	switch (id) {
	case LT_RUNCLI_SCENARIO:
		m->scenario = v;
		return 0;
	case LT_RUNCLI_HOST:
		r->host = v;
		return 0;
	case LT_RUNCLI_OUT:
		m->out = v;
		return 0;
	case LT_RUNCLI_SHAPE:
		r->shape = v;
		return 0;
	case LT_RUNCLI_TAGS:
		r->tags = v;
		return 0;
	case LT_RUNCLI_XTAGS:
		r->exclude_tags = v;
		return 0;
	case LT_RUNCLI_QUIET:
		m->quiet = lt_cliconf_bool(v);
		return 0;
	case LT_RUNCLI_HTTP2:
		r->http2 = lt_cliconf_bool(v);
		return 0;
	case LT_RUNCLI_INSECURE:
		r->insecure = lt_cliconf_bool(v);
		return 0;
	case LT_RUNCLI_SHOWSECRETS:
		r->show_secrets = lt_cliconf_bool(v);
		return 0;
	case LT_RUNCLI_CONFIG:
		return 0;
	case LT_RUNCLI_LIST:
	case LT_RUNCLI_RATIO:
	case LT_RUNCLI_RATIOJSON:
		m->show = 1 +
		    (id == LT_RUNCLI_LIST           ? LT_TASKRATIO_LIST
		            : id == LT_RUNCLI_RATIO ? LT_TASKRATIO_TABLE
		                                    : LT_TASKRATIO_JSON);
		return 0;
	case LT_RUNCLI_EQUAL:
		m->equal_weights = lt_cliconf_bool(v);
		return 0;
	case LT_RUNCLI_LOGLEVEL:
		return lt_optval_level(v, &m->loglevel, &c->why);
	case LT_RUNCLI_LOGFILE:
		m->logfile = v;
		return 0;
	case LT_RUNCLI_EXITERR:
		if (lt_optval_whole(v, 0, 255, &u, &c->why) != 0)
			return -1;
		m->exit_on_error = (int)u;
		return 0;
	case LT_RUNCLI_ARRIVAL:
		return lt_optval_arrival(v, &r->arrival, &c->why);
	case LT_RUNCLI_TIME:
		if (lt_optval_span(v, &r->run_time_s, &c->why) != 0)
			return -1;
		if (r->run_time_s <= 0)
			return bad(c,
			    "must be greater than 0 (without -t the "
			    "run goes on until stopped)");
		return 0;
	case LT_RUNCLI_STOPTO:
		return lt_optval_span(v, &r->stop_timeout_s, &c->why);
	case LT_RUNCLI_TIMEOUT:
		if (lt_optval_span(v, &r->timeout_s, &c->why) != 0)
			return -1;
		if (r->timeout_s < 0.001)
			return bad(c, "must be 1ms or more");
		return 0;
	case LT_RUNCLI_USERS:
		if (lt_optval_whole(v, 0, 100000000, &u, &c->why) != 0)
			return -1;
		r->users = (long)u;
		m->users_set = 1;
		return 0;
	case LT_RUNCLI_SPAWN:
		return lt_optval_real(v, 0, 1e9, &r->spawn_rate, &c->why);
	case LT_RUNCLI_RATE:
		return lt_optval_real(v, 0, 1e9, &r->rate, &c->why);
	case LT_RUNCLI_ITER:
		if (lt_optval_whole(v, 1, 1000000000000000ull, &u, &c->why) !=
		    0)
			return -1;
		r->iterations = (long)u;
		return 0;
	case LT_RUNCLI_SEED:
		return lt_optval_whole(v, 0, UINT64_MAX, &r->seed, &c->why);
	case LT_RUNCLI_SEGMENT: {
		struct lt_err e;

		if (lt_segment_parse(v, &r->seg_index, &r->seg_count, &e) != 0)
			return bad(c, "expected I/N with 0 <= I < N");
		return 0;
	}
	case LT_RUNCLI_START_AT:
		if (lt_optval_whole(v, 0, 100000000000000ull, &u, &c->why) != 0)
			return -1;
		m->start_at_ms = (int64_t)u;
		return 0;
	case LT_RUNCLI_JOBS:
		if (lt_optval_whole(v, 1, 64, &u, &c->why) != 0)
			return -1;
		r->jobs = (int)u;
		return 0;
	default:
		return -1;
	}
}

const char *
lt_runcli_name(int id)
{
	const struct option *o;

	for (o = lt_runcli_longopts; o->name != NULL; o++)
		if (o->val == id)
			return o->name;
	return "?";
}

/* Finds --config FILE (or LT_CONFIG) before the command line is read. */
static const char *
find_config(int argc, char **argv)
{
	const char *cfg = getenv("LT_CONFIG");
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			cfg = argv[i + 1];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			cfg = argv[i] + 9;
	}
	return cfg;
}

void
lt_runcli_init(struct lt_runcli *c)
{
	memset(c, 0, sizeof(*c));
	c->cmd.run.stop_timeout_s = 5;
	c->cmd.run.jobs = 1;
}

int
lt_runcli_sources(
    struct lt_runcli *c, int argc, char **argv, struct lt_err *err)
{
	const char *cfg = find_config(argc, argv);

	if (lt_cliconf_file(&c->conf, "lt.conf", 1, lt_runcli_longopts,
	        cli_only, lt_runcli_set, c, err) != 0 ||
	    (cfg != NULL &&
	        lt_cliconf_file(&c->conf, cfg, 0, lt_runcli_longopts, cli_only,
	            lt_runcli_set, c, err) != 0) ||
	    lt_cliconf_env("LT_", lt_runcli_longopts, cli_only, lt_runcli_set,
	        c, err) != 0) {
		/* cliconf says "bad value 'X' for --NAME"; add the reason */
		if (c->why != NULL && err->code == LT_EXIT_USAGE) {
			size_t n = strlen(err->msg);

			snprintf(
			    err->msg + n, sizeof(err->msg) - n, ": %s", c->why);
		}
		return -1;
	}
	return 0;
}

int
lt_runcli_check(struct lt_runcli *c, const char *extra, struct lt_err *err)
{
	struct lt_runcmd *m = &c->cmd;

	/* Locust runs 0 users headless and sends nothing; a load tool that
	 * was asked for no load has nothing to do.  A shape may start at 0. */
	if (m->users_set && m->run.users == 0 && m->run.shape == NULL)
		return lt_err_set(err, LT_EXIT_USAGE,
		    "bad value '0' for --users: no load: 0 users send nothing "
		    "(a --shape may start at 0)");
	if (extra != NULL)
		return lt_err_set(
		    err, LT_EXIT_USAGE, "unexpected argument '%s'", extra);
	if (m->scenario == NULL)
		return lt_err_set(err, LT_EXIT_USAGE,
		    "no scenario: use -f FILE (see lt-run --help)");
	if (m->run.host != NULL &&
	    lt_runcmd_base_url(&m->run, m->run.host, &c->base, &c->user,
	        &c->password, err) != 0)
		return -1;
	return 0;
}

void
lt_runcli_fini(struct lt_runcli *c)
{
	lt_cliconf_fini(&c->conf);
	lt_http_base_url_free(c->base, c->user, c->password);
	c->base = c->user = c->password = NULL;
}
