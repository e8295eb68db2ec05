#!/usr/bin/env bash
# bench/agg.sh - lt-agg throughput and memory against `cat > /dev/null` and
# jq computing the same per-endpoint counts and percentiles.
#
# Usage: bench/agg.sh [N]   (default 1000000 lines, 20 endpoints)
# Generates N req events with tests/pipe/agg_gen.awk, then times (best of
# three, CPU seconds) cat, lt-agg and jq.  jq slurps and sorts, so it runs on an N/10
# subset and its rate is scaled; the table says so.  RSS of lt-agg (GNU
# time %M) at N lines and at 10 N lines (the file piped ten times, never
# stored) shows that memory stays flat as the input grows.
set -eu
cd "$(dirname "$0")/.."
n=${1:-1000000}
agg=${LT_BIN:-$PWD/bin}/lt-agg
[ -x "$agg" ] || make -s bin/lt-agg
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lt-bench-agg.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
ev=$tmp/events.ndjson

awk -v n="$n" -v seed=1 -v eps=20 -v rate=5000 -v users=1 \
    -f tests/pipe/agg_gen.awk >"$ev"
lines=$(wc -l <"$ev")
bytes=$(wc -c <"$ev")
echo "$lines lines, $((bytes / 1000000)) MB, $((bytes / lines)) bytes/line, 20 endpoints; best of 3"

now() { date +%s.%N; }
# best of three runs of a command (stdout discarded): CPU seconds
# (user + system; the programs are single-threaded, and CPU time is far
# less disturbed than wall time by other work on a shared machine), or wall
# seconds without GNU time
best_of() {
	local i s b=""
	for i in 1 2 3; do
		if [ -x /usr/bin/time ]; then
			s=$( { /usr/bin/time -f "%U %S" "$@" >/dev/null; } 2>&1 |
			    tail -1 | awk '{ printf "%.3f", $1 + $2 }')
		else
			local t0 t1
			t0=$(now)
			"$@" >/dev/null
			t1=$(now)
			s=$(awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.6f", a - b }')
		fi
		if [ -z "$b" ] || awk -v s="$s" -v b="$b" 'BEGIN { exit !(s < b) }'; then
			b=$s
		fi
	done
	echo "$b"
}

t_cat=$(best_of cat "$ev")
t_agg=$(best_of "$agg" "$ev")

sub=$((n / 10))
head -n "$sub" "$ev" >"$tmp/sub.ndjson"
jqprog='[.[] | select(.type == "req")] | group_by([.method, .name])
  | map((map(.latency_ms) | sort) as $l | ($l | length) as $n
    | {method: .[0].method, name: .[0].name, requests: $n,
       p50: $l[($n * 0.5 | floor)], p95: $l[($n * 0.95 | floor)],
       p99: $l[($n * 0.99 | floor)]})'
t_jq=""
if command -v jq >/dev/null; then
	t_jq=$(best_of jq -s "$jqprog" "$tmp/sub.ndjson")
fi

rss1=0 rss10=0
if [ -x /usr/bin/time ]; then
	rss1=$(/usr/bin/time -f %M "$agg" "$ev" 2>&1 >/dev/null | tail -1)
	rss10=$( (for _ in 1 2 3 4 5 6 7 8 9 10; do cat "$ev"; done) |
	    /usr/bin/time -f %M "$agg" 2>&1 >/dev/null | tail -1)
else
	echo "(RSS not measured: /usr/bin/time missing; apt-get install time)"
fi

awk -v n="$lines" -v m="$sub" -v c="$t_cat" -v a="$t_agg" -v j="$t_jq" \
    -v r1="$rss1" -v r10="$rss10" 'BEGIN {
	printf "%-34s %10s %14s %10s\n", "reader", "cpu s", "lines/s", "vs lt-agg"
	if (c > 0)
		printf "%-34s %10.3f %14.0f %9.2fx\n", "cat > /dev/null", c, n / c, a / c
	else
		printf "%-34s %10s %14s %10s\n", "cat > /dev/null", "<0.01", "-", "-"
	printf "%-34s %10.3f %14.0f %9.2fx\n", "lt-agg", a, n / a, 1
	if (j != "") {
		js = j * n / m
		printf "%-34s %10.3f %14.0f %9.4fx\n", \
		    "jq -s group_by (" m " lines, scaled)", js, m / j, a / js
		printf "lt-agg is %.0fx faster than jq at per-endpoint counts and percentiles\n", js / a
	}
	printf "lt-agg max RSS: %d KB at %d lines, %d KB at %d lines (piped)\n", \
	    r1, n, r10, n * 10
}'

# reading aggregates: --merge of two copies of a one-hour aggregate
# (20 endpoints, 200 requests/s); N/1000000 of an hour, at least 6 minutes
secs=$((n * 3600 / 1000000))
[ "$secs" -ge 360 ] || secs=360
awk -v n=$((secs * 200)) -v seed=2 -v eps=20 -v rate=200 \
    -f tests/pipe/agg_gen.awk | "$agg" >"$tmp/hour.json"
t_merge=$(best_of "$agg" --merge "$tmp/hour.json" "$tmp/hour.json")
rssm=0
if [ -x /usr/bin/time ]; then
	rssm=$(/usr/bin/time -f %M "$agg" --merge "$tmp/hour.json" \
	    "$tmp/hour.json" 2>&1 >/dev/null | tail -1)
fi
awk -v s="$secs" -v b="$(wc -c <"$tmp/hour.json")" -v t="$t_merge" \
    -v r="$rssm" 'BEGIN {
	printf "--merge of two %d-second aggregates (%.1f MB each): %.3f cpu s, %.1f MB/s, max RSS %d KB (%.1fx one file)\n", \
	    s, b / 1e6, t, 2 * b / 1e6 / t, r, r * 1024 / b
}'
