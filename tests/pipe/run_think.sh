#!/usr/bin/env bash
# run_think.sh - think time between iterations: constant, between,
# pacing and throughput (Locust's semantics), from the events' ts.
# Lower bounds are exact (a wait is never shorter); upper bounds are
# loose, the machine is shared.
. "$(dirname "$0")/../lib.sh"

start_target || exit 1

# gaps FILE: the seconds between consecutive request starts, per user.
gaps() {
	jq -r 'select(.type == "req") | "\(.user) \(.ts)"' "$1" | sort -k1,1n -k2,2n \
	    | awk 'NR > 1 && $1 == u { printf "%.4f\n", $2 - t } { u = $1; t = $2 }'
}
# stat FILE: "min median max" of the gaps.
stat() {
	gaps "$1" | sort -n | awk '{ v[NR] = $1 }
	    END { printf "%s %s %s", v[1], v[int((NR + 1) / 2)], v[NR] }'
}
run() {
	printf 'user A\n  wait %s\n  task GET %s\n' "$1" "$2" >"$TMP/s.lt"
	lt-run -q -f "$TMP/s.lt" -H "$TARGET_URL" -u 3 -r 1000 -i "$3" \
	    >"$TMP/e.ev"
	stat "$TMP/e.ev"
}

read -r mn md mx <<<"$(run "constant 0.2" /ok 15)"
check "constant 0.2: no gap below 0.2 s (min $mn)" \
    awk -v m="$mn" 'BEGIN { exit !(m >= 0.199) }'
check "constant 0.2: median near 0.2 s ($md)" \
    awk -v m="$md" 'BEGIN { exit !(m < 0.35) }'

read -r mn md mx <<<"$(run "between 0.1 0.3" /ok 45)"
check "between 0.1 0.3: no gap below 0.1 s (min $mn)" \
    awk -v m="$mn" 'BEGIN { exit !(m >= 0.099) }'
check "between 0.1 0.3: spread on both sides of 0.2 ($mn..$mx)" \
    awk -v a="$mn" -v b="$mx" 'BEGIN { exit !(a < 0.2 && b > 0.2) }'

# pacing: an iteration starts every 0.3 s whatever it lasts (0.1 s).
read -r mn md mx <<<"$(run "pacing 0.3" "/delay?ms=100" 15)"
check "pacing 0.3 with 0.1 s requests: gaps near 0.3 s (min $mn, med $md)" \
    awk -v a="$mn" -v m="$md" 'BEGIN { exit !(a >= 0.29 && m < 0.38) }'
read -r mn md mx <<<"$(run "constant 0.3" "/delay?ms=100" 15)"
check "constant 0.3 with 0.1 s requests: gaps >= 0.4 s (min $mn)" \
    awk -v a="$mn" 'BEGIN { exit !(a >= 0.399) }'
read -r mn md mx <<<"$(run "throughput 4" /ok 15)"
check "throughput 4: one iteration per 0.25 s (min $mn, med $md)" \
    awk -v a="$mn" -v m="$md" 'BEGIN { exit !(a >= 0.24 && m < 0.33) }'

done_testing
