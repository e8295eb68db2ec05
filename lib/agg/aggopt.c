/*
 * aggopt.c - lt-agg's help text, option values and the rules between
 * options; see aggopt.h.
 */
#include <stdlib.h>
#include <string.h>

#include "agg/aggopt.h"

const char lt_aggopt_usage[] =
    "usage: lt-agg [-qs] [-c expr]... [-o file] [--format fmt]\n"
    "              [--exit-code-on-error [n]] [--baseline old.json]\n"
    "              [--tolerance pct] [--live | --every interval]\n"
    "              [--live-format fmt] [--live-output file]\n"
    "              [--junit file] [--timeline-endpoints] [--strict]\n"
    "              [--goodput slos] [--since time] [--until time]\n"
    "              [file ...]\n"
    "       lt-agg --merge [options] aggregate.json ...\n"
    "       lt-agg -h | --help | --version\n"
    "\n"
    "  -c, --check expr        threshold, e.g. 'p95<300ms' (repeatable)\n"
    "      --goodput slos      streams meeting every SLO, e.g.\n"
    "                          'ttft<200ms,tpot<50ms,e2e<2s'\n"
    "      --exit-code-on-error [n]  exit n (default 1) when any request "
    "failed\n"
    "      --baseline old.json compare with an older aggregate\n"
    "      --tolerance pct     regression tolerance (default 10%)\n"
    "      --live              totals and current rates on stderr (2 s)\n"
    "      --every interval    the same, every interval (2s, 500ms, 1m)\n"
    "      --format fmt        json (default), text, openmetrics, prometheus\n"
    "      --live-format fmt   live output as text (default), openmetrics\n"
    "                          or prometheus\n"
    "      --live-output file  live output to file (replaced each interval)\n"
    "                          or - (stdout); default stderr\n"
    "      --junit file        threshold and baseline results as JUnit XML\n"
    "      --timeline-endpoints  per-endpoint series in the timeline\n"
    "      --since time        leave out events before this time from the\n"
    "                          run start (30s, 2m; Locust's --reset-stats)\n"
    "      --until time        leave out events from this time on (5m)\n"
    "  -m, --merge             inputs are aggregates to merge\n"
    "  -o, --output file       write to file instead of stdout\n"
    "  -q, --quiet             no threshold, baseline or reject lines on "
    "stderr\n"
    "  -s, --strict            a rejected input line is an error\n"
    "  -h, --help              this help\n"
    "      --version           print the version\n";

int
lt_aggopt_code(const char *s)
{
	int v = 0;

	if (*s == '\0' || strlen(s) > 3)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v <= 255 ? v : -1;
}

int
lt_aggopt_format(const char *s)
{
	static const char *const names[] = { "json", "text", "openmetrics",
		"prometheus" };
	static const enum lt_agg_format fmts[] = { LT_FMT_JSON, LT_FMT_TEXT,
		LT_FMT_OPENMETRICS, LT_FMT_PROMETHEUS };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return (int)fmts[i];
	return -1;
}

double
lt_aggopt_interval(const char *s)
{
	char *end;
	double v;

	if (*s < '0' || *s > '9')
		return -1; /* no sign, no inf or nan */
	v = strtod(s, &end);
	if (end == s || !(v > 0) || v > 1e9)
		return -1;
	if (*end == '\0' || strcmp(end, "s") == 0)
		return v;
	if (strcmp(end, "ms") == 0)
		return v / 1000.0;
	if (strcmp(end, "m") == 0)
		return v * 60.0;
	if (strcmp(end, "h") == 0)
		return v * 3600.0;
	return -1;
}

int
lt_aggopt_finish(struct lt_aggcmd *cmd, struct lt_err *err)
{
	if (cmd->since_us > 0 && cmd->until_us > 0 &&
	    cmd->until_us <= cmd->since_us)
		return lt_err_set(
		    err, LT_EXIT_USAGE, "--until must be later than --since");
	if (cmd->merge && (cmd->since_us > 0 || cmd->until_us > 0))
		return lt_err_set(err, LT_EXIT_USAGE,
		    "--since and --until read events, not aggregates "
		    "(--merge)");
	if (cmd->merge && cmd->n_files == 0)
		return lt_err_set(
		    err, LT_EXIT_USAGE, "--merge needs aggregate files");
	if ((cmd->live_output || cmd->live_format != LT_FMT_TEXT) &&
	    cmd->every_s == 0)
		cmd->every_s = 2; /* --live-format/--live-output imply --live */
	if (cmd->live_output && strcmp(cmd->live_output, "-") == 0 &&
	    !cmd->output)
		return lt_err_set(err, LT_EXIT_USAGE,
		    "--live-output - needs -o for the aggregate");
	return 0;
}
