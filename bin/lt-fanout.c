/*
 * lt-fanout - one lt-run test spread over local worker processes (-w N)
 * or workers on other machines (--listen, lt-fanout worker), merged into
 * one event stream (lt-fanout(1)).  Also `lt-fanout worker` and
 * `lt-fanout collect SPOOL...`.
 *
 * The command line is parsed into a struct lt_fanout_cli (fanout/cli.c)
 * and run by lt_fanout_cli_main (fanout/climain.c); this prints the
 * usage text, the version and the one error message.
 */
#include <stdio.h>

#include "core/err.h"
#include "core/version.h"
#include "fanout/cli.h"

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

/* File scope, so what it points to stays reachable on an early exit. */
static struct lt_fanout_cli cli;

int
main(int argc, char **argv)
{
	struct lt_err err;
	int rc;

	lt_err_clear(&err);
	rc = lt_fanout_cli_parse(&cli, argc, argv, &err);
	if (rc != 0) {
		if (err.msg[0] != '\0')
			fprintf(stderr, "lt-fanout: %s\n", err.msg);
		return rc;
	}
	if (cli.cmd == LT_FANOUT_CMD_HELP) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (cli.cmd == LT_FANOUT_CMD_VERSION) {
		printf("lt-fanout %s (wire protocol %d)\n", LT_VERSION, 1);
		return 0;
	}
	rc = lt_fanout_cli_main(&cli, &err);
	if (rc != 0 && err.msg[0] != '\0')
		fprintf(stderr, "%s: %s\n", lt_fanout_cli_who(&cli), err.msg);
	lt_fanout_cli_free(&cli);
	return rc;
}
