/*
 * aggopt.h - lt-agg's command line apart from getopt (lt-agg(1)): the help
 * text, the option values (exit codes, formats, intervals) and the rules
 * between options once all are read.  bin/lt-agg.c runs getopt_long over
 * them into a struct lt_aggcmd; nothing here prints.
 */
#ifndef LT_AGGOPT_H
#define LT_AGGOPT_H

#include "agg/aggcmd.h"
#include "core/err.h"

/* The text of lt-agg --help (and after a getopt error, on stderr). */
extern const char lt_aggopt_usage[];

/* An exit code 0..255 in decimal (--exit-code-on-error), or -1. */
int lt_aggopt_code(const char *s);

/* A --format or --live-format name as an enum lt_agg_format; -1 when
 * unknown. */
int lt_aggopt_format(const char *s);

/* "2s", "500ms", "1m", "1h", "2" (seconds) -> seconds > 0; -1 when bad
 * (--every, --since, --until). */
double lt_aggopt_interval(const char *s);

/*
 * Checks the options against each other once all are read and sets what
 * they imply (--live-format or --live-output without --every: every 2 s).
 * Returns 0, or -1 with err set (LT_EXIT_USAGE) to what is wrong, for
 * "lt-agg: MSG (see lt-agg --help)".
 */
int lt_aggopt_finish(struct lt_aggcmd *cmd, struct lt_err *err);

#endif
