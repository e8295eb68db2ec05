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

# F14: "status" is 0 for a command (no protocol status code), the exit
# status goes in "exit" only, and a command that cannot start is a
# failure lt-agg counts (it used to write "status":-1, which lt-agg
# rejected, so the failure vanished).
cat >"$TMP/st.lt" <<'LT'
user A
  sequence
    exec /nonexistent/prog name nostart
    exec sh -c "exit 4" name exit4
    exec sleep 5
      timeout 100ms
      name slow
    exec true name fine
LT
lt-run -q -f "$TMP/st.lt" -i 2 >"$TMP/st.ev"
check_eq "statuses: lt-run exit 0" "$?" 0
check_eq "statuses: status 0, exit status in exit (none when not started)" \
    "$(jq -c 'select(.type=="req" and .user==0)|[.name,.status,.exit,.ok]' "$TMP/st.ev" | sort -u | tr '\n' ' ')" \
    '["exit4",0,4,false] ["fine",0,0,true] ["nostart",0,null,false] ["slow",0,137,false] '
check "statuses: a command that cannot start fails with exec: cannot run" \
    grep -q '"name":"nostart".*"error":"exec: cannot run /nonexistent/prog: ' "$TMP/st.ev"
lt-agg <"$TMP/st.ev" >"$TMP/st.agg"
check_eq "statuses: lt-agg accepts every event" \
    "$(jq -c '[.input.rejected, .total.requests, .total.failures, .total.status]' "$TMP/st.agg")" \
    '[0,8,6,{"0":8}]'

done_testing
