#!/usr/bin/env bash
# tests/golden.sh - runs one golden case folder and prints TAP.
#
# A case is a folder tests/golden/<case>/ holding:
#   args      the command line: a program name from $LT_BIN and its
#             arguments, one shell word list (may use $CASE for the folder)
#   in        standard input (optional; empty when absent)
#   expected  the exact standard output wanted
#   status    the exit status wanted (optional; default 0)
#   stderr    a string that standard error must contain (optional)
# Adding a regression test is adding a folder.
set -u
case_dir=${1%/}
name=$(basename "$case_dir")
export CASE=$case_dir
PATH=$LT_BIN:$PATH
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

in=/dev/null
[ -f "$case_dir/in" ] && in=$case_dir/in
want_status=0
[ -f "$case_dir/status" ] && want_status=$(cat "$case_dir/status")
eval "set -- $(cat "$case_dir/args")"
"$@" <"$in" >"$out" 2>"$err"
rc=$?

n=0 bad=0
n=$((n + 1))
if [ "$rc" -eq "$want_status" ]; then
	echo "ok $n - $name: exit status $rc"
else
	echo "not ok $n - $name: exit status $rc, want $want_status"
	sed 's/^/#   stderr: /' "$err" | head -5
	bad=1
fi
n=$((n + 1))
if cmp -s "$out" "$case_dir/expected"; then
	echo "ok $n - $name: output matches expected"
else
	echo "not ok $n - $name: output differs from expected"
	diff "$case_dir/expected" "$out" | head -20 | sed 's/^/#   /'
	bad=1
fi
if [ -f "$case_dir/stderr" ]; then
	n=$((n + 1))
	if grep -qF -- "$(cat "$case_dir/stderr")" "$err"; then
		echo "ok $n - $name: stderr names the cause"
	else
		echo "not ok $n - $name: stderr lacks \"$(cat "$case_dir/stderr")\""
		sed 's/^/#   stderr: /' "$err" | head -5
		bad=1
	fi
fi
echo "1..$n"
exit $bad
