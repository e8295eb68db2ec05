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
d=$(jq -s '[.[] | select(.type == "drop") | .count] | add // 0' "$TMP/p.ev")
check "poisson 500/s for 2 s: $n events + $d dropped, within 8% of 1000" \
    awk -v n="$((n + d))" 'BEGIN { exit !(n >= 920 && n <= 1080) }'
# Exponential gaps: P(gap < mean / 2) = 1 - e^-0.5 = 0.393, where mean is
# the configured 2 ms (not measured, so holes do not move it).  With ~1000
# gaps its standard error is 0.015; the band [0.25, 0.55] is > 9 of them
# wide on each side and still holds when a third of the iterations are
# dropped (1 - e^(-0.5 x 2/3) = 0.28: drops while a loaded machine stalls
# the loop made a cv test flake).  A constant schedule has no gap below
# the mean: 0.
short=$(jq -r 'select(.type == "req") | .ts' "$TMP/p.ev" | sort -n | awk '
    NR > 1 { k++; if ($1 - p < 0.001) s++ } { p = $1 }
    END { printf "%.3f", s / k }')
check "poisson gaps are exponential ($short of them < mean/2, near 0.393)" \
    awk -v f="$short" 'BEGIN { exit !(f >= 0.25 && f <= 0.55) }'

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
