/*
 * aggcmd.h - what lt-agg does, as a library call: read event streams (or
 * aggregates with --merge), evaluate thresholds and the baseline, write
 * the aggregate.  bin/lt-agg.c only turns argv into a struct lt_aggcmd.
 */
#ifndef LT_AGGCMD_H
#define LT_AGGCMD_H

#include <stdint.h>
#include <stdio.h>

#include "core/err.h"

enum lt_agg_format {
	LT_FMT_JSON,
	LT_FMT_TEXT,
	LT_FMT_OPENMETRICS, /* openmetrics.h */
	LT_FMT_PROMETHEUS,
};

struct lt_aggcmd {
	char **files; /* borrowed; n_files 0: stdin */
	int n_files;
	int merge;     /* files are aggregates to merge */
	char **checks; /* borrowed threshold expressions */
	int n_checks;
	int exit_code_on_error; /* exit status when any request failed, 0:
	                           none (Locust's --exit-code-on-error) */
	const char *baseline;   /* aggregate to compare with, or NULL */
	double tolerance;       /* for the baseline, a ratio (0.1 = 10 %) */
	double every_s;         /* live table interval; 0: none */
	enum lt_agg_format format;
	enum lt_agg_format live_format; /* text (default) or an exposition */
	const char *live_output;        /* NULL: diag; "-": stdout; else a file
	                            replaced at each interval */
	const char *junit;              /* --junit FILE, or NULL (junit.h) */
	int timeline_endpoints;
	int64_t since_us, until_us; /* time window from the run start; 0:
	                               none (--since, --until) */
	int strict;                 /* first rejected line is an error */
	const char *output;         /* -o FILE, or NULL: stdout */
	int quiet;                  /* -q: no threshold lines on stderr */
	FILE *diag;                 /* where live tables and check lines go */
	const char *goodput;        /* --goodput SLOs (llmstat.h), or NULL */
};

/*
 * Runs lt-agg.  Returns an enum lt_exit value; on LT_EXIT_USAGE or
 * LT_EXIT_RUNTIME err holds the message (the caller prints it once).
 * LT_EXIT_CHECK means the output was written but a threshold failed, the
 * baseline regressed; with exit_code_on_error and a failed request (and
 * no threshold or baseline failure), that code.
 */
int lt_aggcmd_run(const struct lt_aggcmd *cmd, struct lt_err *err);

#endif
