#!/usr/bin/env bash
# fanout_live.sh - lt-fanout's live line on a terminal (script(1) gives it
# one): with --ship agg, as with --ship events, its p50 and p95 are those
# of the real latencies.  Two workers, one user each: worker 0's user
# asks /delay?ms=20, worker 1's /delay?ms=80, so about one request in
# five takes 80 ms: p50 near 20 ms and p95 near 80 ms only when the
# coordinator counts both workers' latencies.  The truth is lt-agg over
# the events the workers kept in their spools.
. "$(dirname "$0")/../lib.sh"

if ! command -v script >/dev/null 2>&1; then
	skip "live line on a terminal" "script(1) not installed"
	done_testing
	exit
fi
start_target || exit 1
cat >"$TMP/s.lt" <<'LT'
user A weight 1
  task GET /delay?ms=20
user B weight 1
  task GET /delay?ms=80
LT

# live FILE: "p50 p95" of each live line in the terminal output FILE
live() {
	tr '\r' '\n' <"$1" | grep 'workers healthy' |
	    sed -n 's/.*p50 \([0-9.]*\) ms, p95 \([0-9.]*\) ms.*/\1 \2/p'
}
# within GOT WANT: GOT within 10% (and 1 ms) of WANT
within() {
	awk -v g="$1" -v w="$2" 'BEGIN { d = g - w; if (d < 0) d = -d;
	    exit !(d <= w * 0.1 + 1) }'
}
# matches FILE: some live line has both p50 and p95 of the truth
matches() {
	local p50 p95
	while read -r p50 p95; do
		within "$p50" "$T50" && within "$p95" "$T95" && return 0
	done < <(live "$1")
	return 1
}
# sane FILE: no live line outside the latencies there were
sane() {
	live "$1" | awk -v lo="$TMIN" -v hi="$TMAX" '
	    $1 != 0 && ($1 < lo * 0.9 || $2 > hi * 1.1) { bad = 1 }
	    END { exit bad }'
}

for ship in agg events; do
	rm -rf "$TMP/sp"
	mkdir "$TMP/sp"
	script -qec "lt-fanout -w 2 --ship $ship --spool-dir '$TMP/sp' \
	    --keep-spool -f '$TMP/s.lt' -H '$TARGET_URL' -u 2 -t 7s \
	    >'$TMP/$ship.out'" /dev/null >"$TMP/$ship.tty" 2>&1
	check "--ship $ship: the run is over" \
	    grep -q "run over; 2 of 2 workers finished.*exit 0" "$TMP/$ship.tty"
	# the setup: one worker saw only 20 ms, the other only 80 ms
	check_eq "--ship $ship: each worker asks one delay" \
	    "$(for f in "$TMP"/sp/*.spool; do
		jq -r 'select(.type == "req") | .name' "$f" | sort -u | tr '\n' ' '
	    done)" "/delay?ms=20 /delay?ms=80 "
	cat "$TMP"/sp/*.spool | lt-agg >"$TMP/$ship.truth"
	read -r T50 T95 TMIN TMAX < <(jq -r '.total |
	    "\(.percentiles_ms["50"]) \(.percentiles_ms["95"]) \(.min_ms) \(.max_ms)"' \
	    "$TMP/$ship.truth")
	echo "# --ship $ship: truth p50 $T50 p95 $T95 ms; live lines (p50 p95):" \
	    $(live "$TMP/$ship.tty" | tr '\n' ';')
	# the premise, not a timing test: a loaded machine adds to both delays
	check "--ship $ship: the truth tells the workers apart (p50 20-35 ms, p95 80-110 ms)" \
	    awk -v a="$T50" -v b="$T95" 'BEGIN { exit !(a >= 20 && a <= 35 && b >= 80 && b <= 110) }'
	check "--ship $ship: live lines" test "$(live "$TMP/$ship.tty" | wc -l)" -ge 2
	check "--ship $ship: a live line has the true p50 and p95 (10%)" \
	    matches "$TMP/$ship.tty"
	check "--ship $ship: no live line outside the true min..max" \
	    sane "$TMP/$ship.tty"
	# one user per worker: a live line counts both
	check "--ship $ship: a live line has the run's 2 users" \
	    bash -c "tr '\r' '\n' <'$TMP/$ship.tty' | grep -q 'workers healthy, 2 users'"
done

done_testing
