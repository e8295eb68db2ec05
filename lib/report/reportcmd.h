/*
 * reportcmd.h - what lt-report does, as a library call: read the
 * aggregate (and the baseline), write the report files and the report on
 * the caller's stream, compare with the baseline, or render the nightly
 * history page.  bin/lt-report.c only turns argv into a struct
 * lt_reportcmd.
 */
#ifndef LT_REPORTCMD_H
#define LT_REPORTCMD_H

#include <stdio.h>

#include "core/err.h"

/* How long one gnuplot chart may take (plot.h). */
#define LT_REPORTCMD_CHART_TIMEOUT_MS 30000

struct lt_reportcmd {
	const char *input;    /* the aggregate's file, "-" or NULL: stdin */
	const char *dir;      /* -o DIR, or NULL */
	const char *csv;      /* --csv PREFIX, or NULL */
	const char *format;   /* md, html or csv on out, or NULL */
	const char *baseline; /* aggregate to compare with, or NULL */
	const char *title, *notes; /* --title TEXT, --notes FILE, or NULL */
	const char *history;       /* --history DIR, or NULL */
	double tolerance;          /* ratio (0.1 = 10 %), as agg/baseline.h */
	double ranges[2];          /* --ranges in ms; 0, 0: the default */
	int csv_safe;              /* --csv-safe */
	int full_history;          /* --csv-full-history */
	const char *gnuplot;       /* program for charts; NULL: none */
	FILE *out;  /* the report of --format and --history (stdout) */
	FILE *diag; /* notes and warnings, "lt-report: ..." (stderr) */
};

/*
 * "800,1200" (--ranges): two times in ms, 0 < lo < hi < 1e9, into r.
 * 0 or -1.
 */
int lt_reportcmd_parse_ranges(const char *s, double r[2]);

/*
 * Runs lt-report.  Returns an enum lt_exit value:
 * LT_EXIT_OK; LT_EXIT_CHECK when the report was written but the run
 * regressed against the baseline (or the newest night against the one
 * before), said on cmd->diag; LT_EXIT_USAGE or LT_EXIT_RUNTIME with err
 * holding the message for the caller to print once.  *out_gone is set
 * when the reader of cmd->out went away (EPIPE: `| head`): nothing more
 * was written to it and that is a normal end, not an error.
 */
int lt_reportcmd_run(
    const struct lt_reportcmd *cmd, int *out_gone, struct lt_err *err);

#endif
