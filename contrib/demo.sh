#!/bin/sh
# contrib/demo.sh - `make demo`: a whole load test on this machine.
#
# Starts the bundled target server (build/lt-target) on a free port of
# 127.0.0.1, runs scenarios/demo.lt with the ramping shape
# scenarios/shapes/demo-ramp.shape (about 20 seconds), pipes the events
# through lt-agg into lt-report, stops the target, and prints where the
# report is and a short summary.  `make demo` builds everything first.
#
# Leaves no process behind: the target is stopped by its PID on every
# exit path (trap), and lt-run stops by itself at the end of the shape
# (or after DEMO_MAX_TIME as a backstop).
#
# Environment: DEMO_DIR (default demo; relative paths are relative to the
# top directory), DEMO_SHAPE (default the demo ramp), DEMO_MAX_TIME
# (default 60s), LT_BIN (default bin), LT_TARGET (default
# build/lt-target).
set -u

# Paths relative to the top directory, so that the report shows
# "scenarios/demo.lt" rather than where the clone happens to live.
cd "$(dirname "$0")/.." || exit 3
top=$(pwd)
bin=${LT_BIN:-$top/bin}
target=${LT_TARGET:-$top/build/lt-target}
out=${DEMO_DIR:-demo}
shape=${DEMO_SHAPE:-scenarios/shapes/demo-ramp.shape}
scenario=scenarios/demo.lt
max_time=${DEMO_MAX_TIME:-60s}

die() {
	echo "demo: $*" >&2
	exit 3
}

for p in lt-run lt-agg lt-report; do
	[ -x "$bin/$p" ] || die "$bin/$p is missing: run 'make' first" \
	    "(lt-run, lt-agg and lt-report are all needed)"
done
[ -x "$target" ] || die "$target is missing: run 'make' first"

mkdir -p "$out" || die "cannot create $out"
portfile=$out/.target.port
rm -f "$portfile"
"$target" -q -p 0 --port-file "$portfile" >/dev/null 2>"$out/target.log" &
target_pid=$!
stop_target() {
	if [ -n "${target_pid:-}" ]; then
		kill "$target_pid" 2>/dev/null
		wait "$target_pid" 2>/dev/null
		target_pid=
	fi
	rm -f "$portfile"
	[ -s "$out/target.log" ] || rm -f "$out/target.log"
}
trap stop_target EXIT
trap 'exit 130' INT TERM
echo "demo: target server pid $target_pid"

i=0
while [ ! -s "$portfile" ]; do
	i=$((i + 1))
	[ "$i" -le 100 ] || die "the target server did not start: $(cat "$out/target.log")"
	kill -0 "$target_pid" 2>/dev/null ||
	    die "the target server exited: $(cat "$out/target.log")"
	sleep 0.05
done
url=http://127.0.0.1:$(cat "$portfile")
echo "demo: target at $url; running $scenario with the shape $shape"

# The pipeline; each stage's status is checked through a status file,
# since sh has no pipefail.
rm -f "$out/.status"
{ "$bin/lt-run" -q -f "$scenario" --shape "$shape" -H "$url" \
    -t "$max_time" || echo "lt-run $?" >>"$out/.status"; } |
    tee "$out/events.ndjson" |
    { "$bin/lt-agg" --timeline-endpoints ||
      echo "lt-agg $?" >>"$out/.status"; } |
    tee "$out/aggregate.json" |
    { "$bin/lt-report" -o "$out" --title "lt demo report" ||
      echo "lt-report $?" >>"$out/.status"; }
stop_target
if [ -s "$out/.status" ]; then
	bad=$(cat "$out/.status")
	rm -f "$out/.status"
	die "failed: $bad"
fi

echo
"$bin/lt-agg" --merge --format text "$out/aggregate.json"
echo
echo "demo: report in $out/index.html (also $out/report.md and $out/lt_*.csv);"
echo "demo: events in $out/events.ndjson, aggregate in $out/aggregate.json"
