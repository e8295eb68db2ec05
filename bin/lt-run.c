/*
 * lt-run - the load generator: reads a scenario, simulates users against
 * an HTTP service, writes one NDJSON event per request (lt-events(5)).
 *
 * Options come from ./lt.conf, then --config FILE, then LT_* environment
 * variables, then the command line; a later source wins (Locust's order).
 * Every source goes through set_opt(), so they cannot disagree.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "err.h"
#include "outclose.h"
#include "runner.h"
#include "scenario.h"
#include "version.h"

enum {
	O_SCENARIO = 'f', O_HOST = 'H', O_USERS = 'u', O_SPAWN = 'r',
	O_TIME = 't', O_ITER = 'i', O_OUT = 'o', O_QUIET = 'q', O_JOBS = 'j',
	O_HELP = 'h', O_RATE = 256, O_ARRIVAL, O_SHAPE, O_STOPTO, O_TAGS,
	O_XTAGS, O_SEED, O_HTTP2, O_INSECURE, O_TIMEOUT, O_VERSION, O_CONFIG,
};

static const struct option longopts[] = {
	{ "scenario", required_argument, NULL, O_SCENARIO },
	{ "host", required_argument, NULL, O_HOST },
	{ "users", required_argument, NULL, O_USERS },
	{ "spawn-rate", required_argument, NULL, O_SPAWN },
	{ "run-time", required_argument, NULL, O_TIME },
	{ "rate", required_argument, NULL, O_RATE },
	{ "arrival", required_argument, NULL, O_ARRIVAL },
	{ "shape", required_argument, NULL, O_SHAPE },
	{ "stop-timeout", required_argument, NULL, O_STOPTO },
	{ "iterations", required_argument, NULL, O_ITER },
	{ "tags", required_argument, NULL, O_TAGS },
	{ "exclude-tags", required_argument, NULL, O_XTAGS },
	{ "seed", required_argument, NULL, O_SEED },
	{ "output", required_argument, NULL, O_OUT },
	{ "quiet", no_argument, NULL, O_QUIET },
	{ "jobs", required_argument, NULL, O_JOBS },
	{ "http2", no_argument, NULL, O_HTTP2 },
	{ "insecure", no_argument, NULL, O_INSECURE },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "config", required_argument, NULL, O_CONFIG },
	{ "version", no_argument, NULL, O_VERSION },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 },
};

static const char usage_text[] =
    "usage: lt-run -f FILE [-H URL] [-u N] [-r N] [-t TIME] [-i N] [-o FILE]\n"
    "              [-q] [-j N] [--rate RPS] [--arrival constant|poisson]\n"
    "              [--shape FILE|CMD] [--stop-timeout S] [--tags LIST]\n"
    "              [--exclude-tags LIST] [--seed N] [--http2] [--insecure]\n"
    "              [--timeout S] [--config FILE]\n"
    "       lt-run --version | --help\n"
    "\n"
    "  -f, --scenario FILE     scenario file, - for stdin (lt-scenario(5))\n"
    "  -H, --host URL          base URL (overrides the scenario's host)\n"
    "  -u, --users N           peak concurrent users (default 1)\n"
    "  -r, --spawn-rate N      users started or stopped per second (1)\n"
    "  -t, --run-time TIME     stop after 90s, 5m, 1h30m (default: never)\n"
    "  -i, --iterations N      stop after N task iterations\n"
    "      --rate RPS          open model: start RPS iterations per second\n"
    "      --arrival KIND      constant (default) or poisson\n"
    "      --shape FILE|CMD    load shape from a file, FIFO or command\n"
    "      --stop-timeout S    grace for in-flight requests at stop (5)\n"
    "      --tags LIST         run only tasks with one of these tags\n"
    "      --exclude-tags LIST skip tasks with any of these tags\n"
    "      --seed N            random seed (default: from the clock)\n"
    "  -o, --output FILE       write events to FILE instead of stdout\n"
    "  -q, --quiet             no live line, no summary on stderr\n"
    "  -j, --jobs N            N event loops on N threads (default 1)\n"
    "      --http2             allow HTTP/2 and multiplex requests\n"
    "      --insecure          do not verify TLS certificates\n"
    "      --timeout S         default per-request timeout (default 60)\n"
    "      --config FILE       read options from FILE (key = value)\n"
    "      --version           print the version and exit\n"
    "  -h, --help              print this help and exit\n";

struct cli {
	struct lt_run_opts run;
	const char *scenario;
	const char *out;
	int quiet;
	char *owned[256];	/* config file values, freed at exit */
	int nowned;
	struct lt_err err;
};

static void
cli_fini(struct cli *c)
{
	while (c->nowned > 0)
		free(c->owned[--c->nowned]);
}

static int
num(const char *v, double lo, double *out)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (errno != 0 || end == v || *end != '\0' || d < lo)
		return -1;
	*out = d;
	return 0;
}

static int
boolean(const char *v)
{
	if (v == NULL || strcmp(v, "") == 0 || strcmp(v, "1") == 0
	    || strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0
	    || strcasecmp(v, "on") == 0)
		return 1;
	return 0;
}

/* Applies one option; returns 0 or -1 with c->err set (usage). */
static int
set_opt(struct cli *c, int id, const char *v)
{
	double d;
	struct lt_run_opts *r = &c->run;

	switch (id) {
	case O_SCENARIO: c->scenario = v; return 0;
	case O_HOST: r->host = v; return 0;
	case O_OUT: c->out = v; return 0;
	case O_SHAPE: r->shape = v; return 0;
	case O_TAGS: r->tags = v; return 0;
	case O_XTAGS: r->exclude_tags = v; return 0;
	case O_QUIET: c->quiet = boolean(v); return 0;
	case O_HTTP2: r->http2 = boolean(v); return 0;
	case O_INSECURE: r->insecure = boolean(v); return 0;
	case O_CONFIG: return 0;
	case O_ARRIVAL:
		if (strcmp(v, "constant") == 0)
			r->arrival = LT_ARRIVAL_CONSTANT;
		else if (strcmp(v, "poisson") == 0)
			r->arrival = LT_ARRIVAL_POISSON;
		else
			goto bad;
		return 0;
	case O_TIME:
		if (lt_duration_parse(v, strlen(v), &d) != 0 || d < 0)
			goto bad;
		r->run_time_s = d;
		return 0;
	case O_STOPTO:
	case O_TIMEOUT:
		if (lt_duration_parse(v, strlen(v), &d) != 0 || d < 0)
			goto bad;
		*(id == O_STOPTO ? &r->stop_timeout_s : &r->timeout_s) = d;
		return 0;
	default:
		break;
	}
	if (num(v, 0, &d) != 0)
		goto bad;
	switch (id) {
	case O_USERS: r->users = (long)d; break;
	case O_SPAWN: r->spawn_rate = d; break;
	case O_RATE: r->rate = d; break;
	case O_ITER: r->iterations = (long)d; break;
	case O_SEED: r->seed = (uint64_t)d; break;
	case O_JOBS:
		if (d < 1 || d > 64)
			goto bad;
		r->jobs = (int)d;
		break;
	default:
		goto bad;
	}
	return 0;
bad:
	return -1;
}

static const struct option *
by_name(const char *name)
{
	const struct option *o;

	for (o = longopts; o->name != NULL; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

static const char *
opt_name(int id)
{
	const struct option *o;

	for (o = longopts; o->name != NULL; o++)
		if (o->val == id)
			return o->name;
	return "?";
}

static int
set_named(struct cli *c, const struct option *o, const char *v)
{
	if (set_opt(c, o->val, v) == 0)
		return 0;
	return lt_err_set(&c->err, LT_EXIT_USAGE, "bad value '%s' for --%s",
	    v, o->name);
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'
	    || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/*
 * Reads `key = value` lines (long option names, # comments).  The values
 * live in c->owned until cli_fini: options point into them.  missing_ok:
 * a file that does not exist is fine.
 */
static int
read_config(struct cli *c, const char *path, int missing_ok)
{
	FILE *f;
	char line[4096], *k, *v, *eq;
	const struct option *o;
	int n = 0;

	f = fopen(path, "r");
	if (f == NULL) {
		if (missing_ok && errno == ENOENT)
			return 0;
		return lt_err_sys(&c->err, LT_EXIT_USAGE, errno, "%s", path);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		n++;
		k = trim(line);
		if (*k == '#' || *k == '\0')
			continue;
		eq = strchr(k, '=');
		v = (char *)"true";
		if (eq != NULL) {
			*eq = '\0';
			v = trim(eq + 1);
		}
		k = trim(k);
		o = by_name(k);
		if (o == NULL || o->val == O_CONFIG || o->val == O_HELP
		    || o->val == O_VERSION) {
			lt_err_set(&c->err, LT_EXIT_USAGE,
			    "%s:%d: unknown option '%s'", path, n, k);
			fclose(f);
			return -1;
		}
		v = c->nowned < 256 ? strdup(v) : NULL;
		if (v != NULL)
			c->owned[c->nowned++] = v;
		if (v == NULL || set_named(c, o, v) != 0) {
			lt_err_prefix(&c->err, "%s:%d: ", path, n);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

static int
read_env(struct cli *c)
{
	const struct option *o;
	char name[64], *p;
	const char *v;

	for (o = longopts; o->name != NULL; o++) {
		if (o->val == O_HELP || o->val == O_VERSION)
			continue;
		snprintf(name, sizeof(name), "LT_%s", o->name);
		for (p = name; *p != '\0'; p++)
			*p = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
		v = getenv(name);
		if (v == NULL)
			continue;
		if (set_named(c, o, v) != 0) {
			lt_err_prefix(&c->err, "%s: ", name);
			return -1;
		}
	}
	return 0;
}

static const char shortopts[] = "f:H:u:r:t:i:o:qj:h";

/* Finds --config FILE (or LT_CONFIG) before the real parse. */
static const char *
find_config(int argc, char **argv)
{
	const char *cfg = getenv("LT_CONFIG");
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			cfg = argv[i + 1];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			cfg = argv[i] + 9;
	}
	return cfg;
}

static int
parse(struct cli *c, int argc, char **argv)
{
	const char *cfg = find_config(argc, argv);
	int ch, idx;

	if (read_config(c, "lt.conf", 1) != 0)
		return -1;
	if (cfg != NULL && read_config(c, cfg, 0) != 0)
		return -1;
	if (read_env(c) != 0)
		return -1;
	opterr = 0;
	for (;;) {
		ch = getopt_long(argc, argv, shortopts, longopts, &idx);
		if (ch == -1)
			break;
		if (ch == O_HELP) {
			fputs(usage_text, stdout);
			exit(lt_stdout_close(&c->err) == 0 ? 0 : LT_EXIT_RUNTIME);
		}
		if (ch == O_VERSION) {
			printf("lt-run %s\n", LT_VERSION);
			exit(lt_stdout_close(&c->err) == 0 ? 0 : LT_EXIT_RUNTIME);
		}
		if (ch == '?' || ch == ':')
			return lt_err_set(&c->err, LT_EXIT_USAGE,
			    "bad option or missing value: '%s' (see lt-run "
			    "--help)", argv[optind - 1]);
		if (set_opt(c, ch, optarg) != 0)
			return lt_err_set(&c->err, LT_EXIT_USAGE,
			    "bad value '%s' for --%s", optarg, opt_name(ch));
	}
	if (optind < argc)
		return lt_err_set(&c->err, LT_EXIT_USAGE,
		    "unexpected argument '%s'", argv[optind]);
	if (c->scenario == NULL)
		return lt_err_set(&c->err, LT_EXIT_USAGE,
		    "no scenario: use -f FILE (see lt-run --help)");
	return 0;
}

static void
progress(const struct lt_run_tick *t, void *arg)
{
	(void)arg;
	fprintf(stderr,
	    "lt-run: %6.0fs users %-6ld %8.1f req/s %6.1f fail/s  "
	    "p50 %.2f ms  p95 %.2f ms  total %llu (%llu failed)\n",
	    t->elapsed_s, t->users, t->rps, t->fails_per_s, t->p50_ms,
	    t->p95_ms, (unsigned long long)t->requests,
	    (unsigned long long)t->failures);
}

static void
ms_col(int64_t us)
{
	fprintf(stderr, " %9.2f", (double)us / 1000.0);
}

static void
summary_row(const char *method, const char *name,
    const struct lt_lathist *h, uint64_t fails, double secs)
{
	fprintf(stderr, "%-7s %-30.30s %9llu %7llu", method, name,
	    (unsigned long long)h->count, (unsigned long long)fails);
	ms_col(h->count ? (int64_t)(h->sum_us / h->count) : 0);
	ms_col(h->count ? h->min_us : 0);
	ms_col(h->max_us);
	ms_col(lt_lathist_quantile(h, 0.5));
	ms_col(lt_lathist_quantile(h, 0.95));
	ms_col(lt_lathist_quantile(h, 0.99));
	fprintf(stderr, " %8.1f\n", secs > 0 ? (double)h->count / secs : 0.);
}

static void
summary(const struct lt_run_stats *st)
{
	int i;

	fprintf(stderr, "%-7s %-30s %9s %7s %9s %9s %9s %9s %9s %9s %8s\n",
	    "Type", "Name", "# reqs", "# fails", "Avg ms", "Min ms",
	    "Max ms", "Med ms", "95% ms", "99% ms", "req/s");
	for (i = 0; i < st->n_endpoints; i++)
		summary_row(st->endpoints[i].method, st->endpoints[i].name,
		    &st->endpoints[i].h, st->endpoints[i].fails,
		    st->elapsed_s);
	summary_row("", "Aggregated", &st->total, st->failures,
	    st->elapsed_s);
	fprintf(stderr, "lt-run: %.1f s, ended by %s, %llu requests, "
	    "%llu failed (%.2f%%)",
	    st->elapsed_s, st->reason, (unsigned long long)st->requests,
	    (unsigned long long)st->failures,
	    st->requests ? 100.0 * (double)st->failures
		    / (double)st->requests : 0.);
	if (st->drops > 0)
		fprintf(stderr, ", %llu iterations dropped (all users busy)",
		    (unsigned long long)st->drops);
	fputc('\n', stderr);
}

int
main(int argc, char **argv)
{
	struct cli c;
	struct lt_scenario *sc = NULL;
	struct lt_run_stats st;
	int rc, fd = STDOUT_FILENO;

	memset(&c, 0, sizeof(c));
	memset(&st, 0, sizeof(st));
	c.run.stop_timeout_s = 5;
	c.run.jobs = 1;
	if (parse(&c, argc, argv) != 0) {
		fprintf(stderr, "lt-run: %s\n", c.err.msg);
		cli_fini(&c);
		return LT_EXIT_USAGE;
	}
	signal(SIGPIPE, SIG_IGN);
	if (lt_scenario_load(c.scenario, &sc, &c.err) != 0
	    || lt_scenario_filter_tags(sc, c.run.tags, c.run.exclude_tags,
		   &c.err) != 0) {
		fprintf(stderr, "lt-run: %s\n", c.err.msg);
		lt_scenario_free(sc);
		cli_fini(&c);
		return c.err.code ? c.err.code : LT_EXIT_USAGE;
	}
	if (c.run.seed == 0)
		c.run.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (c.out != NULL && strcmp(c.out, "-") != 0) {
		fd = open(c.out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (fd < 0) {
			fprintf(stderr, "lt-run: %s: %s\n", c.out,
			    strerror(errno));
			lt_scenario_free(sc);
			cli_fini(&c);
			return LT_EXIT_RUNTIME;
		}
	}
	c.run.scenario_path = c.scenario;
	c.run.out_fd = fd;
	rc = lt_run(sc, &c.run,
	    c.quiet || !isatty(STDERR_FILENO) ? NULL : progress, NULL, &st,
	    &c.err);
	if (rc != 0) {
		fprintf(stderr, "lt-run: %s\n", c.err.msg);
		rc = c.err.code ? c.err.code : LT_EXIT_RUNTIME;
	} else {
		if (st.users_capped > 0)
			fprintf(stderr, "lt-run: open-file limit capped the "
			    "run at %ld users (%ld refused); raise ulimit -n\n",
			    st.users_max, st.users_capped);
		if (!c.quiet)
			summary(&st);
		if (st.out_error[0] != '\0') {
			fprintf(stderr, "lt-run: %s: %s\n",
			    c.out ? c.out : "stdout", st.out_error);
			rc = LT_EXIT_RUNTIME;
		}
	}
	lt_run_stats_fini(&st);
	lt_scenario_free(sc);
	curl_global_cleanup();
	if (fd != STDOUT_FILENO && close(fd) != 0 && rc == 0) {
		fprintf(stderr, "lt-run: %s: %s\n", c.out, strerror(errno));
		rc = LT_EXIT_RUNTIME;
	}
	/* Events are written with write(2); a closed pipe already ended the
	 * run (reason "stdout") and is not an error. */
	if (fd == STDOUT_FILENO && strcmp(st.reason ? st.reason : "", "stdout")
	    != 0 && lt_stdout_close(&c.err) != 0 && rc == 0) {
		fprintf(stderr, "lt-run: %s\n", c.err.msg);
		rc = LT_EXIT_RUNTIME;
	}
	cli_fini(&c);
	return rc;
}
