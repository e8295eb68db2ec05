#!/usr/bin/env bash
# tests/run.sh - runs the whole test suite and prints one summary line.
#
# Usage: tests/run.sh [PATTERN]
# Runs, in order: the C unit tests ($LT_UNITDIR/*_test), the golden cases
# (tests/golden/<case>/), and the pipeline scripts (tests/pipe/*.sh), each
# under a hard timeout.  PATTERN limits the run to tests whose name
# contains it.  Every TAP "ok"/"not ok" line counts; a test program that
# exits non-zero, crashes or times out counts as one more failure.
# The last line is "N passed, N failed[, N skipped]"; exit status 1 when
# anything failed.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
export LT_TOP=$top
export LT_BIN=${LT_BIN:-$top/bin}
export LT_TARGET=${LT_TARGET:-$top/build/lt-target}
export LT_UNITDIR=${LT_UNITDIR:-$top/build/tests}
pattern=${1:-}
unit_timeout=${LT_UNIT_TIMEOUT:-120}
pipe_timeout=${LT_PIPE_TIMEOUT:-300}

passed=0
failed=0
skipped=0
failed_names=""
log=$(mktemp "${TMPDIR:-/tmp}/lt-run-log.XXXXXX")
trap 'rm -f "$log"' EXIT

# run_one NAME TIMEOUT COMMAND...: runs a test program, echoes its TAP
# output indented, and adds its results to the counters.
run_one() {
	local name=$1 limit=$2 rc p f s
	shift 2
	case $name in *"$pattern"*) ;; *) return 0 ;; esac
	echo "# $name"
	timeout -k 5 "$limit" "$@" >"$log" 2>&1 </dev/null
	rc=$?
	sed 's/^/    /' "$log"
	s=$(grep -c '^ok .*# SKIP' "$log")
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	p=$((p - s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			echo "    not ok - $name timed out after ${limit}s"
		else
			echo "    not ok - $name exited with status $rc"
		fi
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	[ "$f" -eq 0 ] || failed_names="$failed_names $name"
}

for t in "$LT_UNITDIR"/*_test; do
	[ -x "$t" ] || continue
	run_one "unit/${t##*/}" "$unit_timeout" "$t"
done

if [ -d "$top/tests/golden" ]; then
	for d in "$top"/tests/golden/*/; do
		[ -f "$d/args" ] || continue
		run_one "golden/$(basename "$d")" "$unit_timeout" \
		    "$top/tests/golden.sh" "$d"
	done
fi

for t in "$top"/tests/pipe/*.sh; do
	[ -f "$t" ] || continue
	run_one "pipe/${t##*/}" "$pipe_timeout" bash "$t"
done

[ -z "$failed_names" ] || echo "# failed:$failed_names"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
