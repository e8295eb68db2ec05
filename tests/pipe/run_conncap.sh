#!/usr/bin/env bash
# run_conncap.sh - more users than one loop's 1,024 connections: the
# transfers over the cap wait in lt-run's queue (first in, first out),
# every one is still sent and reported, the wait is in latency_ms and
# counts toward the timeout, and queued transfers are reported as
# interrupted when the run stops.
. "$(dirname "$0")/../lib.sh"

# 1,100 users, one 300 ms request each: 1,024 go at once, 76 wait for a
# connection and take at least two delays.
start_target || exit 1
lt-run -q -f - -H "$TARGET_URL" -u 1100 -r 100000 -i 1100 \
    >"$TMP/q.ev" 2>"$TMP/q.err" <<'LT'
user A
  task GET /delay?ms=300
LT
check_eq "1100 users over the cap: exit 0" "$?" 0
check_eq "1100 events, all ok" \
    "$(jq -r 'select(.type == "req") | .ok' "$TMP/q.ev" | sort | uniq -c | awk '{ print $1, $2 }')" \
    "1100 true"
n=$(jq -r 'select(.type == "req" and .latency_ms >= 590) | .user' "$TMP/q.ev" | wc -l)
check "queued requests waited a whole delay ($n >= 76)" test "$n" -ge 76 -a "$n" -le 200
check_eq "the target saw 1100 requests" "$(target_count /delay)" 1100

# The time queued counts toward --timeout: no request takes longer.
start_target || exit 1
lt-run -q -f - -H "$TARGET_URL" -u 1100 -r 100000 -i 1100 --timeout 0.3 \
    >"$TMP/t.ev" 2>"$TMP/t.err" <<'LT'
user A
  task GET /stall
LT
check_eq "stalled over the cap: 1100 timeouts" \
    "$(grep -c '"error":"timeout: no response within 300 ms"' "$TMP/t.ev")" 1100
max=$(jq -s 'map(select(.type == "req") | .latency_ms) | max' "$TMP/t.ev")
check "stalled over the cap: none beyond the timeout (max $max ms)" \
    awk -v m="$max" 'BEGIN { exit !(m >= 300 && m < 450) }'
target_count /stall >/dev/null

# Stopped while transfers are queued: one interrupted event each, sent or not.
start_target || exit 1
lt-run -q -f - -H "$TARGET_URL" -u 1100 -r 100000 --stop-timeout 0.2 \
    >"$TMP/s.ev" 2>"$TMP/s.err" <<'LT' &
user A
  task GET /stall
LT
pid=$!
track_pid "$pid"
sleep 2
kill -INT "$pid"
wait "$pid"
check_eq "stall + SIGINT over the cap: exit 0" "$?" 0
check_eq "stall + SIGINT over the cap: 1100 interrupted events" \
    "$(grep -c '"error":"interrupted: run stopped by signal"' "$TMP/s.ev")" 1100
check_eq "stall + SIGINT over the cap: the end event counts them" \
    "$(tail -n 1 "$TMP/s.ev" | jq .requests)" "$(nreq "$TMP/s.ev")"
check_eq "stall + SIGINT over the cap: the target saw 1024" \
    "$(target_count /stall)" 1024

done_testing
