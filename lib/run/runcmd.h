/*
 * runcmd.h - what lt-run does once its options are read, as a library
 * call: load and check the scenario, open the output, then run it (live
 * line, summary) or list its classes (--list and the like).  bin/lt-run.c
 * only turns argv and the option sources into a struct lt_runcmd
 * (runcli.h) and prints the one error message.
 */
#ifndef LT_RUNCMD_H
#define LT_RUNCMD_H

#include <stdint.h>
#include <stdio.h>

#include "core/err.h"
#include "run/runopts.h"

struct lt_runcmd {
	/* host, username and password are the -H URL split by
	 * lt_runcmd_base_url (credentials out of the URL), or NULL */
	struct lt_run_opts run;
	const char *scenario; /* -f FILE, "-": stdin */
	const char *out;      /* -o FILE, NULL or "-": stdout */
	int quiet;            /* -q: no live line, no summary */
	int users_set;        /* -u given, even as 0 */
	int exit_on_error;    /* --exit-code-on-error N; 0: off */
	int show;             /* --list...: 1 + enum lt_taskratio_form */
	int equal_weights;
	int loglevel; /* 0 debug, 1 info, 2 warning, 3 error */
	const char *logfile;
	int64_t start_at_ms; /* --start-at, 0: now */
	FILE *msg;           /* warnings, the live line, the summary */
	FILE *list;          /* the --list... text */
};

/*
 * Takes the credentials out of the base URL url (used for HTTP auth,
 * never recorded) and checks it; *base, *user and *password are owned by
 * the caller (lt_http_base_url_free).  Sets o->host, o->username and
 * o->password to them.  Returns 0 or -1 with err.
 */
int lt_runcmd_base_url(struct lt_run_opts *o, const char *url, char **base,
    char **user, char **password, struct lt_err *err);

/*
 * Makes sure fds 0, 1 and 2 are open (on /dev/null when closed), so no
 * file opened later gets one of them: with stderr closed, -o FILE would
 * be fd 2 and the summary would land in the event file.  Call it first.
 * Returns 0 or -1.
 */
int lt_runcmd_std_fds(void);

/*
 * Runs lt-run as cmd asks: --logfile (cmd->msg's fd goes to the file),
 * checks of the scenario, tags, host and shape, then the listing on
 * cmd->list or the run with its events on the -o file or fd 1, its live
 * line (when cmd->msg is a terminal) and summary on cmd->msg.  An -o file
 * is opened only after every check passed.  Never touches the stdout
 * stream: *check_stdout is set to 1 when the caller must still flush and
 * close it checked (events or the listing went there and the reader did
 * not go away), else 0.  Returns the exit status; when not 0, err holds
 * the message to print once.
 */
int lt_runcmd_run(
    const struct lt_runcmd *cmd, int *check_stdout, struct lt_err *err);

#endif
