#!/usr/bin/env bash
# fanout_cli.sh - lt-fanout's command line without a run: --help,
# --version, and each usage error of the coordinator, `worker` and
# `collect` with its exact message and exit status, the security checks
# in their order (before "no scenario"), and an -o FILE that cannot be
# opened.  No worker ever connects: every case stops before.
. "$(dirname "$0")/../lib.sh"
cd "$TMP" || exit 1
unset JOB_COMPLETION_INDEX LT_FANOUT_TOKEN
port=$(free_port)
url=tcp://127.0.0.1:$port
hint="(see lt-fanout --help)"

# fails DESCRIPTION STATUS MESSAGE ARGS...: lt-fanout ARGS prints
# nothing on stdout, exactly MESSAGE on stderr and exits STATUS.
fails() {
	local what=$1 want="$2:$3" got
	shift 3
	got="$(lt-fanout "$@" 2>err.txt >out.txt; echo "$?:$(cat err.txt)")"
	check_eq "$what" "$got" "$want"
	check "$what: nothing on stdout" [ ! -s out.txt ]
}

lt-fanout --help >help.txt 2>help.err
check_eq "--help: exit 0" "$?" 0
check "--help: the usage text on stdout" grep -q '^usage: lt-fanout -w N' help.txt
check "--help: nothing on stderr" [ ! -s help.err ]
check "-h after other options: the usage text" \
    sh -c 'lt-fanout -q --keep-spool -h | cmp -s - help.txt'
check "--help before a bad option wins" \
    sh -c 'lt-fanout --help --ship bad | cmp -s - help.txt'
check "--version" sh -c \
    'lt-fanout --version | grep -q "^lt-fanout [0-9][^ ]* (wire protocol 1)$"'

fails "--ship needs events or agg" 2 "lt-fanout: --ship: expected events or agg $hint" \
    --ship bad --help
fails "--ship without a value" 2 "lt-fanout: --ship: expected events or agg $hint" \
    -w 2 --ship
fails "--segment is lt-fanout's" 2 \
    "lt-fanout: --segment is set by lt-fanout for each worker $hint" \
    -w 2 -f s.lt --segment 0/2
fails "--start-at= is lt-fanout's" 2 \
    "lt-fanout: --start-at=5 is set by lt-fanout for each worker $hint" \
    -w 2 -f s.lt --start-at=5
fails "-w 0" 2 "lt-fanout: bad value for -w (1..4096) $hint" -w 0
fails "-w without a value" 2 "lt-fanout: bad value for -w (1..4096) $hint" -w
fails "--expect-workers abc" 2 \
    "lt-fanout: bad value for --expect-workers (1..4096) $hint" \
    --listen "$url" --expect-workers abc
fails "neither -w nor --listen" 2 \
    "lt-fanout: give either -w N (local workers) or --listen URL --expect-workers N $hint" \
    -f s.lt
fails "both -w and --listen" 2 \
    "lt-fanout: give either -w N (local workers) or --listen URL --expect-workers N $hint" \
    -w 1 --listen "$url" -f s.lt
fails "--listen without --expect-workers" 2 \
    "lt-fanout: --listen needs --expect-workers N $hint" --listen "$url" -f s.lt
fails "--token-file with -w" 2 \
    "lt-fanout: --token-file and --tls-* are for --listen (local workers talk over a private ipc socket) $hint" \
    -w 2 -f s.lt --token-file tok
fails "-o without a value" 2 "lt-fanout: missing value for -o $hint" -w 2 -o
fails "--on-worker-loss maybe" 2 \
    "lt-fanout: --on-worker-loss maybe: expected abort or continue $hint" \
    -w 2 --on-worker-loss maybe
fails "--expect-workers-max-wait forever" 2 \
    "lt-fanout: bad duration 'forever' $hint" -w 2 --expect-workers-max-wait forever
fails "no scenario" 2 "lt-fanout: no scenario: use -f FILE (or --exec) $hint" \
    -w 2 -u 3
fails "-h as -o's value is a file name, not --help" 2 \
    "lt-fanout: no scenario: use -f FILE (or --exec) $hint" -w 2 -o -h
fails "--tls-* on a tcp:// URL, said before the missing scenario" 2 \
    "lt-fanout: --tls-cert, --tls-key and --tls-ca need a tls+tcp:// URL, not $url" \
    --listen "$url" --expect-workers 1 --tls-cert x
fails "tls+tcp:// without the files" 2 \
    "lt-fanout: tls+tcp://127.0.0.1:$port needs --tls-cert, --tls-key and --tls-ca (mutual TLS)" \
    --listen "tls+tcp://127.0.0.1:$port" --expect-workers 1 -f s.lt
fails "an unreadable --token-file" 2 \
    "lt-fanout: --token-file nonesuch: No such file or directory" \
    --listen "$url" --expect-workers 1 -f s.lt --token-file nonesuch
# a scenario that loads: lt-fanout checks it before opening -o
printf 'user A\n  task GET /x\n' >s.lt
fails "-o into a missing directory" 3 \
    "lt-fanout: $TMP/no/out: No such file or directory" -w 2 -f s.lt -o "$TMP/no/out"
check "-o into a missing directory: no worker started" \
    [ -z "$(ls -d "$TMP"/lt-fanout* 2>/dev/null)" ]

fails "collect without spools" 2 "lt-fanout: collect: name the spool files $hint" collect
fails "collect of a missing spool" 2 \
    "lt-fanout collect: nope.spool: No such file or directory" collect nope.spool

fails "worker without --connect" 2 \
    "lt-fanout: worker: --connect URL is required $hint" worker --keep-spool
fails "worker: an option without its value" 2 \
    "lt-fanout: missing value for --connect $hint" worker --connect
fails "worker: an unknown option" 2 \
    "lt-fanout: unknown worker option '--bogus' $hint" worker --bogus x
fails "worker: --help is not one of its options" 2 \
    "lt-fanout: missing value for --help $hint" worker --help
fails "worker --index -1" 2 "lt-fanout: bad --index '-1' $hint" \
    worker --index -1 --connect "$url"
fails "worker --of 0" 2 "lt-fanout: bad --of '0' $hint" \
    worker --of 0 --connect "$url"
got="$(JOB_COMPLETION_INDEX=x lt-fanout worker --connect "$url" 2>&1; echo "rc=$?")"
check_eq "worker: a bad JOB_COMPLETION_INDEX" "$got" \
    "lt-fanout: bad JOB_COMPLETION_INDEX 'x' $hint
rc=2"
fails "worker: --tls-* on a tcp:// URL" 2 \
    "lt-fanout worker: --tls-cert, --tls-key and --tls-ca need a tls+tcp:// URL, not $url" \
    worker --connect "$url" --tls-cert x
fails "worker: an unreadable --token-file" 2 \
    "lt-fanout worker: --token-file nonesuch: No such file or directory" \
    worker --connect "$url" --token-file nonesuch
done_testing
