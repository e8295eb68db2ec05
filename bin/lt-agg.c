/*
 * lt-agg - aggregate lt event streams into statistics (lt-agg(1)).
 *
 * Option parsing only; the work is lt_aggcmd_run (lib/agg/aggcmd.c).
 */
#include <getopt.h>
#include <math.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg/aggcmd.h"
#include "agg/baseline.h"
#include "core/err.h"
#include "core/outclose.h"
#include "core/version.h"

static const char usage_text[] =
    "usage: lt-agg [-qs] [-c expr]... [-o file] [--format fmt]\n"
    "              [--exit-code-on-error [n]] [--baseline old.json]\n"
    "              [--tolerance pct] [--live | --every interval]\n"
    "              [--live-format fmt] [--live-output file]\n"
    "              [--junit file] [--timeline-endpoints] [--strict]\n"
    "              [--goodput slos] [--since time] [--until time]\n"
    "              [file ...]\n"
    "       lt-agg --merge [options] aggregate.json ...\n"
    "       lt-agg -h | --help | --version\n"
    "\n"
    "  -c, --check expr        threshold, e.g. 'p95<300ms' (repeatable)\n"
    "      --goodput slos      streams meeting every SLO, e.g.\n"
    "                          'ttft<200ms,tpot<50ms,e2e<2s'\n"
    "      --exit-code-on-error [n]  exit n (default 1) when any request "
    "failed\n"
    "      --baseline old.json compare with an older aggregate\n"
    "      --tolerance pct     regression tolerance (default 10%)\n"
    "      --live              totals and current rates on stderr (2 s)\n"
    "      --every interval    the same, every interval (2s, 500ms, 1m)\n"
    "      --format fmt        json (default), text, openmetrics, prometheus\n"
    "      --live-format fmt   live output as text (default), openmetrics\n"
    "                          or prometheus\n"
    "      --live-output file  live output to file (replaced each interval)\n"
    "                          or - (stdout); default stderr\n"
    "      --junit file        threshold and baseline results as JUnit XML\n"
    "      --timeline-endpoints  per-endpoint series in the timeline\n"
    "      --since time        leave out events before this time from the\n"
    "                          run start (30s, 2m; Locust's --reset-stats)\n"
    "      --until time        leave out events from this time on (5m)\n"
    "  -m, --merge             inputs are aggregates to merge\n"
    "  -o, --output file       write to file instead of stdout\n"
    "  -q, --quiet             no threshold, baseline or reject lines on "
    "stderr\n"
    "  -s, --strict            a rejected input line is an error\n"
    "  -h, --help              this help\n"
    "      --version           print the version\n";

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

/* An exit code 0..255 in decimal, or -1. */
static int
parse_code(const char *s)
{
	int v = 0;

	if (*s == '\0' || strlen(s) > 3)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v <= 255 ? v : -1;
}

/* A --format name; -1 when unknown. */
static int
parse_format(const char *s)
{
	static const char *const names[] = { "json", "text", "openmetrics",
		"prometheus" };
	static const enum lt_agg_format fmts[] = { LT_FMT_JSON, LT_FMT_TEXT,
		LT_FMT_OPENMETRICS, LT_FMT_PROMETHEUS };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return (int)fmts[i];
	return -1;
}

/* "2s", "500ms", "1m", "1h", "2" (seconds) -> seconds; -1 when bad. */
static double
parse_interval(const char *s)
{
	char *end;
	double v;

	if (*s < '0' || *s > '9')
		return -1; /* no sign, no inf or nan */
	v = strtod(s, &end);
	if (end == s || !(v > 0) || v > 1e9)
		return -1;
	if (*end == '\0' || strcmp(end, "s") == 0)
		return v;
	if (strcmp(end, "ms") == 0)
		return v / 1000.0;
	if (strcmp(end, "m") == 0)
		return v * 60.0;
	if (strcmp(end, "h") == 0)
		return v * 3600.0;
	return -1;
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
			    parse_code(argv[optind]) >= 0)
				optarg = argv[optind++];
			cmd.exit_code_on_error =
			    optarg ? parse_code(optarg) : LT_EXIT_CHECK;
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
			cmd.every_s = parse_interval(optarg);
			if (cmd.every_s < 0) {
				rc = usage_error("bad interval", optarg);
				goto out;
			}
			break;
		case OPT_FORMAT:
		case OPT_LIVE_FORMAT:
			fmt = parse_format(optarg);
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
			double t = parse_interval(optarg);

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
			fputs(usage_text, stdout);
			rc = LT_EXIT_OK;
			goto close_out;
		case OPT_VERSION:
			puts("lt-agg " LT_VERSION);
			rc = LT_EXIT_OK;
			goto close_out;
		default:
			fputs(usage_text, stderr);
			rc = LT_EXIT_USAGE;
			goto out;
		}
	}
	cmd.files = argv + optind;
	cmd.n_files = argc - optind;
	if (cmd.since_us > 0 && cmd.until_us > 0 &&
	    cmd.until_us <= cmd.since_us) {
		rc = usage_error("--until must be later than --since", "");
		goto out;
	}
	if (cmd.merge && (cmd.since_us > 0 || cmd.until_us > 0)) {
		rc = usage_error("--since and --until read events, not "
		                 "aggregates (--merge)",
		    "");
		goto out;
	}
	if (cmd.merge && cmd.n_files == 0) {
		rc = usage_error("--merge needs aggregate files", "");
		goto out;
	}
	if ((cmd.live_output || cmd.live_format != LT_FMT_TEXT) &&
	    cmd.every_s == 0)
		cmd.every_s = 2; /* --live-format/--live-output imply --live */
	if (cmd.live_output && strcmp(cmd.live_output, "-") == 0 &&
	    !cmd.output) {
		rc = usage_error(
		    "--live-output - needs -o for the aggregate", "");
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
