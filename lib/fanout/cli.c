/*
 * cli.c - parses lt-fanout's command line (lt-fanout(1)) into a struct
 * lt_fanout_cli: the coordinator's own options, `worker`'s and
 * `collect`'s.  Every argument that is not the coordinator's is lt-run's
 * and goes to each worker's lt-run unchanged (its segment and start time
 * added); this only notes where -f's and --shape's values are.
 */
#include "fanout/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run/scenario.h"

/* lt-run options that take a value (as separate argument). */
static const char *const valued[] = { "-f", "--scenario", "-H", "--host", "-u",
	"--users", "-r", "--spawn-rate", "-t", "--run-time", "-i",
	"--iterations", "--rate", "--arrival", "--shape", "--stop-timeout",
	"--tags", "--exclude-tags", "--seed", "--timeout", "--config", "-j",
	"--jobs", NULL };

static int
is_valued(const char *a)
{
	int i;

	for (i = 0; valued[i] != NULL; i++)
		if (strcmp(a, valued[i]) == 0)
			return 1;
	return 0;
}

static int
count(const char *v, int lo, int hi, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < lo || n > hi)
		return -1;
	*out = (int)n;
	return 0;
}

/* Sets err to a usage error, the hint to --help appended. */
static void vusage(struct lt_err *err, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
vusage(struct lt_err *err, const char *fmt, va_list ap)
{
	char msg[LT_ERR_MSG_CAP];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	lt_err_set(err, LT_EXIT_USAGE, "%s (see lt-fanout --help)", msg);
}

static int usage(struct lt_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A usage error (vusage): returns its exit status, 2. */
static int
usage(struct lt_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vusage(err, fmt, ap);
	va_end(ap);
	return LT_EXIT_USAGE;
}

/* Takes a security option (and its value) into c: 1, or 0 when a is
 * not one. */
static int
sec_opt(struct lt_fanout_cli *c, const char *a, const char *v)
{
	if (strcmp(a, "--tls-cert") == 0)
		c->sec.tls_cert = v;
	else if (strcmp(a, "--tls-key") == 0)
		c->sec.tls_key = v;
	else if (strcmp(a, "--tls-ca") == 0)
		c->sec.tls_ca = v;
	else if (strcmp(a, "--token-file") == 0)
		c->token_file = v;
	else
		return 0;
	return 1;
}

static int
parse_worker(struct lt_fanout_cli *c, int argc, char **argv, struct lt_err *err)
{
	struct lt_fanout_wopts *w = &c->w;
	const char *env = getenv("JOB_COMPLETION_INDEX");
	int i;

	w->index = -1;
	for (i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--keep-spool") == 0) {
			w->keep_spool = 1;
			continue;
		}
		if (v == NULL)
			return usage(err, "missing value for %s", a);
		i++;
		if (sec_opt(c, a, v))
			continue;
		if (strcmp(a, "--connect") == 0)
			w->connect = v;
		else if (strcmp(a, "--spool-dir") == 0)
			w->spool_dir = v;
		else if (strcmp(a, "--scenario-hash") == 0)
			w->scenario_hash = v;
		else if (strcmp(a, "--index") == 0) {
			if (count(v, 0, 1000000, &w->index) != 0)
				return usage(err, "bad --index '%s'", v);
		} else if (strcmp(a, "--of") == 0) {
			if (count(v, 1, 1000000, &w->of) != 0)
				return usage(err, "bad --of '%s'", v);
		} else
			return usage(err, "unknown worker option '%s'", a);
	}
	if (w->connect == NULL)
		return usage(err, "%s", "worker: --connect URL is required");
	if (w->index < 0 && env != NULL && *env &&
	    count(env, 0, 1000000, &w->index) != 0)
		return usage(err, "bad JOB_COMPLETION_INDEX '%s'", env);
	return 0;
}

/* Takes the coordinator option a (value v, or NULL at the end) into c:
 * 1 when it took v as well, 0 when only a, -1 when a is not one, or
 * LT_EXIT_USAGE (2) after a usage error (err).  -h and --version set
 * c->cmd. */
static int
coord_opt(
    struct lt_fanout_cli *c, const char *a, const char *v, struct lt_err *err)
{
	struct lt_fanout_opts *o = &c->o;
	int n;

	if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
		c->cmd = LT_FANOUT_CMD_HELP;
		return 0;
	}
	if (strcmp(a, "--version") == 0) {
		c->cmd = LT_FANOUT_CMD_VERSION;
		return 0;
	}
	if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
		o->quiet = 1;
		return 0;
	}
	if (strcmp(a, "--keep-spool") == 0) {
		o->keep_spool = 1;
		return 0;
	}
	if (strcmp(a, "--ship") == 0) {
		if (v == NULL ||
		    (strcmp(v, "agg") != 0 && strcmp(v, "events") != 0))
			return usage(
			    err, "%s", "--ship: expected events or agg");
		o->ship_agg = strcmp(v, "agg") == 0;
		return 1;
	}
	if (strcmp(a, "--segment") == 0 || strcmp(a, "--start-at") == 0 ||
	    strncmp(a, "--segment=", 10) == 0 ||
	    strncmp(a, "--start-at=", 11) == 0)
		return usage(err, "%s is set by lt-fanout for each worker", a);
	if (strcmp(a, "-w") == 0 || strcmp(a, "--workers") == 0 ||
	    strcmp(a, "--expect-workers") == 0) {
		if (v == NULL || count(v, 1, 4096, &n) != 0)
			return usage(err, "bad value for %s (1..4096)", a);
		if (a[1] == 'w' || a[2] == 'w')
			o->workers = n;
		else
			o->expect = n;
		return 1;
	}
	if (v != NULL && sec_opt(c, a, v))
		return 1;
	if (strcmp(a, "--listen") != 0 && strcmp(a, "--exec") != 0 &&
	    strcmp(a, "-o") != 0 && strcmp(a, "--output") != 0 &&
	    strcmp(a, "--spool-dir") != 0 &&
	    strcmp(a, "--on-worker-loss") != 0 &&
	    strcmp(a, "--expect-workers-max-wait") != 0)
		return -1;
	if (v == NULL)
		return usage(err, "missing value for %s", a);
	if (strcmp(a, "--listen") == 0)
		o->listen = v;
	else if (strcmp(a, "--exec") == 0)
		o->exec = v;
	else if (strcmp(a, "--spool-dir") == 0)
		o->spool_dir = v;
	else if (a[1] == 'o' || strcmp(a, "--output") == 0)
		c->out = v;
	else if (strcmp(a, "--on-worker-loss") == 0) {
		if (strcmp(v, "abort") == 0)
			o->on_loss = LT_LOSS_ABORT;
		else if (strcmp(v, "continue") == 0)
			o->on_loss = LT_LOSS_CONTINUE;
		else
			return usage(err,
			    "--on-worker-loss %s: expected abort or continue",
			    v);
	} else if (lt_duration_parse(v, strlen(v), &o->max_wait_s) != 0)
		return usage(err, "bad duration '%s'", v);
	return 1;
}

static int
parse_coord(struct lt_fanout_cli *c, int argc, char **argv, struct lt_err *err)
{
	struct lt_fanout_opts *o = &c->o;
	int i, k;

	o->out_fd = STDOUT_FILENO;
	o->scenario_arg = o->shape_arg = -1;
	o->run_argv = calloc((size_t)argc + 4, sizeof(char *));
	if (o->run_argv == NULL)
		return LT_EXIT_RUNTIME;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		k = coord_opt(c, a, v, err);
		if (k == LT_EXIT_USAGE)
			return LT_EXIT_USAGE;
		if (c->cmd != LT_FANOUT_CMD_COORD)
			return 0; /* --help, --version */
		if (k >= 0) {
			i += k;
			continue;
		}
		o->run_argv[o->run_argc++] = argv[i];
		if (strcmp(a, "--seed") == 0 || strncmp(a, "--seed=", 7) == 0)
			c->have_seed = 1;
		if (is_valued(a) && v != NULL) {
			if (strcmp(a, "-f") == 0 ||
			    strcmp(a, "--scenario") == 0)
				o->scenario_arg = o->run_argc;
			if (strcmp(a, "--shape") == 0)
				o->shape_arg = o->run_argc;
			o->run_argv[o->run_argc++] = argv[++i];
		}
	}
	if ((o->workers > 0) == (o->listen != NULL))
		return usage(err, "%s",
		    "give either -w N (local workers) or "
		    "--listen URL --expect-workers N");
	if (o->listen != NULL && o->expect < 1)
		return usage(err, "%s", "--listen needs --expect-workers N");
	if (o->workers > 0 &&
	    (c->token_file != NULL || c->sec.tls_cert != NULL ||
	        c->sec.tls_key != NULL || c->sec.tls_ca != NULL))
		return usage(err, "%s",
		    "--token-file and --tls-* are for --listen "
		    "(local workers talk over a private ipc socket)");
	return 0;
}

int
lt_fanout_cli_parse(
    struct lt_fanout_cli *c, int argc, char **argv, struct lt_err *err)
{
	memset(c, 0, sizeof(*c));
	c->argv0 = argv[0];
	if (argc > 1 && strcmp(argv[1], "worker") == 0) {
		c->cmd = LT_FANOUT_CMD_WORKER;
		return parse_worker(c, argc, argv, err);
	}
	if (argc > 1 && strcmp(argv[1], "collect") == 0) {
		c->cmd = LT_FANOUT_CMD_COLLECT;
		if (argc < 3)
			return usage(
			    err, "%s", "collect: name the spool files");
		c->paths = argv + 2;
		c->npaths = argc - 2;
		return 0;
	}
	c->cmd = LT_FANOUT_CMD_COORD;
	return parse_coord(c, argc, argv, err);
}

void
lt_fanout_cli_free(struct lt_fanout_cli *c)
{
	free(c->o.run_argv);
	free((char *)c->o.self);
	free((char *)c->w.ltrun);
	c->o.run_argv = NULL;
	c->o.self = c->w.ltrun = NULL;
}
