/*
 * lt-agg - aggregate lt event streams into statistics (lt-agg(1)).
 *
 * Option parsing only.  The help text, option values and the rules between
 * options are lib/agg/aggopt.c; the work is lt_aggcmd_run (lib/agg/aggcmd.c).
 */
#include <getopt.h>
#include <math.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "agg/aggcmd.h"
#include "agg/aggopt.h"
#include "agg/baseline.h"
#include "core/err.h"
#include "core/outclose.h"
#include "core/version.h"

enum {
	OPT_EXIT_ON_ERROR = 256,
	OPT_BASELINE,
	OPT_TOLERANCE,
	OPT_LIVE,
	OPT_EVERY,
	OPT_FORMAT,
	OPT_TL_EPS,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_LIVE_FORMAT,
	OPT_LIVE_OUTPUT,
	OPT_JUNIT,
	OPT_GOODPUT,
	OPT_VERSION,
};

static const struct option longopts[] = {
	{ "check", required_argument, NULL, 'c' },
	{ "goodput", required_argument, NULL, OPT_GOODPUT },
	{ "exit-code-on-error", optional_argument, NULL, OPT_EXIT_ON_ERROR },
	{ "baseline", required_argument, NULL, OPT_BASELINE },
	{ "tolerance", required_argument, NULL, OPT_TOLERANCE },
	{ "live", no_argument, NULL, OPT_LIVE },
	{ "every", required_argument, NULL, OPT_EVERY },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "timeline-endpoints", no_argument, NULL, OPT_TL_EPS },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "live-format", required_argument, NULL, OPT_LIVE_FORMAT },
	{ "live-output", required_argument, NULL, OPT_LIVE_OUTPUT },
	{ "junit", required_argument, NULL, OPT_JUNIT },
	{ "merge", no_argument, NULL, 'm' },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "strict", no_argument, NULL, 's' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static int
usage_error(const char *what, const char *arg)
{
	if (*arg)
		fprintf(
		    stderr, "lt-agg: %s '%s' (see lt-agg --help)\n", what, arg);
	else
		fprintf(stderr, "lt-agg: %s (see lt-agg --help)\n", what);
	return LT_EXIT_USAGE;
}

int
main(int argc, char **argv)
{
	struct lt_aggcmd cmd = {
		.tolerance = 0.1, .diag = stderr, .live_format = LT_FMT_TEXT
	};
	struct lt_err err;
	int c, rc, fmt;

	signal(SIGPIPE, SIG_IGN); /* a closed stdout is seen at exit */
	/*
	 * Histograms are large and mostly empty: from mmap, their untouched
	 * pages stay unallocated.  A fixed threshold keeps glibc from raising
	 * it (and serving them from the heap, zeroed page by page) after the
	 * first is freed: memory follows the values held, not the slots.
	 */
	mallopt(M_MMAP_THRESHOLD, 64 * 1024);
	cmd.checks = calloc((size_t)argc, sizeof(*cmd.checks));
	if (cmd.checks == NULL)
		return LT_EXIT_RUNTIME;
	while (
	    (c = getopt_long(argc, argv, "c:mo:qsh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cmd.checks[cmd.n_checks++] = optarg;
			break;
		case OPT_EXIT_ON_ERROR:
			/*
			 * Locust's form takes a value (--exit-code-on-error
			 * 1); a following word that is not a code is a file.
			 */
			if (optarg == NULL && optind < argc &&
			    lt_aggopt_code(argv[optind]) >= 0)
				optarg = argv[optind++];
			cmd.exit_code_on_error =
			    optarg ? lt_aggopt_code(optarg) : LT_EXIT_CHECK;
			if (cmd.exit_code_on_error < 0) {
				rc = usage_error("bad exit code", optarg);
				goto out;
			}
			break;
		case OPT_BASELINE:
			cmd.baseline = optarg;
			break;
		case OPT_TOLERANCE:
			if (lt_baseline_tolerance(optarg, &cmd.tolerance)) {
				rc = usage_error("bad tolerance", optarg);
				goto out;
			}
			break;
		case OPT_LIVE:
			if (cmd.every_s == 0)
				cmd.every_s = 2;
			break;
		case OPT_EVERY:
			cmd.every_s = lt_aggopt_interval(optarg);
			if (cmd.every_s < 0) {
				rc = usage_error("bad interval", optarg);
				goto out;
			}
			break;
		case OPT_FORMAT:
		case OPT_LIVE_FORMAT:
			fmt = lt_aggopt_format(optarg);
			if (fmt < 0 ||
			    (c == OPT_LIVE_FORMAT && fmt == LT_FMT_JSON)) {
				rc = usage_error("bad format", optarg);
				goto out;
			}
			if (c == OPT_FORMAT)
				cmd.format = (enum lt_agg_format)fmt;
			else
				cmd.live_format = (enum lt_agg_format)fmt;
			break;
		case OPT_LIVE_OUTPUT:
			cmd.live_output = optarg;
			break;
		case OPT_JUNIT:
			cmd.junit = optarg;
			break;
		case OPT_TL_EPS:
			cmd.timeline_endpoints = 1;
			break;
		case OPT_SINCE:
		case OPT_UNTIL: {
			double t = lt_aggopt_interval(optarg);

			if (t < 0) {
				rc = usage_error("bad time", optarg);
				goto out;
			}
			*(c == OPT_SINCE ? &cmd.since_us : &cmd.until_us) =
			    llround(t * 1e6);
			break;
		}
		case OPT_GOODPUT:
			cmd.goodput = optarg;
			break;
		case 'm':
			cmd.merge = 1;
			break;
		case 'o':
			cmd.output = optarg;
			break;
		case 'q':
			cmd.quiet = 1;
			break;
		case 's':
			cmd.strict = 1;
			break;
		case 'h':
			fputs(lt_aggopt_usage, stdout);
			rc = LT_EXIT_OK;
			goto close_out;
		case OPT_VERSION:
			puts("lt-agg " LT_VERSION);
			rc = LT_EXIT_OK;
			goto close_out;
		default:
			fputs(lt_aggopt_usage, stderr);
			rc = LT_EXIT_USAGE;
			goto out;
		}
	}
	cmd.files = argv + optind;
	cmd.n_files = argc - optind;
	if (lt_aggopt_finish(&cmd, &err) == -1) {
		rc = usage_error(err.msg, "");
		goto out;
	}
	rc = lt_aggcmd_run(&cmd, &err);
	if (rc == LT_EXIT_USAGE || rc == LT_EXIT_RUNTIME)
		fprintf(stderr, "lt-agg: %s\n", err.msg);
	/*
	 * One message per run: a failed write was reported just above.  A
	 * reader that went away (LT_STDOUT_GONE) took what it wanted.
	 */
close_out:
	if (lt_stdout_close(&err) == -1 && rc != LT_EXIT_RUNTIME) {
		fprintf(stderr, "lt-agg: %s\n", err.msg);
		rc = LT_EXIT_RUNTIME;
	}
out:
	free(cmd.checks);
	return rc;
}
