/*
 * cliconf.h - options from a configuration file and from the environment,
 * for mains that parse their command line with getopt_long(3).
 *
 * Locust reads options from config files, then environment variables,
 * then the command line, a later source winning.  A main gets the same
 * by feeding every source, in that order, through one setter: this module
 * reads the first two.  A file holds `key = value` lines, key a long
 * option name, `#` comments, a bare key meaning "true"; the environment
 * holds PREFIX + the long name upper-cased with '-' turned to '_'
 * (LT_SPAWN_RATE for --spawn-rate).
 */
#ifndef LT_CLICONF_H
#define LT_CLICONF_H

#include <getopt.h>

#include "core/err.h"

#define LT_CLICONF_KEEP 256

/* Values read from files; the setter may keep pointers into them. */
struct lt_cliconf {
	char *owned[LT_CLICONF_KEEP];
	int nowned;
};

/*
 * Applies option id (a struct option val) with value v.  Returns 0, or -1
 * when the value is bad (the caller's message names the option).
 */
typedef int lt_cliconf_set_fn(int id, const char *v, void *arg);

/*
 * Reads path and calls set for each line.  skip lists option vals a file
 * may not set (0-terminated, may be NULL).  missing_ok: a missing file is
 * not an error.  Returns 0, or -1 with err ("path:3: unknown option 'x'",
 * "path:3: bad value 'y' for --users"; LT_EXIT_USAGE).
 */
int lt_cliconf_file(struct lt_cliconf *cf, const char *path, int missing_ok,
    const struct option *opts, const int *skip, lt_cliconf_set_fn *set,
    void *arg, struct lt_err *err);

/*
 * Calls set for each option whose variable PREFIX+NAME is set.  Returns
 * 0, or -1 with err ("LT_USERS: bad value 'x' for --users").
 */
int lt_cliconf_env(const char *prefix, const struct option *opts,
    const int *skip, lt_cliconf_set_fn *set, void *arg, struct lt_err *err);

/* Returns 1 for "", "1", "true", "yes", "on" (any case), else 0. */
int lt_cliconf_bool(const char *v);

/* Frees the values read from files. */
void lt_cliconf_fini(struct lt_cliconf *cf);

#endif
