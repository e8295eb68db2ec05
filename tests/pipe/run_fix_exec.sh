#!/usr/bin/env bash
# run_fix_exec.sh - regressions for exec steps (QA findings F35, F14,
# F34, F15, F26): large outputs, statuses, process groups, output json.
. "$(dirname "$0")/../lib.sh"

# F35: the command's stdout is blocking; only lt-run's end is not.  A
# writer of 1 MB in large writes used to fail with EAGAIN at 64 KB.
head -c 300000 /dev/zero >"$TMP/big.bin"
cat >"$TMP/big.lt" <<LT
user A
  sequence
    exec sh -c "head -c 1000000 /dev/zero" name z1m
    exec cat $TMP/big.bin name cat300k
    exec python3 -c "import sys; sys.stdout.buffer.write(b'x' * 200000)" name py200k
LT
lt-run -q -f "$TMP/big.lt" -i 3 >"$TMP/big.ev" 2>"$TMP/big.err"
check_eq "large outputs: exit 0" "$?" 0
check_eq "large outputs: all ok, full size (body capped at 1 MiB)" \
    "$(jq -r 'select(.type=="req")|"\(.name) \(.ok) \(.bytes)"' "$TMP/big.ev" | sort | uniq -c | awk '{$1=$1};1')" \
    "3 cat300k true 300000
3 py200k true 200000
3 z1m true 1000000"
check_eq "large outputs: no write error on stderr" \
    "$(grep -c 'temporarily unavailable' "$TMP/big.err")" 0

done_testing
