/*
 * cli.h - lt-fanout's command line: what bin/lt-fanout.c parses its
 * arguments into (cli.c) and the one call that runs it (climain.c).  The
 * main prints the usage text, the version and the error messages; these
 * never print.
 */
#ifndef LT_FANOUT_CLI_H
#define LT_FANOUT_CLI_H

#include "core/err.h"
#include "fanout/fanout.h"
#include "fanout/sec.h"

enum lt_fanout_cmd {
	LT_FANOUT_CMD_COORD,   /* -w N or --listen URL: run a test */
	LT_FANOUT_CMD_WORKER,  /* lt-fanout worker --connect URL */
	LT_FANOUT_CMD_COLLECT, /* lt-fanout collect SPOOL... */
	LT_FANOUT_CMD_HELP,    /* -h, --help */
	LT_FANOUT_CMD_VERSION, /* --version */
};

struct lt_fanout_cli {
	enum lt_fanout_cmd cmd;
	const char *argv0;        /* the program's argv[0] */
	struct lt_fanout_opts o;  /* COORD (run_argv malloc'd) */
	struct lt_fanout_wopts w; /* WORKER */
	struct lt_fanout_sec sec; /* COORD, WORKER: o.sec and w.sec */
	const char *token_file;   /* --token-file FILE, or NULL */
	const char *out;          /* COORD: -o FILE, or NULL (stdout) */
	int have_seed;            /* COORD: --seed given */
	char seed[32];            /* COORD: the seed drawn otherwise */
	char *const *paths;       /* COLLECT: the spools */
	int npaths;
};

/*
 * Parses argv into c (cleared first; keep c in place until
 * lt_fanout_cli_free, o.sec and w.sec point into it).  Returns 0, or an
 * exit status with err: a usage error (2, the message ending
 * " (see lt-fanout --help)"), no memory (3, no message).
 */
int lt_fanout_cli_parse(
    struct lt_fanout_cli *c, int argc, char **argv, struct lt_err *err);

/*
 * Runs what c says (COORD, WORKER or COLLECT; the merged stream or the
 * collected events go to stdout or -o FILE) and returns the exit
 * status; err's message, when there is one, is printed by the main as
 * "lt-fanout: ", "lt-fanout worker: " or "lt-fanout collect: " (per
 * lt_fanout_cli_who) and the message.
 */
int lt_fanout_cli_main(struct lt_fanout_cli *c, struct lt_err *err);

/* The program name to print lt_fanout_cli_main's errors under. */
const char *lt_fanout_cli_who(const struct lt_fanout_cli *c);

/* Frees what c holds (not c). */
void lt_fanout_cli_free(struct lt_fanout_cli *c);

#endif
