#!/usr/bin/env bash
# run_open.sh - the open model: iterations on a schedule (--rate), its
# accuracy (event count within 2% of rate x time), ts = the schedule and
# wait_ms = lateness, Poisson arrivals, and iterations dropped (counted,
# reported) when every user of the pool is busy.
. "$(dirname "$0")/../lib.sh"

start_target || exit 1
printf 'user A\n  task GET /ok\n' >"$TMP/s.lt"

lt-run -q -f "$TMP/s.lt" -H "$TARGET_URL" --rate 200 -u 20 -t 3s >"$TMP/c.ev"
n=$(grep -c '"type":"req"' "$TMP/c.ev")
d=$(jq -s '[.[] | select(.type == "drop") | .count] | add // 0' "$TMP/c.ev")
check "constant 200/s for 3 s: $n events + $d dropped, within 2% of 600" \
    awk -v n="$((n + d))" 'BEGIN { exit !(n >= 588 && n <= 612) }'
check_eq "every event has wait_ms" \
    "$(grep '"type":"req"' "$TMP/c.ev" | grep -c '"wait_ms":')" "$n"
# ts is the schedule: iterations on a 5 ms grid (a dropped one leaves a
# hole of 5 ms more, never an offset).
check_eq "ts on a 5 ms grid" "$(jq -r 'select(.type == "req") | .ts' "$TMP/c.ev" \
    | sort -n | awk 'NR > 1 { d = ($1 - p) * 1000 / 5; k = int(d + 0.5)
	if (k < 1 || d - k > 0.002 || k - d > 0.002) bad++ }
	{ p = $1 } END { print bad + 0 }')" 0
check_eq "the run event says rate 200" \
    "$(head -n 1 "$TMP/c.ev" | jq .options.rate)" 200

lt-run -q -f "$TMP/s.lt" -H "$TARGET_URL" --rate 500 --arrival poisson \
    --seed 42 -u 20 -t 2s >"$TMP/p.ev"
n=$(grep -c '"type":"req"' "$TMP/p.ev")
check "poisson 500/s for 2 s: $n events, within 8% of 1000" \
    awk -v n="$n" 'BEGIN { exit !(n >= 920 && n <= 1080) }'
cv=$(jq -r 'select(.type == "req") | .ts' "$TMP/p.ev" | sort -n | awk '
    NR > 1 { d = $1 - p; s += d; q += d * d; k++ } { p = $1 }
    END { m = s / k; printf "%.2f", sqrt(q / k - m * m) / m }')
check "poisson gaps vary like an exponential (cv $cv near 1)" \
    awk -v c="$cv" 'BEGIN { exit !(c > 0.8 && c < 1.2) }'

# 2 users, 300 ms requests, 20 arrivals/s: most arrivals find no user.
lt-run -q -f - -H "$TARGET_URL" --rate 20 -u 2 -t 1s >"$TMP/d.ev" <<'LT'
user A
  task GET /delay?ms=300
LT
reqs=$(grep -c '"type":"req"' "$TMP/d.ev")
drops=$(jq -s '[.[] | select(.type == "drop") | .count] | add // 0' "$TMP/d.ev")
check "drops are reported ($reqs sent + $drops dropped = 20 scheduled)" \
    awk -v r="$reqs" -v d="$drops" 'BEGIN { exit !(r + d >= 20 && r + d <= 21 && d >= 10) }'
check_eq "drop events carry a count" \
    "$(jq -r 'select(.type == "drop") | .count | type' "$TMP/d.ev" | sort -u)" number

# -i in the open model: exactly N iterations, then the run ends.
lt-run -q -f "$TMP/s.lt" -H "$TARGET_URL" --rate 200 -u 10 -i 50 >"$TMP/i.ev"
check_eq "--rate with -i 50: 50 events" "$(grep -c '"type":"req"' "$TMP/i.ev")" 50
check_eq "--rate with -i 50: ended by iterations" \
    "$(tail -n 1 "$TMP/i.ev" | jq -r .reason)" iterations

done_testing
