#!/usr/bin/env bash
# run_stop.sh - ending a run: SIGINT and SIGTERM mid-run (exactly one
# event per request, compared with the target's own counts), in-flight
# requests interrupted after --stop-timeout, `| head`, a dead target, a
# stalled target with timeouts, -j 2 (one merged stream).
. "$(dirname "$0")/../lib.sh"

# stop_by SIG: 20 users on 50 ms requests, signalled mid-run; in-flight
# requests finish within the grace period.
stop_by() {
	start_target || exit 1
	lt-run -q -f - -H "$TARGET_URL" -u 20 -r 1000 >"$TMP/$1.ev" <<-'LT' &
	user A
	  task GET /delay?ms=50
	LT
	local pid=$!
	track_pid "$pid"
	sleep 1
	kill -"$1" "$pid"
	wait "$pid"
	check_eq "$1: exit status 0" "$?" 0
	check_eq "$1: run ended by signal" \
	    "$(tail -n 1 "$TMP/$1.ev" | jq -r .reason)" signal
	check_eq "$1: one event per request the target saw" \
	    "$(nreq "$TMP/$1.ev")" "$(target_count /delay)"
	check_eq "$1: end event counts them" \
	    "$(tail -n 1 "$TMP/$1.ev" | jq .requests)" "$(nreq "$TMP/$1.ev")"
}
stop_by INT
stop_by TERM

# Stalled requests: interrupted after --stop-timeout, still one event each.
start_target || exit 1
lt-run -q -f - -H "$TARGET_URL" -u 5 -r 1000 --stop-timeout 0.3 \
    >"$TMP/st.ev" <<'LT' &
user A
  task GET /stall
LT
pid=$!
track_pid "$pid"
sleep 0.7
kill -INT "$pid"
wait "$pid"
check_eq "stall + SIGINT: 5 interrupted events" \
    "$(grep -c '"error":"interrupted: run stopped by signal"' "$TMP/st.ev")" 5
check_eq "stall + SIGINT: the target saw 5 requests" "$(target_count /stall)" 5

# A stalled target with a timeout: timeout failures, quickly, no spinning.
start_target || exit 1
/usr/bin/time -f '%U %S' -o "$TMP/time" lt-run -q -f - -H "$TARGET_URL" \
    -u 4 -r 1000 --timeout 0.2 -t 1s >"$TMP/to.ev" <<'LT'
user A
  task GET /stall
LT
n=$(grep -c '"error":"timeout: ' "$TMP/to.ev")
check "timeouts: 4 users x ~5 in 1 s ($n)" test "$n" -ge 8 -a "$n" -le 24
check "timeouts: little CPU ($(cat "$TMP/time"))" \
    awk '{ exit !($1 + $2 < 0.5) }' "$TMP/time"
target_count / >/dev/null

# A dead target: connect failures, no spinning.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
/usr/bin/time -f '%U %S' -o "$TMP/time" lt-run -q -f - \
    -H "http://127.0.0.1:$port" -u 4 -r 1000 -t 1s >"$TMP/dead.ev" <<'LT'
user A
  task GET /
LT
check_eq "dead target: exit status 0" "$?" 0
n=$(grep -c '"error":"connect: ' "$TMP/dead.ev")
check "dead target: connect failures ($n)" test "$n" -ge 4
check_eq "dead target: every request failed" "$(grep -c '"ok":true' "$TMP/dead.ev")" 0
check "dead target: little CPU ($(cat "$TMP/time"))" \
    awk '{ exit !($1 + $2 < 0.5) }' "$TMP/time"

# | head: the run stops when the reader goes away, status 0, no crash.
start_target || exit 1
printf 'user A\n  task GET /ok\n' >"$TMP/s.lt"
timeout 20 bash -c "lt-run -f '$TMP/s.lt' -H '$TARGET_URL' -u 5 -r 1000 2>'$TMP/head.err' \
    | head -n 3 >'$TMP/head.out'; echo \${PIPESTATUS[0]} >'$TMP/head.rc'"
check_eq "| head: lt-run exits 0" "$(cat "$TMP/head.rc")" 0
check_eq "| head: three lines" "$(wc -l <"$TMP/head.out")" 3
check "| head: the summary says stdout" grep -q "ended by stdout" "$TMP/head.err"

# A full disk: status 3 and the reason.
if [ -w /dev/full ]; then
	lt-run -q -f "$TMP/s.lt" -H "$TARGET_URL" -u 2 -t 2s -o /dev/full \
	    2>"$TMP/full.err"
	check_eq "output on a full disk: status 3" "$?" 3
	check "output on a full disk: message" \
	    grep -q "/dev/full: No space left on device" "$TMP/full.err"
else
	skip "full disk" "no /dev/full"
fi

# -j 2: two loops, one stream of whole lines, counts match the target.
target_count / >/dev/null
start_target || exit 1
lt-run -q -f "$TMP/s.lt" -H "$TARGET_URL" -u 8 -r 1000 -j 2 -t 1s >"$TMP/j.ev"
check "-j 2: every line is JSON" sh -c "jq -e . '$TMP/j.ev' >/dev/null"
check_eq "-j 2: users from both loops" \
    "$(jq -r 'select(.type == "req") | .user % 2' "$TMP/j.ev" | sort -u | tr -d '\n')" 01
check_eq "-j 2: one event per request the target saw" \
    "$(nreq "$TMP/j.ev")" "$(target_count /ok)"
check_eq "-j 2: one run start, one run end" \
    "$(jq -r 'select(.type == "run") | .phase' "$TMP/j.ev" | tr '\n' ' ')" "start end "

done_testing
