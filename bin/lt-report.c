/*
 * lt-report - turns an lt aggregate into Locust-compatible CSV files, a
 * self-contained HTML page and a Markdown report; with --baseline, into
 * a comparison of two runs.  See lt-report(1).
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg/baseline.h"
#include "report/csv.h"
#include "core/err.h"
#include "report/history.h"
#include "report/html.h"
#include "report/md.h"
#include "core/outclose.h"
#include "report/report.h"
#include "report/reportio.h"
#include "core/version.h"

#define PROG             "lt-report"
#define CHART_TIMEOUT_MS 30000

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

struct opts {
	const char *input, *dir, *csv, *format, *baseline, *title, *notes;
	const char *history;
	double tolerance;
	double ranges[2];
	int no_charts;
	int csv_safe;
	int full_history;
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

/* "800,1200": two numbers of ms, 0 < lo < hi.  0 or -1. */
static int
parse_ranges(const char *s, double *r)
{
	char *end;

	errno = 0;
	r[0] = strtod(s, &end);
	if (end == s || *end != ',')
		return -1;
	s = end + 1;
	r[1] = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0)
		return -1;
	return r[0] > 0 && r[1] > r[0] && r[1] < 1e9 ? 0 : -1;
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

static int
parse(int argc, char **argv, struct opts *o)
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
	int c;

	memset(o, 0, sizeof(*o));
	o->tolerance = 0.10;
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
			o->no_charts = 1;
			break;
		case OPT_RANGES:
			if (parse_ranges(optarg, o->ranges) != 0)
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

/*
 * Writes b to stdout.  A reader that went away (EPIPE: `| head`) ends a
 * filter's job normally, as for lt-run: *gone is set and 0 returned, and
 * nothing more is written.  Other errors: -1 with err set.
 */
static int
put_stdout(const struct lt_buf *b, int *gone, struct lt_err *err)
{
	if (*gone || b->len == 0)
		return 0;
	errno = 0;
	if (fwrite(b->data, 1, b->len, stdout) == b->len)
		return 0;
	if (errno == EPIPE) {
		*gone = 1;
		return 0;
	}
	return lt_err_sys(
	    err, LT_EXIT_RUNTIME, errno ? errno : EIO, "cannot write stdout");
}

/*
 * Flushes and closes stdout at exit; a reader that went away (EPIPE,
 * now or during the run) is a normal end.  0 or -1.
 */
static int
close_stdout(int gone, struct lt_err *err)
{
	if (gone) {
		fclose(stdout); /* what stdio still holds has no reader */
		return 0;
	}
	return lt_stdout_close(err) == -1 ? -1 : 0;
}

/* --format: the report on stdout. */
static int
to_stdout(const char *format, const struct lt_report *r, struct lt_md_opts *d,
    const struct lt_html_opts *ho, char *warn, size_t warn_cap, int *gone,
    struct lt_err *err)
{
	struct lt_buf b;
	int rc;

	lt_buf_init(&b, 0);
	if (strcmp(format, "html") == 0)
		rc = lt_html_render(&b, r, d, ho, warn, warn_cap, err);
	else if (strcmp(format, "csv") == 0)
		rc = lt_csv_stats(&b, r);
	else
		rc = lt_md_render(&b, r, d);
	if (rc != 0 && err->code == 0)
		lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	if (rc == 0)
		rc = put_stdout(&b, gone, err);
	lt_buf_fini(&b);
	return rc;
}

/* --history: the page on stdout; 1 when the newest night regressed. */
static int
history(const struct opts *o, int *gone, struct lt_err *err)
{
	struct lt_history_opts ho = { .dir = o->history,
		.tolerance = o->tolerance,
		.title = o->title,
		.timeout_ms = CHART_TIMEOUT_MS };
	const char *gp = getenv("LT_GNUPLOT");
	char warn[LT_ERR_MSG_CAP];
	struct lt_buf b;
	int regressed = 0, rc;

	ho.gnuplot = o->no_charts ? NULL : gp != NULL && *gp ? gp : "gnuplot";
	lt_buf_init(&b, 0);
	rc = lt_history_render(&ho, &b, &regressed, warn, sizeof(warn), err);
	if (rc == 0)
		rc = put_stdout(&b, gone, err);
	lt_buf_fini(&b);
	if (rc == 0 && warn[0] != '\0')
		fprintf(stderr, PROG ": warning: %s\n", warn);
	if (rc == 0 && regressed)
		fprintf(stderr,
		    PROG ": the newest night in %s regressed against the "
		         "night before\n",
		    o->history);
	return rc == 0 && regressed ? 1 : rc;
}

static int
run(const struct opts *o, int *gone, struct lt_err *err)
{
	struct lt_report *r = NULL, *base = NULL;
	struct lt_md_opts d = { 0 };
	struct lt_html_opts ho = { 0 };
	const char *gp = getenv("LT_GNUPLOT");
	char warn[LT_ERR_MSG_CAP] = "", warn2[LT_ERR_MSG_CAP] = "";
	char *notes = NULL;
	int rc = -1;

	ho.gnuplot = o->no_charts ? NULL : gp != NULL && *gp ? gp : "gnuplot";
	ho.timeout_ms = CHART_TIMEOUT_MS;
	d.title = o->title;
	d.tolerance = o->tolerance;
	d.range_ms[0] = o->ranges[0];
	d.range_ms[1] = o->ranges[1];
	d.base_label = o->baseline;
	if (o->notes != NULL) {
		notes = lt_report_read_text(o->notes, 1 << 20, err);
		if (notes == NULL)
			return -1;
	}
	d.notes_md = notes;
	r = lt_report_load(o->input, err);
	if (r == NULL)
		goto out;
	r->csv_safe = o->csv_safe;
	/* the endpoint cap, applied when reading (lt-aggregate(5)) */
	if (r->doc.folded_endpoints > 0)
		fprintf(stderr,
		    PROG ": note: %s: %lld endpoints beyond the first %d "
		         "folded into \"(other)\"\n",
		    o->input ? o->input : "-",
		    (long long)r->doc.folded_endpoints, LT_DOC_MAX_ENDPOINTS);
	r->csv_full_history = o->full_history;
	if (o->full_history && !r->has_sec_eps && r->n_secs > 0)
		fprintf(stderr,
		    PROG ": warning: --csv-full-history: the aggregate has no "
		         "per-endpoint timeline (lt-agg --timeline-endpoints "
		         "writes one); the history has Aggregated rows only\n");
	if (o->baseline != NULL) {
		base = lt_report_load(o->baseline, err);
		if (base == NULL)
			goto out;
		d.base = base;
	}
	if (o->dir != NULL &&
	    lt_report_write_dir(o->dir, r, &d, &ho, warn, sizeof(warn), err))
		goto out;
	if (o->csv != NULL && lt_report_write_csv(o->csv, r, err) != 0)
		goto out;
	/* Charts were already tried for the directory: warn only once. */
	if (o->dir != NULL && warn[0] != '\0')
		ho.gnuplot = NULL;
	if (o->format != NULL &&
	    to_stdout(o->format, r, &d, &ho, warn2, sizeof(warn2), gone, err) !=
	        0)
		goto out;
	rc = 0;
	if (warn[0] != '\0' || warn2[0] != '\0')
		fprintf(stderr, PROG ": warning: %s\n", warn[0] ? warn : warn2);
	/* The history CSV leaves out gaps over an hour: say so, once. */
	if ((o->dir != NULL || o->csv != NULL) &&
	    lt_report_gap_note(r, warn, sizeof(warn)))
		fprintf(stderr, PROG ": warning: %s\n", warn);
	if (base != NULL) {
		struct lt_cmp c;

		if (lt_compare(&c, base, r, o->tolerance) != 0) {
			rc = lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
			goto out;
		}
		if (c.regressions > 0) {
			fprintf(stderr,
			    PROG ": %d regression%s beyond %.0f%% "
			         "against %s\n",
			    c.regressions, c.regressions > 1 ? "s" : "",
			    100 * o->tolerance, o->baseline);
			rc = 1;
		}
		lt_compare_fini(&c);
	}
out:
	lt_report_free(r);
	lt_report_free(base);
	free(notes);
	return rc;
}

int
main(int argc, char **argv)
{
	struct lt_err err;
	struct opts o;
	int rc, gone = 0;

	/* histograms from mmap: untouched slots stay unallocated (lt-agg) */
	mallopt(M_MMAP_THRESHOLD, 64 * 1024);
	lt_err_clear(&err);
	/* gnuplot may quit before reading its whole script (plot.h); a
	 * closed stdout shows as EPIPE (put_stdout). */
	signal(SIGPIPE, SIG_IGN);
	rc = parse(argc, argv, &o);
	if (rc > 0)
		return rc;
	/* rc < 0: -h or --version printed; only stdout is left to check. */
	if (rc == 0 && o.history != NULL)
		rc = history(&o, &gone, &err);
	else if (rc == 0)
		rc = run(&o, &gone, &err);
	else
		rc = 0;
	if (rc < 0) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		close_stdout(1, &err);
		return err.code ? err.code : LT_EXIT_RUNTIME;
	}
	if (close_stdout(gone, &err) != 0) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		return LT_EXIT_RUNTIME;
	}
	return rc == 1 ? LT_EXIT_CHECK : LT_EXIT_OK;
}
