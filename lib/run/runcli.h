/*
 * runcli.h - lt-run's options: the table of long options, the one setter
 * every source goes through, and the sources read before the command
 * line.  Options come from ./lt.conf, then --config FILE (or LT_CONFIG),
 * then LT_* environment variables, then the command line; a later source
 * wins (Locust's order).  Every source goes through lt_runcli_set(), so
 * they cannot disagree; files and the environment are read by
 * core/cliconf.  bin/lt-run.c runs getopt_long(3) over lt_runcli_longopts
 * and hands the result, a struct lt_runcmd, to lt_runcmd_run (runcmd.h).
 */
#ifndef LT_RUNCLI_H
#define LT_RUNCLI_H

#include <getopt.h>

#include "core/cliconf.h"
#include "core/err.h"
#include "run/runcmd.h"

/* Option ids: the struct option vals, the short letter when there is one. */
enum lt_runcli_opt {
	LT_RUNCLI_SCENARIO = 'f',
	LT_RUNCLI_HOST = 'H',
	LT_RUNCLI_USERS = 'u',
	LT_RUNCLI_SPAWN = 'r',
	LT_RUNCLI_TIME = 't',
	LT_RUNCLI_ITER = 'i',
	LT_RUNCLI_OUT = 'o',
	LT_RUNCLI_QUIET = 'q',
	LT_RUNCLI_JOBS = 'j',
	LT_RUNCLI_HELP = 'h',
	LT_RUNCLI_RATE = 256,
	LT_RUNCLI_ARRIVAL,
	LT_RUNCLI_SHAPE,
	LT_RUNCLI_STOPTO,
	LT_RUNCLI_TAGS,
	LT_RUNCLI_XTAGS,
	LT_RUNCLI_SEED,
	LT_RUNCLI_HTTP2,
	LT_RUNCLI_INSECURE,
	LT_RUNCLI_TIMEOUT,
	LT_RUNCLI_VERSION,
	LT_RUNCLI_CONFIG,
	LT_RUNCLI_EXITERR,
	LT_RUNCLI_LIST,
	LT_RUNCLI_RATIO,
	LT_RUNCLI_RATIOJSON,
	LT_RUNCLI_EQUAL,
	LT_RUNCLI_LOGLEVEL,
	LT_RUNCLI_LOGFILE,
	LT_RUNCLI_SEGMENT,
	LT_RUNCLI_START_AT,
	LT_RUNCLI_SHOWSECRETS,
};

/* getopt_long(3)'s short options for lt_runcli_longopts. */
#define LT_RUNCLI_SHORTOPTS "f:H:u:r:t:i:o:qj:h"

/* lt-run's long options, ending with a zeroed entry. */
extern const struct option lt_runcli_longopts[];

/* The options read, and what they point into. */
struct lt_runcli {
	struct lt_runcmd cmd;         /* what the options ask for */
	const char *why;              /* reason of the last bad value */
	char *base, *user, *password; /* -H URL split (lt_runcmd_base_url) */
	struct lt_cliconf conf;       /* values read from files */
};

/* Sets c to lt-run's defaults (no option given). */
void lt_runcli_init(struct lt_runcli *c);

/*
 * Applies option id with value v (NULL for flags on the command line) to
 * the struct lt_runcli arg; v is kept, not copied.  Values are read
 * strictly (run/optval.h).  Returns 0, or -1 for a bad value with the
 * reason in c->why (NULL: not allowed).  An lt_cliconf_set_fn.
 */
int lt_runcli_set(int id, const char *v, void *arg);

/* Returns the long name of option id ("users"), "?" when none. */
const char *lt_runcli_name(int id);

/*
 * Reads the sources before the command line: ./lt.conf (may be missing),
 * the --config FILE found in argv (or LT_CONFIG), the LT_* environment.
 * Returns 0, or -1 with err (LT_EXIT_USAGE for a bad line or value, the
 * reason appended: "lt.conf:2: bad value 'x' for --users: not a number").
 */
int lt_runcli_sources(
    struct lt_runcli *c, int argc, char **argv, struct lt_err *err);

/*
 * Checks the options as a whole once every source was applied: load
 * asked for, no operand (extra is the first, or NULL), a scenario, and
 * splits the -H URL (lt_runcmd_base_url).  Returns 0, or -1 with err.
 */
int lt_runcli_check(struct lt_runcli *c, const char *extra, struct lt_err *err);

/* Frees what c owns; c->cmd is invalid afterwards. */
void lt_runcli_fini(struct lt_runcli *c);

#endif
