#!/usr/bin/env bash
# fanout_loss.sh - lt-fanout when things die: a worker killed with
# SIGKILL or stopped with SIGSTOP is declared lost within a few seconds
# (abort: exit 3; continue: the run goes on), its lt-run does not outlive
# it, and when the coordinator is killed every worker and lt-run is gone
# within 5 s while `lt-fanout collect` recovers what they wrote.
. "$(dirname "$0")/../lib.sh"
# spools, sockets and private directories of lt-fanout stay in $TMP
export TMPDIR=$TMP

start_target || exit 1
printf 'user A\n  wait constant 0.01\n  task GET /ok\n' >"$TMP/s.lt"

# wait_for FILE JQ-FILTER: up to 20 s for the filter to print something.
wait_for() {
	local i
	for i in $(seq 1 200); do
		[ -n "$(jq -r "$2" "$1" 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	return 1
}
alive() { kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" | cut -c1)" != Z ]; }
# gone_within SECONDS PID...: all exited within SECONDS.
gone_within() {
	local s=$1 i p left
	shift
	for i in $(seq 1 $((s * 10))); do
		left=0
		for p in "$@"; do alive "$p" && left=1; done
		[ "$left" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}
children() { ps -o pid= --ppid "$1" | tr -d ' '; }

# 1. SIGKILL a worker: abort (the default), exit 3, its lt-run gone.
lt-fanout -q -w 2 -f "$TMP/s.lt" -H "$TARGET_URL" -u 2 -t 30s \
    --spool-dir "$TMP" >"$TMP/k.ev" 2>"$TMP/k.err" &
co=$!
track_pid "$co"
wait_for "$TMP/k.ev" 'select(.type == "req" and .worker == 1) | .worker' \
    || echo "# worker 1 sent nothing"
w1=$(jq -r 'select(.type == "worker" and .state == "joined" and .worker == 1) | .pid' "$TMP/k.ev")
run1=$(children "$w1")
t0=$(date +%s.%N)
kill -9 "$w1"
wait "$co"
check_eq "SIGKILL of a worker: exit 3 (abort)" "$?" 3
lost=$(jq -r 'select(.type == "worker" and .state == "lost") | "\(.worker) \(.ts)"' "$TMP/k.ev")
check_eq "a lost event for worker 1" "${lost%% *}" 1
d=$(awk -v a="$t0" -v b="${lost#* }" 'BEGIN { printf "%.2f", b - a }')
check "lost detected in ${d}s (3 s of silence; < 5 s allowed on a busy machine)" \
    awk -v d="$d" 'BEGIN { exit !(d >= 2.5 && d < 5) }'
check "the message names the missing sequence numbers" \
    grep -q 'worker 1 .*missing seq [0-9.]* and any after' "$TMP/k.err"
check "the killed worker's lt-run ($run1) is gone" gone_within 5 $run1
acked=$(jq -r 'select(.type == "worker" and .state == "lost") | .acked' "$TMP/k.ev")
spooled=$(jq -r 'select(.type == "worker" and .state == "lost") | .spooled' "$TMP/k.ev")
check_eq "the coordinator stored exactly the acked lines of worker 1" \
    "$(jq -r 'select(.worker == 1 and .type != "worker") | .type' "$TMP/k.ev" | wc -l)" "$acked"
lt-fanout collect "$TMP"/lt-fanout-*-w1.spool >"$TMP/k1.ev"
check "its spool holds what was missing ($(wc -l <"$TMP/k1.ev") lines >= $acked acked, >= $spooled spooled at its last beat)" \
    test "$(wc -l <"$TMP/k1.ev")" -ge "$spooled" -a "$(wc -l <"$TMP/k1.ev")" -ge "$acked"
check "the spool starts with what the coordinator stored" \
    cmp -s <(head -n "$acked" "$TMP/k1.ev" | jq -c .) \
    <(jq -c 'select(.worker == 1 and .type != "worker")' "$TMP/k.ev" | head -n "$acked" | jq -c .)
rm -f "$TMP"/lt-fanout-*-w1.spool
check_eq "worker 0 finished after the abort" \
    "$(jq -r 'select(.type == "worker" and .state == "finished") | .worker' "$TMP/k.ev")" 0

# 2. SIGSTOP a worker with --on-worker-loss continue: lost, run goes on.
lt-fanout -q -w 2 -f "$TMP/s.lt" -H "$TARGET_URL" -u 2 -t 8s \
    --on-worker-loss continue --spool-dir "$TMP" >"$TMP/s.ev" 2>"$TMP/s.err" &
co=$!
track_pid "$co"
wait_for "$TMP/s.ev" 'select(.type == "req" and .worker == 0) | .worker' \
    || echo "# worker 0 sent nothing"
w0=$(jq -r 'select(.type == "worker" and .state == "joined" and .worker == 0) | .pid' "$TMP/s.ev")
track_pid "$w0"
t0=$(date +%s.%N)
kill -STOP "$w0"
wait_for "$TMP/s.ev" 'select(.type == "worker" and .state == "lost") | .ts'
lost=$(jq -r 'select(.type == "worker" and .state == "lost") | "\(.worker) \(.ts)"' "$TMP/s.ev")
check_eq "SIGSTOP: worker 0 lost" "${lost%% *}" 0
d=$(awk -v a="$t0" -v b="${lost#* }" 'BEGIN { printf "%.2f", b - a }')
check "stopped worker detected in ${d}s (< 5 s allowed on a busy machine)" \
    awk -v d="$d" 'BEGIN { exit !(d >= 2.5 && d < 5) }'
wait "$co"
check_eq "continue: the run ends normally (exit 0)" "$?" 0
check_eq "worker 1 finished its whole run" \
    "$(jq -r 'select(.type == "run" and .phase == "end" and .worker == 1) | .reason' "$TMP/s.ev")" time
kill -CONT "$w0" 2>/dev/null

# 3. SIGKILL the coordinator: workers and lt-runs gone within 5 s; the
# spools hold everything, collect brings it back.
mkdir "$TMP/sp"
lt-fanout -q -w 2 -f "$TMP/s.lt" -H "$TARGET_URL" -u 2 -t 60s \
    --spool-dir "$TMP/sp" >"$TMP/c.ev" 2>/dev/null &
co=$!
track_pid "$co"
wait_for "$TMP/c.ev" 'select(.type == "req" and .worker == 1) | .worker'
ws=$(jq -r 'select(.type == "worker" and .state == "joined") | .pid' "$TMP/c.ev")
runs=$(for w in $ws; do children "$w"; done)
check_eq "two workers, two lt-runs" "$(echo $ws $runs | wc -w)" 4
kill -9 "$co"
wait "$co" 2>/dev/null
# A worker stops its lt-run after 3 s without an answer (load ends
# then); the processes are gone once lt-run has written its last events.
t0=$(date +%s.%N)
gone_within 10 $ws $runs
took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
# 6 s: 5 s and the polling of this loaded test machine.
check "workers ($(echo $ws)) and lt-runs ($(echo $runs)) gone within 6 s (took $took s)" \
    awk -v t="$took" 'BEGIN { exit !(t <= 6.0) }'

ls "$TMP"/sp/*.spool >"$TMP/spools" 2>/dev/null
check_eq "two spools kept" "$(wc -l <"$TMP/spools")" 2
lt-fanout collect $(cat "$TMP/spools") >"$TMP/all.ev"
check_eq "collect exits 0" "$?" 0
check "collect has more than the coordinator got" \
    test "$(nreq "$TMP/all.ev")" -ge "$(nreq "$TMP/c.ev")"
check_eq "collect tags both workers" \
    "$(jq -r 'select(.type == "req") | .worker' "$TMP/all.ev" | sort -u | tr '\n' ' ')" "0 1 "
check_eq "collected run end events: both lt-runs stopped by signal" \
    "$(jq -r 'select(.type == "run" and .phase == "end") | .reason' "$TMP/all.ev" | sort | tr '\n' ' ')" \
    "signal signal "
total=$(cat "$TMP/k.ev" "$TMP/s.ev" "$TMP/all.ev" | grep -c '"type":"req"')
kill "$TARGET_PID"
wait "$TARGET_PID" 2>/dev/null
served=$(jq -r '.total' "$TMP/target.out" | tail -n 1)
check "target served $served, the streams and spools hold $total (the lost workers' own spools hold the rest)" \
    test "$served" -ge "$total"
# Busy workers and a busy coordinator are never declared lost: two
# workers relay 8 M lines as fast as they can (seconds of full CPU).
lt-fanout -w 2 --exec 'yes "{\"type\":\"x\",\"ts\":1.000000}" | head -n 4000000' \
    2>"$TMP/b.err" | grep -c '"type":"x"' >"$TMP/b.n"
check_eq "busy: every line relayed, nobody lost" \
    "$(cat "$TMP/b.n") $(grep -c 'lost: silent' "$TMP/b.err")" "8000000 0"
# SIGTERM to a worker: it stops its load and still relays what it wrote.
lt-fanout -q -w 2 -f "$TMP/s.lt" -H "$TARGET_URL" -u 2 -t 30s \
    --on-worker-loss continue >"$TMP/t.ev" 2>"$TMP/t.err" &
co=$!
track_pid "$co"
wait_for "$TMP/t.ev" 'select(.type == "req" and .worker == 0) | .worker'
w0=$(jq -r 'select(.type == "worker" and .state == "joined" and .worker == 0) | .pid' "$TMP/t.ev")
kill -TERM "$w0"
check "SIGTERM: the worker exits within 5 s" gone_within 5 "$w0"
check_eq "and its lt-run ended by signal, its end event relayed" \
    "$(jq -r 'select(.type == "run" and .phase == "end" and .worker == 0) | .reason' "$TMP/t.ev")" signal
check_eq "the worker finished, not lost" \
    "$(jq -r 'select(.type == "worker" and .worker == 0) | .state' "$TMP/t.ev" | tail -n 1)" finished
kill -TERM "$co"
wait "$co"
check_eq "SIGTERM to the coordinator: the run stops, exit 0" "$?" 0
check_eq "worker 1's lt-run ended by signal too" \
    "$(jq -r 'select(.type == "run" and .phase == "end" and .worker == 1) | .reason' "$TMP/t.ev")" signal
lt-fanout collect "$TMP/nope.spool" 2>/dev/null
check_eq "collect of a missing file: exit 2" "$?" 2
done_testing
