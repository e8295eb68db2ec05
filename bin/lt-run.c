/*
 * lt-run - the load generator: reads a scenario, simulates users against
 * an HTTP service, writes one NDJSON event per request (lt-events(5)).
 *
 * Option parsing only: options come from ./lt.conf, then --config FILE,
 * then LT_* environment variables, then the command line, a later source
 * winning, all through lt_runcli_set (lib/run/runcli.c); the work is
 * lt_runcmd_run (lib/run/runcmd.c).
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/err.h"
#include "core/outclose.h"
#include "core/version.h"
#include "run/runcli.h"
#include "run/runcmd.h"

static const char usage_text[] =
    "usage: lt-run -f FILE [-H URL] [-u N] [-r N] [-t TIME] [-i N] [-o FILE]\n"
    "              [-q] [-j N] [--rate RPS] [--arrival constant|poisson]\n"
    "              [--shape FILE|CMD] [--stop-timeout S] [--tags LIST]\n"
    "              [--exclude-tags LIST] [--seed N] [--http2] [--insecure]\n"
    "              [--timeout S] [--config FILE] [--exit-code-on-error N]\n"
    "              [--equal-weights] [--loglevel LEVEL] [--logfile FILE]\n"
    "              [--segment I/N] [--start-at EPOCH_MS] [--show-secrets]\n"
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
    "      --show-secrets      record URL credentials and secrets in clear\n"
    "      --version           print the version and exit\n"
    "  -h, --help              print this help and exit\n";

/* Prints s and exits (--help, --version): stdout is checked. */
static void
print_exit(struct lt_runcli *c, const char *s)
{
	struct lt_err err;

	fputs(s, stdout);
	lt_runcli_fini(c);
	exit(lt_stdout_close(&err) == 0 ? 0 : LT_EXIT_RUNTIME);
}

/* Reads every option source into c.  Returns 0 or -1 with err. */
static int
parse(struct lt_runcli *c, int argc, char **argv, struct lt_err *err)
{
	int ch, idx;

	if (lt_runcli_sources(c, argc, argv, err) != 0)
		return -1;
	opterr = 0;
	for (;;) {
		ch = getopt_long(
		    argc, argv, LT_RUNCLI_SHORTOPTS, lt_runcli_longopts, &idx);
		if (ch == -1)
			break;
		if (ch == LT_RUNCLI_HELP)
			print_exit(c, usage_text);
		if (ch == LT_RUNCLI_VERSION)
			print_exit(c, "lt-run " LT_VERSION "\n");
		if (ch == '?' || ch == ':')
			return lt_err_set(err, LT_EXIT_USAGE,
			    "bad option or missing value: '%s' (see lt-run "
			    "--help)",
			    argv[optind - 1]);
		if (lt_runcli_set(ch, optarg, c) != 0)
			return lt_err_set(err, LT_EXIT_USAGE,
			    "bad value '%s' for --%s: %s", optarg,
			    lt_runcli_name(ch),
			    c->why != NULL ? c->why : "not allowed");
	}
	return lt_runcli_check(c, optind < argc ? argv[optind] : NULL, err);
}

int
main(int argc, char **argv)
{
	struct lt_runcli c;
	struct lt_err err;
	int rc, check_stdout;

	if (lt_runcmd_std_fds() != 0)
		return LT_EXIT_RUNTIME;
	lt_runcli_init(&c);
	lt_err_clear(&err);
	if (parse(&c, argc, argv, &err) != 0) {
		fprintf(stderr, "lt-run: %s\n", err.msg);
		lt_runcli_fini(&c);
		return LT_EXIT_USAGE;
	}
	signal(SIGPIPE, SIG_IGN);
	c.cmd.msg = stderr;
	c.cmd.list = stdout;
	rc = lt_runcmd_run(&c.cmd, &check_stdout, &err);
	if (rc != 0)
		fprintf(stderr, "lt-run: %s\n", err.msg);
	if (check_stdout && lt_stdout_close(&err) != 0 && rc == 0) {
		fprintf(stderr, "lt-run: %s\n", err.msg);
		rc = LT_EXIT_RUNTIME;
	}
	lt_runcli_fini(&c);
	return rc;
}
