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

# F34: each command runs in its own process group, and the whole group
# is killed when the command times out, when the run stops it, and when
# the command ends (leftover background processes).  The commands write
# their children's PIDs; afterwards none of them may be alive.
PIDS=$TMP/pids
alive() { # PIDs in $PIDS still running (zombies do not count)
	local p st
	for p in $(cat "$PIDS" 2>/dev/null); do
		st=$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) || continue
		[ -n "$st" ] && [ "$st" != Z ] && echo "$p"
	done
}
reap() { # kill what a failed check left behind (our own grandchildren)
	local p
	for p in $(alive); do kill "$p" 2>/dev/null; done
}
cat >"$TMP/pg.lt" <<LT
user A
  sequence
    exec sh -c "sleep 71 & echo \$! >>$PIDS; sleep 72 & echo \$! >>$PIDS; wait"
      timeout 500ms
      name timedout
    exec sh -c "sleep 73 & echo \$! >>$PIDS"
      name leftover
LT
lt-run -q -f "$TMP/pg.lt" -i 2 >"$TMP/pg.ev"
check_eq "groups: lt-run exit 0" "$?" 0
check_eq "groups: events" \
    "$(jq -r 'select(.type=="req")|"\(.name) \(.ok) \(.error)"' "$TMP/pg.ev" | sort | uniq -c | awk '{$1=$1};1')" \
    "2 leftover true null
2 timedout false timeout: command timed out"
# (a slow machine may kill a sh before it wrote both PIDs)
check "groups: children were started" test "$(wc -l <"$PIDS")" -ge 4
check_eq "groups: no child of a timed-out or finished command survives" \
    "$(alive | wc -l)" 0
reap
: >"$PIDS"
cat >"$TMP/pgs.lt" <<LT
user A
  task exec sh -c "sleep 74 & echo \$! >>$PIDS; sleep 75 & echo \$! >>$PIDS; wait"
LT
lt-run -q -f "$TMP/pgs.lt" -u 2 -r 100 -t 0.7s --stop-timeout 0.2 >"$TMP/pgs.ev"
check_eq "groups: 2 commands interrupted at run end" \
    "$(grep -c '"error":"interrupted: run time over"' "$TMP/pgs.ev")" 2
check "groups: children were started" test "$(wc -l <"$PIDS")" -ge 2
check_eq "groups: no child of an interrupted command survives" \
    "$(alive | wc -l)" 0
reap

done_testing
