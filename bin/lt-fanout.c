/*
 * lt-fanout - one lt-run test spread over local worker processes (-w N)
 * or workers on other machines (--listen, lt-fanout worker), merged into
 * one event stream (lt-fanout(1)).  Also `lt-fanout worker` and
 * `lt-fanout collect SPOOL...`.
 *
 * The coordinator's own options are parsed here; every other argument is
 * lt-run's and goes to each worker's lt-run unchanged (its segment and
 * start time added).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "core/version.h"
#include "fanout/fanout.h"
#include "run/scenario.h"

static const char usage_text[] =
    "usage: lt-fanout -w N [-o FILE] [-q] [--exec CMD] [--on-worker-loss "
    "abort|continue]\n"
    "                 [--ship events|agg] [--spool-dir DIR] [--keep-spool]\n"
    "                 [lt-run options]\n"
    "       lt-fanout --listen URL --expect-workers N\n"
    "                 [--expect-workers-max-wait TIME] [...] [lt-run "
    "options]\n"
    "       lt-fanout worker --connect URL [--index I --of N] "
    "[--spool-dir DIR]\n"
    "                 [--scenario-hash HASH] [--keep-spool]\n"
    "                 [--token-file FILE] [--tls-cert FILE --tls-key FILE "
    "--tls-ca FILE]\n"
    "       lt-fanout collect SPOOL...\n"
    "       lt-fanout --version | --help\n"
    "\n"
    "  -w, --workers N              run N local workers (ipc://)\n"
    "      --listen URL             wait for remote workers at URL "
    "(tcp://HOST:PORT)\n"
    "      --expect-workers N       the number of remote workers\n"
    "      --expect-workers-max-wait TIME  give up after TIME (default: "
    "never)\n"
    "      --exec CMD               workers run CMD (sh -c) instead of "
    "lt-run\n"
    "      --on-worker-loss POLICY  abort (default, exit 3) or continue\n"
    "      --spool-dir DIR          where local workers keep their spools\n"
    "      --keep-spool             local workers keep their spools at the "
    "end\n"
    "      --ship events|agg        workers send their events (default), or "
    "their\n"
    "                               aggregates every second: the output is "
    "then\n"
    "                               one aggregate (lt-aggregate(5)), as "
    "lt-agg's\n"
    "  -o, --output FILE            write the merged events to FILE\n"
    "  -q, --quiet                  no live line\n"
    "      --token-file FILE        the run token (else $LT_FANOUT_TOKEN); "
    "workers\n"
    "                               must prove it (--listen, worker)\n"
    "      --tls-cert FILE, --tls-key FILE, --tls-ca FILE\n"
    "                               mutual TLS for tls+tcp:// URLs\n"
    "Every other option is lt-run's and means the same for the whole run;\n"
    "--shape runs here and steers every worker's lt-run, data files go\n"
    "with the scenario to remote workers and their rows are dealt out.\n";

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

static int usage_err(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int
usage_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "lt-fanout: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see lt-fanout --help)\n");
	return LT_EXIT_USAGE;
}

/* File scope, so what it points to stays reachable on an early exit. */
static struct lt_fanout_sec sec;

/* Takes a security option (and its value) into sec: 1, or 0 when a is
 * not one; token_file gets --token-file's value. */
static int
sec_opt(const char *a, const char *v, const char **token_file)
{
	if (strcmp(a, "--tls-cert") == 0)
		sec.tls_cert = v;
	else if (strcmp(a, "--tls-key") == 0)
		sec.tls_key = v;
	else if (strcmp(a, "--tls-ca") == 0)
		sec.tls_ca = v;
	else if (strcmp(a, "--token-file") == 0)
		*token_file = v;
	else
		return 0;
	return 1;
}

/* Loads the token and checks the TLS options against url; 0 or an
 * exit status (the message printed). */
static int
sec_load(const char *url, const char *token_file, const char *who)
{
	struct lt_err err;

	lt_err_clear(&err);
	if (lt_fanout_sec_token(&sec, token_file, &err) != 0 ||
	    lt_fanout_sec_check(&sec, url, &err) != 0) {
		fprintf(stderr, "lt-fanout%s: %s\n", who, err.msg);
		return LT_EXIT_USAGE;
	}
	return 0;
}

static int
worker_main(int argc, char **argv)
{
	struct lt_fanout_wopts w;
	struct lt_err err;
	const char *env = getenv("JOB_COMPLETION_INDEX");
	const char *token_file = NULL;
	int i, rc;

	memset(&w, 0, sizeof(w));
	w.index = -1;
	for (i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--keep-spool") == 0) {
			w.keep_spool = 1;
			continue;
		}
		if (v == NULL)
			return usage_err("missing value for %s", a);
		i++;
		if (sec_opt(a, v, &token_file))
			continue;
		if (strcmp(a, "--connect") == 0)
			w.connect = v;
		else if (strcmp(a, "--spool-dir") == 0)
			w.spool_dir = v;
		else if (strcmp(a, "--scenario-hash") == 0)
			w.scenario_hash = v;
		else if (strcmp(a, "--index") == 0) {
			if (count(v, 0, 1000000, &w.index) != 0)
				return usage_err("bad --index '%s'", v);
		} else if (strcmp(a, "--of") == 0) {
			if (count(v, 1, 1000000, &w.of) != 0)
				return usage_err("bad --of '%s'", v);
		} else
			return usage_err("unknown worker option '%s'", a);
	}
	if (w.connect == NULL)
		return usage_err("%s", "worker: --connect URL is required");
	if (w.index < 0 && env != NULL && *env &&
	    count(env, 0, 1000000, &w.index) != 0)
		return usage_err("bad JOB_COMPLETION_INDEX '%s'", env);
	if ((rc = sec_load(w.connect, token_file, " worker")) != 0)
		return rc;
	w.sec = &sec;
	w.ltrun = getenv("LT_RUN");
	if (w.ltrun != NULL && *w.ltrun != '\0')
		w.ltrun = strdup(w.ltrun);
	else if ((w.ltrun = lt_fanout_sibling("lt-run")) == NULL)
		w.ltrun = strdup("lt-run");
	lt_err_clear(&err);
	rc = lt_fanout_worker(&w, &err);
	if (rc != 0 && err.msg[0] != '\0')
		fprintf(stderr, "lt-fanout worker: %s\n", err.msg);
	free((char *)w.ltrun);
	return rc;
}

/* File scope, so what it points to stays reachable on an early exit. */
static struct lt_fanout_opts o;

int
main(int argc, char **argv)
{
	struct lt_err err;
	const char *out = NULL, *token_file = NULL;
	char seed[32];
	int i, rc, have_seed = 0;

	if (argc > 1 && strcmp(argv[1], "worker") == 0)
		return worker_main(argc, argv);
	if (argc > 1 && strcmp(argv[1], "collect") == 0) {
		if (argc < 3)
			return usage_err("%s", "collect: name the spool files");
		lt_err_clear(&err);
		rc = lt_fanout_collect(argv + 2, argc - 2, STDOUT_FILENO, &err);
		if (rc != 0)
			fprintf(stderr, "lt-fanout collect: %s\n", err.msg);
		return rc;
	}
	memset(&o, 0, sizeof(o));
	o.out_fd = STDOUT_FILENO;
	o.scenario_arg = o.shape_arg = -1;
	o.run_argv = calloc((size_t)argc + 4, sizeof(char *));
	if (o.run_argv == NULL)
		return LT_EXIT_RUNTIME;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage_text, stdout);
			return 0;
		}
		if (strcmp(a, "--version") == 0) {
			printf(
			    "lt-fanout %s (wire protocol %d)\n", LT_VERSION, 1);
			return 0;
		}
		if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			o.quiet = 1;
			continue;
		}
		if (strcmp(a, "--keep-spool") == 0) {
			o.keep_spool = 1;
			continue;
		}
		if (strcmp(a, "--ship") == 0) {
			if (v == NULL ||
			    (strcmp(v, "agg") != 0 && strcmp(v, "events") != 0))
				return usage_err(
				    "%s", "--ship: expected events or agg");
			o.ship_agg = strcmp(v, "agg") == 0;
			i++;
			continue;
		}
		if (strcmp(a, "--segment") == 0 ||
		    strcmp(a, "--start-at") == 0 ||
		    strncmp(a, "--segment=", 10) == 0 ||
		    strncmp(a, "--start-at=", 11) == 0)
			return usage_err(
			    "%s is set by lt-fanout for each worker", a);
		if (strcmp(a, "-w") == 0 || strcmp(a, "--workers") == 0 ||
		    strcmp(a, "--expect-workers") == 0) {
			int n;

			if (v == NULL || count(v, 1, 4096, &n) != 0)
				return usage_err(
				    "bad value for %s (1..4096)", a);
			if (a[1] == 'w' || a[2] == 'w')
				o.workers = n;
			else
				o.expect = n;
			i++;
			continue;
		}
		if (v != NULL && sec_opt(a, v, &token_file)) {
			i++;
			continue;
		}
		if (strcmp(a, "--listen") == 0 || strcmp(a, "--exec") == 0 ||
		    strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 ||
		    strcmp(a, "--spool-dir") == 0 ||
		    strcmp(a, "--on-worker-loss") == 0 ||
		    strcmp(a, "--expect-workers-max-wait") == 0) {
			if (v == NULL)
				return usage_err("missing value for %s", a);
			i++;
			if (strcmp(a, "--listen") == 0)
				o.listen = v;
			else if (strcmp(a, "--exec") == 0)
				o.exec = v;
			else if (strcmp(a, "--spool-dir") == 0)
				o.spool_dir = v;
			else if (a[1] == 'o' || strcmp(a, "--output") == 0)
				out = v;
			else if (strcmp(a, "--on-worker-loss") == 0) {
				if (strcmp(v, "abort") == 0)
					o.on_loss = LT_LOSS_ABORT;
				else if (strcmp(v, "continue") == 0)
					o.on_loss = LT_LOSS_CONTINUE;
				else
					return usage_err(
					    "--on-worker-loss "
					    "%s: expected abort or continue",
					    v);
			} else if (lt_duration_parse(
			               v, strlen(v), &o.max_wait_s) != 0)
				return usage_err("bad duration '%s'", v);
			continue;
		}
		o.run_argv[o.run_argc++] = argv[i];
		if (strcmp(a, "--seed") == 0 || strncmp(a, "--seed=", 7) == 0)
			have_seed = 1;
		if (is_valued(a) && v != NULL) {
			if (strcmp(a, "-f") == 0 ||
			    strcmp(a, "--scenario") == 0)
				o.scenario_arg = o.run_argc;
			if (strcmp(a, "--shape") == 0)
				o.shape_arg = o.run_argc;
			o.run_argv[o.run_argc++] = argv[++i];
		}
	}
	if ((o.workers > 0) == (o.listen != NULL))
		return usage_err("%s",
		    "give either -w N (local workers) or "
		    "--listen URL --expect-workers N");
	if (o.listen != NULL && o.expect < 1)
		return usage_err("%s", "--listen needs --expect-workers N");
	if (o.workers > 0 &&
	    (token_file != NULL || sec.tls_cert != NULL ||
	        sec.tls_key != NULL || sec.tls_ca != NULL))
		return usage_err("%s",
		    "--token-file and --tls-* are for --listen "
		    "(local workers talk over a private ipc socket)");
	if (o.workers > 0)
		unsetenv("LT_FANOUT_TOKEN"); /* not for local workers */
	else if ((rc = sec_load(o.listen, token_file, "")) != 0)
		return rc;
	o.sec = &sec;
	if (o.exec == NULL && o.scenario_arg < 0)
		return usage_err("%s", "no scenario: use -f FILE (or --exec)");
	if (!have_seed && o.exec == NULL) {
		/* every worker must draw from the same seed */
		snprintf(seed, sizeof(seed), "%llu",
		    (unsigned long long)time(NULL) ^
		        ((unsigned long long)getpid() << 32));
		o.run_argv[o.run_argc++] = "--seed";
		o.run_argv[o.run_argc++] = seed;
	}
	o.self = lt_fanout_sibling("lt-fanout");
	if (o.self == NULL)
		o.self = strdup(argv[0]);
	if (out != NULL && strcmp(out, "-") != 0) {
		o.out_fd =
		    open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (o.out_fd < 0) {
			fprintf(stderr, "lt-fanout: %s: %s\n", out,
			    strerror(errno));
			return LT_EXIT_RUNTIME;
		}
	}
	lt_err_clear(&err);
	rc = lt_fanout_coordinate(&o, &err);
	if (rc != 0 && err.msg[0] != '\0')
		fprintf(stderr, "lt-fanout: %s\n", err.msg);
	if (o.out_fd != STDOUT_FILENO && close(o.out_fd) != 0 && rc == 0) {
		fprintf(stderr, "lt-fanout: %s: %s\n", out, strerror(errno));
		rc = LT_EXIT_RUNTIME;
	}
	free((char *)o.self);
	free(o.run_argv);
	return rc;
}
