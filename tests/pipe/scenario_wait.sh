#!/usr/bin/env bash
# scenario_wait.sh - "wait ... each" through lt-run: the think time comes
# before every request of a sequence but the first (Locust's
# SequentialTaskSet), and only between iterations without "each".
# Gaps are checked from below only (a loaded machine makes them longer).
. "$(dirname "$0")/../lib.sh"

start_target || exit 1
gaps() { # the gaps between consecutive requests, in ms, one per line
	jq -r 'select(.type == "req") | .ts' "$1" |
	    awk 'NR > 1 { printf "%d\n", ($1 - p) * 1000 } { p = $1 }'
}

printf 'user A\n  wait constant 0.3 each\n  sequence\n    GET /ok\n    GET /ok\n    GET /ok\n' >"$TMP/each.lt"
lt-run -q -f "$TMP/each.lt" -H "$TARGET_URL" -u 1 -i 2 >"$TMP/each.ev"
check_eq "each: exit 0" "$?" 0
check_eq "each: 6 requests" \
    "$(jq -r 'select(.type == "req") | .status' "$TMP/each.ev" | grep -c 200)" 6
check_eq "each: every gap is >= 290 ms" \
    "$(gaps "$TMP/each.ev" | awk '$1 < 290' | wc -l)" 0

printf 'user A\n  wait constant 0.3\n  sequence\n    GET /ok\n    GET /ok\n    GET /ok\n' >"$TMP/iter.lt"
lt-run -q -f "$TMP/iter.lt" -H "$TARGET_URL" -u 1 -i 2 >"$TMP/iter.ev"
check_eq "per iteration: 6 requests" \
    "$(jq -r 'select(.type == "req") | .status' "$TMP/iter.ev" | grep -c 200)" 6
# one long gap (between the iterations), four short ones: at least one
# short gap must show (no upper bound on any single gap)
n=$(gaps "$TMP/iter.ev" | awk '$1 >= 290' | wc -l)
check "per iteration: the steps of a sequence do not wait (long gaps: $n)" \
    test "$n" -ge 1 -a "$n" -lt 5
done_testing
