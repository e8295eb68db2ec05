#!/usr/bin/env bash
# outclose.sh - stdout checked at exit (lib/core/outclose.c) as the man pages
# of lt-agg and lt-report say: a reader that went away (EPIPE) is a
# normal end, nothing printed, the status unchanged; a full disk is one
# line naming the real cause (not EIO) and status 3.  The closed pipe is
# made before the program starts, so the EPIPE comes at the final flush
# of a small output, deterministically.
. "$(dirname "$0")/../lib.sh"

cd "$TMP" || exit 3
# closed CMD...: runs CMD with stdout a pipe whose reader is gone;
# prints "status:stderr".
closed() {
	python3 -c 'import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run(sys.argv[1:], stdout=w, stderr=subprocess.PIPE)
sys.stdout.write("%d:%s" % (p.returncode, p.stderr.decode()))' "$@"
}
printf '%s\n' '{"type":"req","ts":1764400000.5,"name":"/a","method":"GET","status":200,"ok":true,"error":null,"latency_ms":1}' >ev.nd
lt-agg ev.nd >run.json
check "an aggregate to report on" [ -s run.json ]

check_eq "lt-agg, small output, reader gone: 0, quiet" \
    "$(closed lt-agg ev.nd)" "0:"
check_eq "lt-agg, reader gone, failed check: still 1" \
    "$(closed lt-agg -q -c 'p99<1us' ev.nd)" "1:"
check_eq "lt-agg --help, reader gone: 0, quiet" \
    "$(closed lt-agg --help)" "0:"
check_eq "lt-report --version, reader gone: 0, quiet" \
    "$(closed lt-report --version)" "0:"
check_eq "lt-report md, reader gone: 0, quiet" \
    "$(closed lt-report --format md run.json)" "0:"
check_eq "lt-report --baseline, reader gone: status kept (0)" \
    "$(closed lt-report --baseline run.json --format md run.json)" "0:"

for p in lt-agg lt-report; do
	"$p" --version >/dev/full 2>err
	check_eq "$p --version >/dev/full: exit 3" "$?" 3
	check_eq "$p --version >/dev/full: the real cause, once" "$(cat err)" \
	    "$p: cannot write stdout: No space left on device"
done
lt-report --format md run.json >/dev/full 2>err
check_eq "lt-report md >/dev/full: exit 3" "$?" 3
check_eq "lt-report md >/dev/full: one line" "$(wc -l <err)" 1
check "lt-report md >/dev/full: ENOSPC named" grep -q 'No space left' err
done_testing
