#!/usr/bin/env bash
# fanout_cluster.sh - lt-fanout --listen tcp://127.0.0.1:PORT with
# `lt-fanout worker` processes: the scenario shipped by content hash, the
# split and the target's counts, indices (given, JOB_COMPLETION_INDEX,
# assigned), the barrier's max wait, a refused version, garbage,
# truncated and oversized messages, and a worker under faketime whose
# clock offset is measured and taken out of its events' ts.
. "$(dirname "$0")/../lib.sh"
# spools, sockets and private directories of lt-fanout stay in $TMP
export TMPDIR=$TMP

start_target || exit 1
SP="python3 $LT_TOP/tests/pipe/fanout_sp.py"
# The scenario lives where workers cannot see it: it must be shipped.
mkdir "$TMP/coord"
printf 'user A\n  task GET /ok\n' >"$TMP/coord/s.lt"

port=$(free_port)
url=tcp://127.0.0.1:$port
lt-fanout --listen "$url" --expect-workers 3 --expect-workers-max-wait 60s \
    -f "$TMP/coord/s.lt" \
    -H "$TARGET_URL" -u 3 -r 100 -i 90 >"$TMP/c.ev" 2>"$TMP/c.err" &
co=$!
track_pid "$co"
sleep 0.5
# Hostile traffic before the workers come.
check_eq "garbage bytes: connection dropped" "$($SP "$port" garbage)" closed
check_eq "oversized message: connection dropped" "$($SP "$port" oversized)" closed
r=$($SP "$port" badframe)
check "not a frame: refused with a reason ($r)" \
    grep -q '^refuse wire: not an lt-fanout message' <<<"$r"
r=$($SP "$port" truncated)
check "truncated frame: refused ($r)" grep -q '^refuse wire: length' <<<"$r"
r=$($SP "$port" oldwire)
check "wire version 2: refused ($r)" \
    grep -q '^refuse wire: protocol version 2, this program speaks version 1' <<<"$r"
r=$($SP "$port" version)
check "lt 9.9.9: refused ($r)" grep -q '^refuse version mismatch: worker is lt 9.9.9' <<<"$r"
check "the coordinator says it refused the version too" \
    grep -q 'refused a worker: version mismatch' "$TMP/c.err"
# Real workers: an explicit index, JOB_COMPLETION_INDEX, one assigned.
( cd "$TMP" && exec lt-fanout worker --connect "$url" --index 2 --of 3 ) \
    2>"$TMP/w2.err" &
track_pid $!
( cd "$TMP" && JOB_COMPLETION_INDEX=0 exec lt-fanout worker --connect "$url" ) \
    2>"$TMP/w0.err" &
track_pid $!
# (the unindexed one last: it takes the lowest free index)
for i in $(seq 1 300); do
	[ "$(grep -c '"state":"joined"' "$TMP/c.ev")" -ge 2 ] && break
	sleep 0.1
done
( cd "$TMP" && exec lt-fanout worker --connect "$url" ) 2>"$TMP/w1.err" &
track_pid $!
wait "$co"
check_eq "coordinator exit 0 after hostile traffic" "$?" 0
check_eq "90 iterations over tcp: 90 requests" "$(nreq "$TMP/c.ev")" 90
check_eq "split 30/30/30" \
    "$(per_worker "$TMP/c.ev")" "0:30 1:30 2:30 "
check_eq "worker pids as indexed" \
    "$(jq -r 'select(.type == "worker" and .state == "finished") | .worker' "$TMP/c.ev" | sort | tr '\n' ' ')" \
    "0 1 2 "
check "workers ran the shipped scenario (named in their run events)" \
    test -z "$(jq -r 'select(.type == "run" and .phase == "start") | .scenario' "$TMP/c.ev" | grep "$TMP/coord")"

# A worker pinned to another scenario (--scenario-hash) refuses the plan;
# both sides say so.  Pinned to the right one, it runs.
port=$(free_port)
lt-fanout --listen tcp://127.0.0.1:$port --expect-workers 1 \
    --expect-workers-max-wait 30s -f "$TMP/coord/s.lt" -H "$TARGET_URL" \
    -i 3 >"$TMP/h.ev" 2>"$TMP/h.err" &
co=$!
track_pid "$co"
lt-fanout worker --connect tcp://127.0.0.1:$port --scenario-hash 0123456789abcdef \
    2>"$TMP/hw.err"
check_eq "worker pinned to another scenario: exit 3" "$?" 3
check "the worker says why" grep -q 'refusing a different scenario' "$TMP/hw.err"
wait "$co"
check_eq "coordinator: exit 2 (a worker refused the plan)" "$?" 2
check "the coordinator says why" \
    grep -q 'worker 0 refused the run: scenario hash [0-9a-f]*, this worker was started for 0123456789abcdef' "$TMP/h.err"
hash=$(sed -n 's/.*scenario hash \([0-9a-f]*\)).*/\1/p' "$TMP/h.err")
port=$(free_port)
lt-fanout -q --listen tcp://127.0.0.1:$port --expect-workers 1 \
    --expect-workers-max-wait 30s -f "$TMP/coord/s.lt" -H "$TARGET_URL" \
    -i 3 >"$TMP/h2.ev" 2>/dev/null &
co=$!
track_pid "$co"
lt-fanout worker --connect tcp://127.0.0.1:$port --scenario-hash "$hash" 2>/dev/null
check_eq "worker pinned to the scenario's hash ($hash): exit 0" "$?" 0
wait "$co"
check_eq "and the coordinator too, with its 3 requests" "$? $(nreq "$TMP/h2.ev")" "0 3"

# A late worker is refused, and --expect-workers-max-wait gives up.
port=$(free_port)
lt-fanout -q --listen tcp://127.0.0.1:$port --expect-workers 2 \
    --expect-workers-max-wait 2s -f "$TMP/coord/s.lt" -H "$TARGET_URL" \
    -i 5 >"$TMP/m.ev" 2>"$TMP/m.err" &
co=$!
track_pid "$co"
lt-fanout worker --connect tcp://127.0.0.1:$port --index 5 --of 2 2>"$TMP/bad.err"
check_eq "index out of range: worker exits 3" "$?" 3
check "the worker says why" grep -q 'refused by the coordinator: index 5 out of range' "$TMP/bad.err"
wait "$co"
check_eq "max wait: exit 3" "$?" 3
check "max wait: says how many joined" grep -q 'only 0 of 2 workers joined within 2 s' "$TMP/m.err"

# Clock offsets: a worker whose clock is 10 s ahead.
if ! command -v faketime >/dev/null; then
	skip "clock offset under faketime" "faketime not installed"
elif ! FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f +10s lt-fanout --version >/dev/null 2>&1; then
	skip "clock offset under faketime" "libfaketime cannot preload into this build (ASan?)"
else
	port=$(free_port)
	t_begin=$(date +%s.%N)
	lt-fanout -q --listen tcp://127.0.0.1:$port --expect-workers 2 \
	    --expect-workers-max-wait 30s \
	    -f "$TMP/coord/s.lt" -H "$TARGET_URL" -u 2 -r 100 -i 40 \
	    >"$TMP/f.ev" 2>"$TMP/f.err" &
	co=$!
	track_pid "$co"
	lt-fanout worker --connect tcp://127.0.0.1:$port --index 0 2>"$TMP/fw0.err" &
	track_pid $!
	FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f +10s \
	    lt-fanout worker --connect tcp://127.0.0.1:$port --index 1 2>"$TMP/fw1.err" &
	track_pid $!
	wait "$co"
	check_eq "faketime run: exit 0" "$?" 0
	t_end=$(date +%s.%N)
	off=$(jq -r 'select(.type == "worker" and .state == "started" and .worker == 1) | .offset_ms' "$TMP/f.ev")
	check "offset of the worker 10 s ahead measured: $off ms" \
	    awk -v o="$off" 'BEGIN { exit !(o < -9500 && o > -10500) }'
	off0=$(jq -r 'select(.type == "worker" and .state == "started" and .worker == 0) | .offset_ms' "$TMP/f.ev")
	check "offset of the other worker near 0: $off0 ms" \
	    awk -v o="$off0" 'BEGIN { exit !(o < 100 && o > -100) }'
	bad=$(jq -r --argjson a "$t_begin" --argjson b "$t_end" \
	    'select(.type == "req" and (.ts < $a or .ts > $b)) | .ts' "$TMP/f.ev" | wc -l)
	check_eq "every ts on the coordinator's clock (none off by 10 s)" "$bad" 0
	check_eq "both workers sent their share" "$(nreq "$TMP/f.ev")" 40
fi
total=$(cat "$TMP"/*.ev | grep -c '"type":"req"')
kill "$TARGET_PID"
wait "$TARGET_PID" 2>/dev/null
check_eq "target counted every request of the merged streams" \
    "$(jq -r '.total' "$TMP/target.out" | tail -n 1)" "$total"
done_testing
