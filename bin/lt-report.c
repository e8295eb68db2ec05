/*
 * lt-report - turns an lt aggregate into Locust-compatible CSV files, a
 * self-contained HTML page and a Markdown report; with --baseline, into
 * a comparison of two runs.  See lt-report(1).
 *
 * Option parsing only; the work is lt_reportcmd_run (report/reportcmd.c).
 */
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg/baseline.h"
#include "core/err.h"
#include "core/outclose.h"
#include "core/version.h"
#include "report/reportcmd.h"

#define PROG "lt-report"

static const char usage_text[] =
    "usage: lt-report [-o dir] [--csv prefix] [--format md|html|csv]\n"
    "                 [--baseline file] [--tolerance pct] [--title text]\n"
    "                 [--notes file] [--ranges ms,ms] [--no-charts]\n"
    "                 [--csv-full-history] [--csv-safe] [file]\n"
    "       lt-report --history dir [--tolerance pct] [--title text]\n"
    "                 [--no-charts]\n"
    "       lt-report -h | --help | --version\n"
    "\n"
    "  -o, --output DIR     write index.html, report.md and lt_*.csv into DIR\n"
    "  --csv PREFIX         write PREFIX_stats.csv, PREFIX_stats_history.csv,\n"
    "                       PREFIX_failures.csv, PREFIX_exceptions.csv\n"
    "  --csv-full-history   per-endpoint rows in the history CSV\n"
    "  --format FMT         write the report to stdout as md, html or csv\n"
    "                       (default md when neither -o nor --csv)\n"
    "  -b, --baseline FILE  compare with an older aggregate; exit 1 if worse\n"
    "  --tolerance PCT      change still counted as none (default 10%)\n"
    "  --title TEXT         the report's title\n"
    "  --notes FILE         Markdown text to include as the report's notes\n"
    "  --ranges LO,HI       response time ranges in ms (default 800,1200)\n"
    "  --no-charts          do not run gnuplot\n"
    "  --history DIR        one HTML page of the nightly aggregates in DIR\n"
    "                       (YYYY-MM-DD*.json, YYYY-MM-DD*/run.json) on\n"
    "                       stdout; exit 1 if the newest night regressed\n"
    "  --csv-safe           in CSV files, a name or error starting with\n"
    "                       = + - @ tab or CR gets a leading ' (spreadsheets)\n"
    "  -h, --help           this help\n"
    "  --version            print the version\n"
    "\n"
    "file is an aggregate written by lt-agg; - or none reads stdin.\n";

enum {
	OPT_CSV = 256,
	OPT_TITLE,
	OPT_NOTES,
	OPT_NOCHARTS,
	OPT_VERSION,
	OPT_RANGES,
	OPT_FORMAT,
	OPT_TOLERANCE,
	OPT_FULLHIST,
	OPT_HISTORY,
	OPT_CSV_SAFE,
};

/*
 * Prints one line, "lt-report: MESSAGE (see lt-report --help)", as lt-run
 * does, not the whole usage; returns the exit status.
 */
static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see " PROG " --help)\n", stderr);
	return LT_EXIT_USAGE;
}

/*
 * An unknown option.  -f and -t were --format and --tolerance once; they
 * went so that a letter means one thing across the programs (lt-run's -f
 * is the scenario, -t the run time): say which long option to use.
 */
static int
bad_option(const char *arg)
{
	if (optopt == 'f')
		return usage_error(
		    "-f is not an lt-report option: use --format "
		    "(-f is lt-run's scenario)");
	if (optopt == 't')
		return usage_error("-t is not an lt-report option: use "
		                   "--tolerance (-t is lt-run's run time)");
	return usage_error("unknown option %s", arg);
}

/*
 * Fills o from argv.  0; -1 after -h or --version printed; or the exit
 * status of a usage error, said on stderr.
 */
static int
parse(int argc, char **argv, struct lt_reportcmd *o)
{
	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "csv", required_argument, NULL, OPT_CSV },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "baseline", required_argument, NULL, 'b' },
		{ "tolerance", required_argument, NULL, OPT_TOLERANCE },
		{ "title", required_argument, NULL, OPT_TITLE },
		{ "notes", required_argument, NULL, OPT_NOTES },
		{ "no-charts", no_argument, NULL, OPT_NOCHARTS },
		{ "csv-safe", no_argument, NULL, OPT_CSV_SAFE },
		{ "ranges", required_argument, NULL, OPT_RANGES },
		{ "csv-full-history", no_argument, NULL, OPT_FULLHIST },
		{ "history", required_argument, NULL, OPT_HISTORY },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	const char *gp = getenv("LT_GNUPLOT");
	int c;

	o->tolerance = 0.10;
	o->gnuplot = gp != NULL && *gp ? gp : "gnuplot";
	opterr = 0;
	for (;;) {
		c = getopt_long(argc, argv, ":o:b:h", lo, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'o':
			o->dir = optarg;
			break;
		case OPT_CSV:
			o->csv = optarg;
			break;
		case OPT_FORMAT:
			o->format = optarg;
			break;
		case 'b':
			o->baseline = optarg;
			break;
		case OPT_TOLERANCE:
			if (lt_baseline_tolerance(optarg, &o->tolerance) != 0) {
				fprintf(stderr,
				    PROG ": bad tolerance '%s' (a percentage "
				         ">= 0, e.g. 10%%)\n",
				    optarg);
				return LT_EXIT_USAGE;
			}
			break;
		case OPT_TITLE:
			o->title = optarg;
			break;
		case OPT_NOTES:
			o->notes = optarg;
			break;
		case OPT_CSV_SAFE:
			o->csv_safe = 1;
			break;
		case OPT_NOCHARTS:
			o->gnuplot = NULL;
			break;
		case OPT_RANGES:
			if (lt_reportcmd_parse_ranges(optarg, o->ranges) != 0)
				return usage_error("bad --ranges '%s' (two "
				                   "times in ms, LO,HI, 0 < LO "
				                   "< HI)",
				    optarg);
			break;
		case OPT_FULLHIST:
			o->full_history = 1;
			break;
		case OPT_HISTORY:
			o->history = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		case OPT_VERSION:
			puts(PROG " " LT_VERSION);
			return -1;
		case ':':
			return usage_error(
			    "option %s needs an argument", argv[optind - 1]);
		default:
			return bad_option(argv[optind - 1]);
		}
	}
	if (o->history != NULL &&
	    (argc > optind || o->dir || o->csv || o->baseline || o->notes ||
	        (o->format && strcmp(o->format, "html") != 0)))
		return usage_error("--history takes only --tolerance, --title "
		                   "and --no-charts");
	if (argc - optind > 1)
		return usage_error(
		    "one aggregate file at most, extra %s", argv[optind + 1]);
	o->input = optind < argc ? argv[optind] : "-";
	if (o->format == NULL && o->dir == NULL && o->csv == NULL)
		o->format = "md";
	if (o->format != NULL && strcmp(o->format, "md") != 0 &&
	    strcmp(o->format, "html") != 0 && strcmp(o->format, "csv") != 0)
		return usage_error(
		    "unknown format %s (md, html or csv)", o->format);
	return 0;
}

int
main(int argc, char **argv)
{
	struct lt_reportcmd cmd = { .out = stdout, .diag = stderr };
	struct lt_err err;
	int rc, gone = 0;

	/* histograms from mmap: untouched slots stay unallocated (lt-agg) */
	mallopt(M_MMAP_THRESHOLD, 64 * 1024);
	lt_err_clear(&err);
	/* gnuplot may quit before reading its whole script (plot.h); a
	 * closed stdout shows as EPIPE (lt_reportcmd_run). */
	signal(SIGPIPE, SIG_IGN);
	rc = parse(argc, argv, &cmd);
	if (rc > 0)
		return rc;
	/* rc < 0: -h or --version printed; only stdout is left to check. */
	rc = rc == 0 ? lt_reportcmd_run(&cmd, &gone, &err) : LT_EXIT_OK;
	if (rc == LT_EXIT_USAGE || rc == LT_EXIT_RUNTIME) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		fclose(stdout); /* what stdio still holds has no reader */
		return rc;
	}
	/* A reader that went away (EPIPE, now or during the run): a normal
	 * end. */
	if (gone)
		fclose(stdout);
	else if (lt_stdout_close(&err) == -1) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		return LT_EXIT_RUNTIME;
	}
	return rc;
}
