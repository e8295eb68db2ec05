#!/usr/bin/env bash
# report_atomic.sh - lt-report writes each file to a temporary name in its
# directory and renames it into place (issue 11, 4): a symlink at
# DIR/index.html is replaced, not written through; on a full disk (a small
# tmpfs in a private mount namespace, SKIP when one cannot be made) the
# run fails naming the file, an older report stays whole, a new one is
# absent, and no temporary file is left.
. "$(dirname "$0")/../lib.sh"

data=$LT_TOP/tests/data/report

# A symlink at index.html and at a CSV: both replaced, the targets kept.
mkdir -p "$TMP/d"
echo precious >"$TMP/victim"
echo precious >"$TMP/victim2"
ln -s "$TMP/victim" "$TMP/d/index.html"
ln -s "$TMP/victim2" "$TMP/d/lt_stats.csv"
lt-report --no-charts -o "$TMP/d" "$data/normal.json" 2>"$TMP/err"
check_eq "symlinked names: exit 0" "$?" 0
check_eq "the symlink's target is not written" "$(cat "$TMP/victim")" precious
check_eq "nor the CSV symlink's" "$(cat "$TMP/victim2")" precious
check "index.html is now a regular file" test -f "$TMP/d/index.html" -a \
    ! -L "$TMP/d/index.html"
check "lt_stats.csv too" test -f "$TMP/d/lt_stats.csv" -a ! -L "$TMP/d/lt_stats.csv"
check "it holds the report" grep -q '</html>' "$TMP/d/index.html"
check_eq "no temporary file left" "$(ls -A "$TMP/d" | grep -c tmp)" 0

# --csv PREFIX goes through the same path.
ln -s "$TMP/victim" "$TMP/c_failures.csv"
lt-report --csv "$TMP/c" "$data/normal.json"
check_eq "--csv: exit 0, the symlink's target kept" "$?:$(cat "$TMP/victim")" \
    "0:precious"
check "--csv: a regular file in its place" test -f "$TMP/c_failures.csv" -a \
    ! -L "$TMP/c_failures.csv"

# Full disk: a 1 MB tmpfs in a private user and mount namespace.
if ! unshare -rm sh -c "mkdir -p '$TMP/probe' &&
    mount -t tmpfs -o size=64k tmpfs '$TMP/probe'" 2>/dev/null; then
	skip "full disk leaves no truncated report" \
	    "cannot mount a tmpfs in a user namespace (unshare -rm)"
	done_testing
	exit
fi
mkdir -p "$TMP/full"
# Inside the namespace: write a report, keep a copy, fill the disk, write
# again over it and into a new directory; print what is left.
unshare -rm env PATH="$PATH" T="$TMP" D="$data" bash -c '
	mount -t tmpfs -o size=1m tmpfs "$T/full" || exit 9
	lt-report -o "$T/full/r" "$D/normal.json" || exit 8
	cp "$T/full/r/index.html" "$T/saved.html"
	cp "$T/full/r/lt_stats.csv" "$T/saved.csv"
	dd if=/dev/zero of="$T/full/fill" bs=4k 2>/dev/null
	lt-report -o "$T/full/r" "$D/slower.json" 2>"$T/err1"
	echo "$?" >"$T/rc1"
	lt-report -o "$T/full/new" "$D/normal.json" 2>"$T/err2"
	echo "$?" >"$T/rc2"
	cmp -s "$T/full/r/index.html" "$T/saved.html" && echo same >"$T/same"
	cmp -s "$T/full/r/lt_stats.csv" "$T/saved.csv" && echo same >"$T/same2"
	ls -A "$T/full/r" >"$T/left_r" 2>&1
	ls -A "$T/full/new" >"$T/left_new" 2>&1
'
check_eq "namespace ran" "$?" 0
check_eq "full disk over an old report: exit 3" "$(cat "$TMP/rc1")" 3
check "the error names index.html and the cause" grep -q \
    'index.html: No space left on device' "$TMP/err1"
check_eq "the old index.html is whole" "$(cat "$TMP/same" 2>/dev/null)" same
check_eq "the old CSV is whole" "$(cat "$TMP/same2" 2>/dev/null)" same
check_eq "full disk, new directory: exit 3" "$(cat "$TMP/rc2")" 3
check_eq "the old report: its six files, no temporary file" \
    "$(tr '\n' ' ' <"$TMP/left_r")" \
    "index.html lt_exceptions.csv lt_failures.csv lt_stats.csv lt_stats_history.csv report.md "
check_eq "the new directory is empty" "$(cat "$TMP/left_new")" ""
done_testing
