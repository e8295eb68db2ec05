#!/usr/bin/env bash
# bench/evscan.sh - throughput of the event reading path: the line reader
# alone, line reader + event scanner, and (for scale) line reader +
# jansson, jq, on a generated file of N req events over 20 endpoints.
#
# Usage: bench/evscan.sh [N]   (default 1000000; needs build/liblt.a)
# Prints a table of lines/s and MB/s with ratios to the scanner; the
# numbers depend on the machine, the ratios are the result.
set -eu
. "$(dirname "$0")/lib.sh"
bench_init evscan
cd "$top"
n=${1:-1000000}
bench_cc evscan
"$tmp/evscan_bench" gen "$n" "$tmp/events.ndjson"
bytes=$(wc -c <"$tmp/events.ndjson")
awk -v n="$n" -v b="$bytes" \
    'BEGIN { printf "%d lines, %.1f MB, %d bytes/line\n", n, b / 1e6, b / n }'

# best of three runs per mode, to dampen the noise of a shared machine
best() {
	local mode=$1 i out s best=""
	for i in 1 2 3; do
		out=$("$tmp/evscan_bench" "$mode" "$tmp/events.ndjson")
		s=$(echo "$out" | awk '{print $3}')
		best=$(awk -v s="$s" -v b="$best" \
		    'BEGIN { print (b == "" || s + 0 < b + 0) ? s : b }')
	done
	echo "$best"
}

t_lines=$(best lines)
t_scan=$(best scan)
t_jansson=$("$tmp/evscan_bench" jansson "$tmp/events.ndjson" | awk '{print $3}')
t_jq=""
if command -v jq >/dev/null; then
	head -n $((n / 10)) "$tmp/events.ndjson" >"$tmp/tenth.ndjson"
	s0=$(date +%s.%N)
	jq -c '.latency_ms' "$tmp/tenth.ndjson" >/dev/null
	s1=$(date +%s.%N)
	# jq ran on a tenth of the lines: scale to the whole file
	t_jq=$(awk -v a="$s0" -v b="$s1" 'BEGIN { print (b - a) * 10 }')
fi

row() {
	awk -v name="$1" -v t="$2" -v n="$n" -v b="$bytes" -v ts="$t_scan" \
	    'BEGIN { printf "%-28s %12.0f %10.0f %10.2fx\n", name, n / t,
	        b / t / 1e6, ts / t }'
}
printf '%-28s %12s %10s %11s\n' mode lines/s MB/s "vs scan"
row "lt_lines (split only)" "$t_lines"
row "lt_lines + lt_evscan" "$t_scan"
row "lt_lines + jansson" "$t_jansson"
[ -z "$t_jq" ] || row "jq -c .latency_ms (x10)" "$t_jq"
