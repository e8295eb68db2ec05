#!/usr/bin/env bash
# bench/scenario.sh - per-request cost of the scenario layer (templates,
# checks, captures): compiled-once templates against parsing them at
# every request, and heap allocations per request (0 on the hot path,
# except JSON checks, which parse the body with jansson).
#
# Usage: bench/scenario.sh [N]   (default 1000000; needs build/liblt.a)
set -eu
. "$(dirname "$0")/lib.sh"
bench_init scenario
cd "$top"
n=${1:-1000000}
bench_cc scenario -lm

# best of three runs per mode, to dampen the noise of a shared machine
best() {
	local mode=$1 i out best="" allocs=0
	for i in 1 2 3; do
		out=$("$tmp/scenario_bench" "$mode" "$n")
		best=$(echo "$out" | awk -v b="$best" \
		    '{ print (b == "" || $3 + 0 < b + 0) ? $3 : b }')
		allocs=$(echo "$out" | awk '{ print $4 }')
	done
	echo "$best $allocs"
}

declare -A T A
for m in literal templated reparse checks json; do
	read -r T[$m] A[$m] <<<"$(best $m)"
done
printf '%-44s %10s %12s %8s\n' "per request ($n runs)" "ns" "allocs/req" \
    "vs tmpl"
for m in literal templated reparse checks json; do
	case $m in
	literal) what="request, literal URL and 2 headers" ;;
	templated) what="request, 6 templates (URL, headers, json)" ;;
	reparse) what="same, parsing templates every time" ;;
	checks) what="status, body, header checks + capture" ;;
	json) what="json path check + capture (jansson)" ;;
	esac
	awk -v w="$what" -v t="${T[$m]}" -v n="$n" -v a="${A[$m]}" \
	    -v base="${T[templated]}" \
	    'BEGIN { printf "%-44s %10.0f %12.2f %7.2fx\n", w, t / n * 1e9,
	        a / n, t / base }'
done
