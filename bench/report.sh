#!/usr/bin/env bash
# bench/report.sh - lt-report's time and memory on a large aggregate:
# one hour of timeline (3600 seconds) and 200 endpoints, the size of a
# long nightly run.  Rows: reading the aggregate alone (jq, and lt-agg
# --merge which reads and rewrites it), the CSV files only, Markdown only,
# and the full directory with five gnuplot charts.  Ratios are against
# jq's plain parse of the same document.
#
# Usage: bench/report.sh [SECONDS] [ENDPOINTS]   (default 3600 200)
set -eu
cd "$(dirname "$0")/.."
secs=${1:-3600}
eps=${2:-200}
bin=${LT_BIN:-$PWD/bin}
[ -x "$bin/lt-report" ] && [ -x "$bin/lt-agg" ] || make -s all
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lt-bench-report.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

rate=100
awk -v n=$((secs * rate)) -v seed=1 -v eps="$eps" -v rate=$rate -v users=1 \
    -f tests/pipe/agg_gen.awk | "$bin/lt-agg" >"$tmp/agg.json"
echo "aggregate: $secs s of timeline, $eps endpoints," \
    "$(($(wc -c <"$tmp/agg.json") / 1000)) kB; best of 3"

# run NAME CMD...: best wall time and max RSS of three runs.
base=""
run() {
	local name=$1 i t best="" rss=0 r
	shift
	for i in 1 2 3; do
		/usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >/dev/null 2>&1 || true
		read -r t r <"$tmp/time"
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then
			best=$t
		fi
		[ "$r" -gt "$rss" ] && rss=$r
	done
	[ -n "$base" ] || base=$best
	printf "%-34s %8.2f s %8d kB %8.1fx\n" "$name" "$best" "$rss" \
	    "$(awk -v a="$best" -v b="$base" 'BEGIN{print (b>0)?a/b:0}')"
}
printf "%-34s %10s %11s %9s\n" "" "time" "max RSS" "vs jq"
run "jq . (parse only)" jq . "$tmp/agg.json"
run "lt-agg --merge (read + write)" "$bin/lt-agg" --merge "$tmp/agg.json"
run "lt-report --csv" "$bin/lt-report" --csv "$tmp/c" "$tmp/agg.json"
run "lt-report --format md" "$bin/lt-report" --format md "$tmp/agg.json"
run "lt-report -o (html+md+csv, charts)" "$bin/lt-report" -o "$tmp/r" "$tmp/agg.json"
echo "index.html: $(($(wc -c <"$tmp/r/index.html") / 1000)) kB"
