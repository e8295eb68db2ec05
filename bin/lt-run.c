/*
 * lt-run - the load generator: reads a scenario, simulates users against
 * an HTTP service, writes one NDJSON event per request (lt-events(5)).
 *
 * Options come from ./lt.conf, then --config FILE, then LT_* environment
 * variables, then the command line; a later source wins (Locust's order).
 * Every source goes through set_opt(), so they cannot disagree; files and
 * the environment are read by lib/core/cliconf.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "core/cliconf.h"
#include "core/err.h"
#include "core/outclose.h"
#include "core/version.h"
#include "run/http.h"
#include "run/optval.h"
#include "run/preflight.h"
#include "run/runner.h"
#include "run/scenario.h"
#include "run/segment.h"
#include "run/taskratio.h"

enum {
	O_SCENARIO = 'f',
	O_HOST = 'H',
	O_USERS = 'u',
	O_SPAWN = 'r',
	O_TIME = 't',
	O_ITER = 'i',
	O_OUT = 'o',
	O_QUIET = 'q',
	O_JOBS = 'j',
	O_HELP = 'h',
	O_RATE = 256,
	O_ARRIVAL,
	O_SHAPE,
	O_STOPTO,
	O_TAGS,
	O_XTAGS,
	O_SEED,
	O_HTTP2,
	O_INSECURE,
	O_TIMEOUT,
	O_VERSION,
	O_CONFIG,
	O_EXITERR,
	O_LIST,
	O_RATIO,
	O_RATIOJSON,
	O_EQUAL,
	O_LOGLEVEL,
	O_LOGFILE,
	O_SEGMENT,
	O_START_AT,
};

static const struct option longopts[] = {
	{ "scenario", required_argument, NULL, O_SCENARIO },
	{ "host", required_argument, NULL, O_HOST },
	{ "users", required_argument, NULL, O_USERS },
	{ "spawn-rate", required_argument, NULL, O_SPAWN },
	{ "run-time", required_argument, NULL, O_TIME },
	{ "rate", required_argument, NULL, O_RATE },
	{ "arrival", required_argument, NULL, O_ARRIVAL },
	{ "shape", required_argument, NULL, O_SHAPE },
	{ "stop-timeout", required_argument, NULL, O_STOPTO },
	{ "iterations", required_argument, NULL, O_ITER },
	{ "tags", required_argument, NULL, O_TAGS },
	{ "exclude-tags", required_argument, NULL, O_XTAGS },
	{ "seed", required_argument, NULL, O_SEED },
	{ "output", required_argument, NULL, O_OUT },
	{ "quiet", no_argument, NULL, O_QUIET },
	{ "jobs", required_argument, NULL, O_JOBS },
	{ "http2", no_argument, NULL, O_HTTP2 },
	{ "insecure", no_argument, NULL, O_INSECURE },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "config", required_argument, NULL, O_CONFIG },
	{ "exit-code-on-error", required_argument, NULL, O_EXITERR },
	{ "list", no_argument, NULL, O_LIST },
	{ "show-task-ratio", no_argument, NULL, O_RATIO },
	{ "show-task-ratio-json", no_argument, NULL, O_RATIOJSON },
	{ "equal-weights", no_argument, NULL, O_EQUAL },
	{ "loglevel", required_argument, NULL, O_LOGLEVEL },
	{ "logfile", required_argument, NULL, O_LOGFILE },
	{ "segment", required_argument, NULL, O_SEGMENT },
	{ "start-at", required_argument, NULL, O_START_AT },
	{ "version", no_argument, NULL, O_VERSION },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 },
};

static const char usage_text[] =
    "usage: lt-run -f FILE [-H URL] [-u N] [-r N] [-t TIME] [-i N] [-o FILE]\n"
    "              [-q] [-j N] [--rate RPS] [--arrival constant|poisson]\n"
    "              [--shape FILE|CMD] [--stop-timeout S] [--tags LIST]\n"
    "              [--exclude-tags LIST] [--seed N] [--http2] [--insecure]\n"
    "              [--timeout S] [--config FILE] [--exit-code-on-error N]\n"
    "              [--equal-weights] [--loglevel LEVEL] [--logfile FILE]\n"
    "              [--segment I/N] [--start-at EPOCH_MS]\n"
    "       lt-run -f FILE --list | --show-task-ratio | "
    "--show-task-ratio-json\n"
    "       lt-run --version | --help\n"
    "\n"
    "  -f, --scenario FILE     scenario file, - for stdin (lt-scenario(5))\n"
    "  -H, --host URL          base URL (overrides the scenario's host)\n"
    "  -u, --users N           peak concurrent users (default 1)\n"
    "  -r, --spawn-rate N      users started or stopped per second (1)\n"
    "  -t, --run-time TIME     stop after 90s, 5m, 1h30m (default: never)\n"
    "  -i, --iterations N      stop after N task iterations\n"
    "      --rate RPS          open model: start RPS iterations per second\n"
    "      --arrival KIND      constant (default) or poisson\n"
    "      --shape FILE|CMD    load shape from a file, FIFO or command\n"
    "      --stop-timeout S    grace for in-flight requests at stop (5)\n"
    "      --tags LIST         run only tasks with one of these tags\n"
    "      --exclude-tags LIST skip tasks with any of these tags\n"
    "      --seed N            random seed (default: from the clock)\n"
    "  -o, --output FILE       write events to FILE instead of stdout\n"
    "  -q, --quiet             no live line, no summary on stderr\n"
    "  -j, --jobs N            N event loops on N threads (default 1)\n"
    "      --http2             allow HTTP/2 and multiplex requests\n"
    "      --insecure          do not verify TLS certificates\n"
    "      --timeout S         default per-request timeout (default 60)\n"
    "      --config FILE       read options from FILE (key = value)\n"
    "      --exit-code-on-error N  exit N when any request failed\n"
    "      --equal-weights     give every task the same weight\n"
    "      --loglevel LEVEL    debug, info (default), warning or error\n"
    "      --logfile FILE      messages and summary to FILE, not stderr\n"
    "      --list              print the user classes and exit\n"
    "      --show-task-ratio   print classes, weights, task ratios and exit\n"
    "      --show-task-ratio-json  the same as JSON\n"
    "      --segment I/N       run only part I of N of the load (0-based)\n"
    "      --start-at MS       start at this Unix time in milliseconds\n"
    "      --version           print the version and exit\n"
    "  -h, --help              print this help and exit\n";

struct cli {
	struct lt_run_opts run;
	const char *scenario;
	const char *out;
	int quiet;
	int users_set;     /* -u given, even as 0 */
	int exit_on_error; /* --exit-code-on-error N; 0: off */
	int show;          /* --list...: 1 + enum lt_taskratio_form */
	int equal_weights;
	int loglevel; /* 0 debug, 1 info, 2 warning, 3 error */
	const char *logfile;
	int64_t start_at_ms;          /* --start-at, 0: now */
	const char *why;              /* reason of the last bad value */
	char *base, *user, *password; /* host URL split by base_url() */
	struct lt_cliconf conf;       /* values read from files */
	struct lt_err err;
};

/* Options that only the command line may give. */
static const int cli_only[] = { O_HELP, O_VERSION, O_CONFIG, O_LIST, O_RATIO,
	O_RATIOJSON, 0 };

/* Values are read strictly (run/optval.h); c->why gets the reason. */
static int
bad(struct cli *c, const char *why)
{
	c->why = why;
	return -1;
}

/* Applies one option from any source; returns 0 or -1 (a bad value). */
static int
set_opt(int id, const char *v, void *arg)
{
	struct cli *c = arg;
	struct lt_run_opts *r = &c->run;
	uint64_t u = 0;

	switch (id) {
	case O_SCENARIO:
		c->scenario = v;
		return 0;
	case O_HOST:
		r->host = v;
		return 0;
	case O_OUT:
		c->out = v;
		return 0;
	case O_SHAPE:
		r->shape = v;
		return 0;
	case O_TAGS:
		r->tags = v;
		return 0;
	case O_XTAGS:
		r->exclude_tags = v;
		return 0;
	case O_QUIET:
		c->quiet = lt_cliconf_bool(v);
		return 0;
	case O_HTTP2:
		r->http2 = lt_cliconf_bool(v);
		return 0;
	case O_INSECURE:
		r->insecure = lt_cliconf_bool(v);
		return 0;
	case O_CONFIG:
		return 0;
	case O_LIST:
	case O_RATIO:
	case O_RATIOJSON:
		c->show = 1 +
		    (id == O_LIST           ? LT_TASKRATIO_LIST
		            : id == O_RATIO ? LT_TASKRATIO_TABLE
		                            : LT_TASKRATIO_JSON);
		return 0;
	case O_EQUAL:
		c->equal_weights = lt_cliconf_bool(v);
		return 0;
	case O_LOGLEVEL:
		return lt_optval_level(v, &c->loglevel, &c->why);
	case O_LOGFILE:
		c->logfile = v;
		return 0;
	case O_EXITERR:
		if (lt_optval_whole(v, 0, 255, &u, &c->why) != 0)
			return -1;
		c->exit_on_error = (int)u;
		return 0;
	case O_ARRIVAL:
		return lt_optval_arrival(v, &r->arrival, &c->why);
	case O_TIME:
		if (lt_optval_span(v, &r->run_time_s, &c->why) != 0)
			return -1;
		if (r->run_time_s <= 0)
			return bad(c,
			    "must be greater than 0 (without -t the "
			    "run goes on until stopped)");
		return 0;
	case O_STOPTO:
		return lt_optval_span(v, &r->stop_timeout_s, &c->why);
	case O_TIMEOUT:
		if (lt_optval_span(v, &r->timeout_s, &c->why) != 0)
			return -1;
		if (r->timeout_s < 0.001)
			return bad(c, "must be 1ms or more");
		return 0;
	case O_USERS:
		if (lt_optval_whole(v, 0, 100000000, &u, &c->why) != 0)
			return -1;
		r->users = (long)u;
		c->users_set = 1;
		return 0;
	case O_SPAWN:
		return lt_optval_real(v, 0, 1e9, &r->spawn_rate, &c->why);
	case O_RATE:
		return lt_optval_real(v, 0, 1e9, &r->rate, &c->why);
	case O_ITER:
		if (lt_optval_whole(v, 1, 1000000000000000ull, &u, &c->why) !=
		    0)
			return -1;
		r->iterations = (long)u;
		return 0;
	case O_SEED:
		return lt_optval_whole(v, 0, UINT64_MAX, &r->seed, &c->why);
	case O_SEGMENT: {
		struct lt_err e;

		if (lt_segment_parse(v, &r->seg_index, &r->seg_count, &e) != 0)
			return bad(c, "expected I/N with 0 <= I < N");
		return 0;
	}
	case O_START_AT:
		if (lt_optval_whole(v, 0, 100000000000000ull, &u, &c->why) != 0)
			return -1;
		c->start_at_ms = (int64_t)u;
		return 0;
	case O_JOBS:
		if (lt_optval_whole(v, 1, 64, &u, &c->why) != 0)
			return -1;
		r->jobs = (int)u;
		return 0;
	default:
		return -1;
	}
}

static const char *
opt_name(int id)
{
	const struct option *o;

	for (o = longopts; o->name != NULL; o++)
		if (o->val == id)
			return o->name;
	return "?";
}

/* Finds --config FILE (or LT_CONFIG) before the real parse. */
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

/* Prints s and exits (--help, --version): stdout is checked. */
static void
print_exit(struct cli *c, const char *s)
{
	fputs(s, stdout);
	lt_cliconf_fini(&c->conf);
	exit(lt_stdout_close(&c->err) == 0 ? 0 : LT_EXIT_RUNTIME);
}

static int
parse(struct cli *c, int argc, char **argv)
{
	const char *cfg = find_config(argc, argv);
	int ch, idx;

	if (lt_cliconf_file(&c->conf, "lt.conf", 1, longopts, cli_only, set_opt,
	        c, &c->err) != 0 ||
	    (cfg != NULL &&
	        lt_cliconf_file(&c->conf, cfg, 0, longopts, cli_only, set_opt,
	            c, &c->err) != 0) ||
	    lt_cliconf_env("LT_", longopts, cli_only, set_opt, c, &c->err) !=
	        0) {
		/* cliconf says "bad value 'X' for --NAME"; add the reason */
		if (c->why != NULL && c->err.code == LT_EXIT_USAGE) {
			size_t n = strlen(c->err.msg);

			snprintf(c->err.msg + n, sizeof(c->err.msg) - n, ": %s",
			    c->why);
		}
		return -1;
	}
	opterr = 0;
	for (;;) {
		ch = getopt_long(
		    argc, argv, "f:H:u:r:t:i:o:qj:h", longopts, &idx);
		if (ch == -1)
			break;
		if (ch == O_HELP)
			print_exit(c, usage_text);
		if (ch == O_VERSION)
			print_exit(c, "lt-run " LT_VERSION "\n");
		if (ch == '?' || ch == ':')
			return lt_err_set(&c->err, LT_EXIT_USAGE,
			    "bad option or missing value: '%s' (see lt-run "
			    "--help)",
			    argv[optind - 1]);
		if (set_opt(ch, optarg, c) != 0)
			return lt_err_set(&c->err, LT_EXIT_USAGE,
			    "bad value '%s' for --%s: %s", optarg, opt_name(ch),
			    c->why != NULL ? c->why : "not allowed");
	}
	/* Locust runs 0 users headless and sends nothing; a load tool that
	 * was asked for no load has nothing to do.  A shape may start at 0. */
	if (c->users_set && c->run.users == 0 && c->run.shape == NULL)
		return lt_err_set(&c->err, LT_EXIT_USAGE,
		    "bad value '0' for --users: no load: 0 users send nothing "
		    "(a --shape may start at 0)");
	if (optind < argc)
		return lt_err_set(&c->err, LT_EXIT_USAGE,
		    "unexpected argument '%s'", argv[optind]);
	if (c->scenario == NULL)
		return lt_err_set(&c->err, LT_EXIT_USAGE,
		    "no scenario: use -f FILE (see lt-run --help)");
	return 0;
}

static void
warn(const char *msg, void *arg)
{
	const struct cli *c = arg;

	if (c->loglevel <= 2)
		fprintf(stderr, "lt-run: %s\n", msg);
}

static void
progress(const struct lt_run_tick *t, void *arg)
{
	struct lt_buf *b = arg;

	lt_buf_reset(b);
	if (lt_run_tick_format(t, b) == 0)
		fwrite(b->data, 1, b->len, stderr);
}

/*
 * Takes the credentials out of the base URL (used for HTTP auth, never
 * recorded) and checks it.  Returns 0 or -1 with c->err set.
 */
static int
base_url(struct cli *c, const char *url)
{
	if (lt_http_base_url(url, &c->base, &c->user, &c->password, &c->err) !=
	    0)
		return -1;
	c->run.host = c->base;
	c->run.username = c->user;
	c->run.password = c->password;
	return 0;
}

/*
 * Checks everything that can be checked (scenario, tags, host, shape
 * file), and only then opens the output: a usage error (exit 2) leaves
 * an existing -o file alone.  Returns 0 or an exit status.
 */
static int
setup(struct cli *c, struct lt_scenario **sc, int *fd)
{
	if (lt_scenario_load(c->scenario, sc, &c->err) != 0 ||
	    lt_scenario_filter_tags(
	        *sc, c->run.tags, c->run.exclude_tags, &c->err) != 0 ||
	    (c->run.host == NULL && lt_preflight_host_creds(*sc) &&
	        base_url(c, (*sc)->host) != 0) ||
	    lt_preflight_shape(c->run.shape, &c->err) != 0 ||
	    lt_preflight_host(c->run.host, *sc, &c->err) != 0) {
		fprintf(stderr, "lt-run: %s\n", c->err.msg);
		return c->err.code ? c->err.code : LT_EXIT_USAGE;
	}
	if (c->equal_weights)
		lt_taskratio_equal_weights(*sc);
	*fd = STDOUT_FILENO;
	if (c->show)
		return 0; /* --list and the like send nothing, write no -o */
	if (lt_preflight_scenario(*sc, c->run.host, warn, c, &c->err) != 0) {
		fprintf(stderr, "lt-run: %s\n", c->err.msg);
		return c->err.code ? c->err.code : LT_EXIT_USAGE;
	}
	if (c->out != NULL && strcmp(c->out, "-") != 0) {
		*fd = open(
		    c->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (*fd < 0) {
			fprintf(stderr, "lt-run: %s: %s\n", c->out,
			    strerror(errno));
			return LT_EXIT_RUNTIME;
		}
	}
	return 0;
}

/*
 * Makes sure fds 0, 1 and 2 are open (on /dev/null when closed), so no
 * file opened later gets one of them: with stderr closed, -o FILE would
 * be fd 2 and the summary would land in the event file.
 */
static void
std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
		    open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) < 0)
			exit(LT_EXIT_RUNTIME);
}

/* Runs, prints the summary; returns the exit status. */
static int
run(struct cli *c, const struct lt_scenario *sc, struct lt_run_stats *st)
{
	struct lt_buf b;
	int rc = 0;

	lt_buf_init(&b, 1 << 20);
	if (lt_run(sc, &c->run,
	        c->quiet || c->loglevel > 1 || !isatty(STDERR_FILENO)
	            ? NULL
	            : progress,
	        &b, st, &c->err) != 0) {
		fprintf(stderr, "lt-run: %s\n", c->err.msg);
		rc = c->err.code ? c->err.code : LT_EXIT_RUNTIME;
	} else {
		if (st->users_capped > 0 && c->loglevel <= 2)
			fprintf(stderr,
			    "lt-run: open-file limit capped the run at %ld "
			    "users (%ld refused); raise ulimit -n\n",
			    st->users_max, st->users_capped);
		lt_buf_reset(&b);
		if (!c->quiet && c->loglevel <= 1 &&
		    lt_run_stats_format(st, &b) == 0)
			fwrite(b.data, 1, b.len, stderr);
		if (st->out_error[0] != '\0') {
			fprintf(stderr, "lt-run: %s: %s\n",
			    c->out ? c->out : "stdout", st->out_error);
			rc = LT_EXIT_RUNTIME;
		} else if (c->exit_on_error != 0 && st->failures > 0) {
			fprintf(stderr,
			    "lt-run: %llu of %llu requests failed: exit %d "
			    "(--exit-code-on-error)\n",
			    (unsigned long long)st->failures,
			    (unsigned long long)st->requests, c->exit_on_error);
			rc = c->exit_on_error;
		}
	}
	lt_buf_fini(&b);
	return rc;
}

/* --list, --show-task-ratio(-json): the classes and ratios on stdout. */
static int
show(const struct cli *c, const struct lt_scenario *sc)
{
	struct lt_buf b;
	int rc = 0;

	lt_buf_init(&b, 64 << 20);
	if (lt_taskratio_format(sc, c->show - 1, &b) != 0) {
		fprintf(stderr, "lt-run: the task list is too large\n");
		rc = LT_EXIT_RUNTIME;
	} else {
		fwrite(b.data, 1, b.len, stdout);
	}
	lt_buf_fini(&b);
	return rc;
}

/* --logfile: stderr (messages, the summary) goes to the file, appended. */
static int
logfile(const struct cli *c)
{
	int fd;

	if (c->logfile == NULL)
		return 0;
	fd = open(c->logfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	if (fd < 0) {
		fprintf(
		    stderr, "lt-run: %s: %s\n", c->logfile, strerror(errno));
		return -1;
	}
	if (dup2(fd, STDERR_FILENO) < 0) {
		fprintf(
		    stderr, "lt-run: %s: %s\n", c->logfile, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	struct cli c;
	struct lt_scenario *sc = NULL;
	struct lt_run_stats st;
	int rc, fd = STDOUT_FILENO;

	std_fds();
	memset(&c, 0, sizeof(c));
	memset(&st, 0, sizeof(st));
	c.run.stop_timeout_s = 5;
	c.run.jobs = 1;
	if (parse(&c, argc, argv) != 0 ||
	    (c.run.host != NULL && base_url(&c, c.run.host) != 0)) {
		fprintf(stderr, "lt-run: %s\n", c.err.msg);
		lt_cliconf_fini(&c.conf);
		return LT_EXIT_USAGE;
	}
	signal(SIGPIPE, SIG_IGN);
	if (logfile(&c) != 0) {
		lt_cliconf_fini(&c.conf);
		lt_http_base_url_free(c.base, c.user, c.password);
		return LT_EXIT_RUNTIME;
	}
	rc = setup(&c, &sc, &fd);
	if (rc == 0 && c.show) {
		rc = show(&c, sc);
	} else if (rc == 0) {
		if (c.run.seed == 0)
			c.run.seed =
			    (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
		c.run.scenario_path = c.scenario;
		c.run.out_fd = fd;
		c.run.warn = warn;
		c.run.warn_arg = &c;
		c.run.iterations = lt_segment_iterations(
		    c.run.iterations, c.run.seg_index, c.run.seg_count);
		curl_global_init(CURL_GLOBAL_DEFAULT);
		if (c.start_at_ms > 0 &&
		    lt_segment_wait_until(c.start_at_ms, &c.err) != 0) {
			fprintf(stderr, "lt-run: %s\n", c.err.msg);
			rc = LT_EXIT_RUNTIME;
		} else {
			rc = run(&c, sc, &st);
		}
		curl_global_cleanup();
	}
	if (fd != STDOUT_FILENO && close(fd) != 0 && rc == 0) {
		fprintf(stderr, "lt-run: %s: %s\n", c.out, strerror(errno));
		rc = LT_EXIT_RUNTIME;
	}
	/* Events go out with write(2); a closed pipe already ended the run
	 * (reason "stdout") and is not an error. */
	if (fd == STDOUT_FILENO &&
	    strcmp(st.reason ? st.reason : "", "stdout") != 0 &&
	    lt_stdout_close(&c.err) != 0 && rc == 0) {
		fprintf(stderr, "lt-run: %s\n", c.err.msg);
		rc = LT_EXIT_RUNTIME;
	}
	lt_run_stats_fini(&st);
	lt_scenario_free(sc);
	lt_cliconf_fini(&c.conf);
	lt_http_base_url_free(c.base, c.user, c.password);
	return rc;
}
