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
    exec sh -c "head -c 3000000 /dev/zero" name z3m
    exec cat $TMP/big.bin name cat300k
    exec python3 -c "import sys; sys.stdout.buffer.write(b'x' * 200000)" name py200k
LT
lt-run -q -f "$TMP/big.lt" -i 3 >"$TMP/big.ev" 2>"$TMP/big.err"
check_eq "large outputs: exit 0" "$?" 0
check_eq "large outputs: all ok, full size (bytes counts past the 1 MiB body)" \
    "$(jq -r 'select(.type=="req")|"\(.name) \(.ok) \(.bytes)"' "$TMP/big.ev" | sort | uniq -c | awk '{$1=$1};1')" \
    "3 cat300k true 300000
3 py200k true 200000
3 z1m true 1000000
3 z3m true 3000000"
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
# F26: an interrupted request keeps its latency_ms (the time to the cut,
# lt-run(1)); lt-agg leaves "interrupted:" requests out of its latency
# statistics by that error prefix.
check_eq "interrupted events: latency_ms kept, error prefix interrupted:" \
    "$(jq -c 'select(.type=="req")|[(.latency_ms >= 0), (.error|startswith("interrupted: "))]' "$TMP/pgs.ev" | sort -u)" \
    '[true,true]' 
check_eq "groups: no child of an interrupted command survives" \
    "$(alive | wc -l)" 0
reap

# F15: "output json" cannot replace lt-run's members (those of
# lt-events(5)); it may report latency_ms, ttfb_ms, connect_ms and bytes,
# but only valid ones; a first line that is not a JSON object fails.
O=$TMP/out
mkdir "$O"
printf '%s\nnext line\n' '{"type":"x","ts":"y","name":"n","method":"M","url":5,"status":500,"ok":false,"error":"e","exit":9,"user":"u","class":1,"host":5,"wait_ms":"w","tags":3,"proto":"mqtt","qos":[1,2],"latency_ms":2.25}' >"$O/reserved"
echo '{"latency_ms":"bad"}' >"$O/badlat"
echo '{"bytes":1.5}' >"$O/badbytes"
echo 'not json' >"$O/notjson"
echo '[1,2]' >"$O/array"
: >"$O/empty"
cat >"$TMP/oj.lt" <<LT
user A
  sequence
    exec cat $O/reserved
      output json
      name reserved
    exec cat $O/badlat
      output json
      name badlat
    exec cat $O/badbytes
      output json
      name badbytes
    exec cat $O/notjson
      output json
      name notjson
    exec cat $O/array
      output json
      name array
    exec cat $O/empty
      output json
      name empty
    exec sh -c "echo '{\\"latency_ms\\":1}'; exit 2"
      output json
      name exit2
LT
lt-run -q -f "$TMP/oj.lt" -i 1 >"$TMP/oj.ev"
check_eq "output json: lt-run exit 0" "$?" 0
ojev() { grep "\"name\":\"$1\"" "$TMP/oj.ev"; }
check_eq "output json: reserved members are lt-run's, others merged" \
    "$(ojev reserved | jq -c '[.type,(.ts|type),.name,.method,.url,.status,.ok,.error,.exit,.user,.class,.host,.wait_ms,.tags,.proto,.qos,.latency_ms,.ttfb_ms]')" \
    '["req","number","reserved","EXEC","reserved",0,true,null,0,0,"A",null,null,null,"mqtt",[1,2],2.25,2.25]'
check_eq "output json: no member twice" \
    "$(ojev reserved | python3 -c 'import json,sys
pairs=json.loads(sys.stdin.read(), object_pairs_hook=lambda p: p)
ks=[k for k,_ in pairs]; print(len(ks)-len(set(ks)))')" 0
check_eq "output json: a bad latency fails, lt-run's latency kept" \
    "$(ojev badlat | jq -c '[.ok, .error, (.latency_ms|type)]')" \
    '[false,"exec: output json: latency_ms is not a number >= 0","number"]'
check_eq "output json: fractional bytes fail" \
    "$(ojev badbytes | jq -c '[.ok, .error, .bytes]')" \
    '[false,"exec: output json: bytes is not an integer >= 0",14]'
for n in notjson array empty; do
	check_eq "output json: $n fails" "$(ojev $n | jq -c '[.ok, .error]')" \
	    '[false,"exec: output is not a JSON object"]'
done
check_eq "output json: the exit status comes first" \
    "$(ojev exit2 | jq -c '[.ok, .error, .latency_ms, .exit]')" \
    '[false,"exec: exit status 2",1,2]'
lt-agg <"$TMP/oj.ev" >"$TMP/oj.agg"
check_eq "output json: lt-agg accepts every event" \
    "$(jq -c '[.input.rejected, .total.requests, .total.failures]' "$TMP/oj.agg")" \
    '[0,7,6]'

done_testing
