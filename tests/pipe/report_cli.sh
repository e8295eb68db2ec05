#!/usr/bin/env bash
# report_cli.sh - lt-report as a filter (QA F11): a reader that closes the
# pipe early is a normal end (exit 0, nothing on stderr), like lt-run; a
# full disk is a runtime error printed once with its cause; a --notes file
# that cannot be read (a directory, a missing file) is an input error
# (exit 2) naming the file, printed once.
. "$(dirname "$0")/../lib.sh"

data=$LT_TOP/tests/data/report

# closed_pipe ARGS...: runs lt-report with stdout on a pipe whose read end
# is already closed (no race: every write gets EPIPE); prints the status.
closed_pipe() {
	python3 - "$@" <<'PY'
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
err = open(os.environ["TMP"] + "/err", "w")
p = subprocess.run(["lt-report"] + sys.argv[1:], stdout=w, stderr=err)
print(p.returncode)
PY
}
export TMP

# The page is larger than a pipe buffer: fwrite itself fails.
st=$(closed_pipe --format html "$data/normal.json")
check_eq "html to a closed pipe: exit 0" "$st" 0
check_eq "html to a closed pipe: nothing on stderr" "$(cat "$TMP/err")" ""
# The stats CSV fits stdio's buffer: the write fails only at close.
st=$(closed_pipe --format csv "$data/normal.json")
check_eq "csv to a closed pipe: exit 0" "$st" 0
check_eq "csv to a closed pipe: nothing on stderr" "$(cat "$TMP/err")" ""
st=$(closed_pipe --help)
check_eq "--help to a closed pipe: exit 0" "$st" 0
check_eq "--help to a closed pipe: nothing on stderr" "$(cat "$TMP/err")" ""
lt-report --format html "$data/normal.json" 2>"$TMP/err" | head -c 10 \
    >"$TMP/head"
check_eq "| head -c 10: exit 0" "${PIPESTATUS[0]}" 0
check_eq "| head -c 10: nothing on stderr" "$(cat "$TMP/err")" ""
check_eq "| head -c 10: the page's start" "$(cat "$TMP/head")" "<!DOCTYPE "
# -o DIR and a closed stdout: the files are still all written.
st=$(closed_pipe -o "$TMP/dir" --no-charts --format md "$data/normal.json")
check_eq "-o DIR with a closed stdout: exit 0" "$st" 0
check "-o DIR with a closed stdout: files written" \
    test -s "$TMP/dir/lt_stats_history.csv"

# A full disk is an error: once, with its cause, status 3.
if [ -w /dev/full ]; then
	for fmt in md html csv; do
		lt-report --no-charts --format $fmt "$data/normal.json" \
		    >/dev/full 2>"$TMP/err"
		check_eq "$fmt to /dev/full: exit 3" "$?" 3
		check_eq "$fmt to /dev/full: one line on stderr" \
		    "$(wc -l <"$TMP/err")" 1
		check "$fmt to /dev/full: says why" grep -q \
		    '^lt-report: cannot write stdout: No space left on device$' "$TMP/err"
	done
else
	skip "output to /dev/full" "no writable /dev/full"
fi

# --notes that cannot be read: input error naming the file, once.
mkdir -p "$TMP/notes.d"
lt-report --notes "$TMP/notes.d" "$data/normal.json" >/dev/null 2>"$TMP/err"
check_eq "--notes DIR: exit 2" "$?" 2
check_eq "--notes DIR: one line naming it" "$(cat "$TMP/err")" \
    "lt-report: $TMP/notes.d: Is a directory"
lt-report --notes "$TMP/nosuch.md" "$data/normal.json" >/dev/null \
    2>"$TMP/err"
check_eq "--notes missing: exit 2" "$?" 2
check_eq "--notes missing: one line naming it" "$(cat "$TMP/err")" \
    "lt-report: $TMP/nosuch.md: No such file or directory"
lt-report -o "$TMP/nd" --notes "$TMP/notes.d" "$data/normal.json" \
    2>/dev/null
check "--notes DIR: no report written" test ! -e "$TMP/nd"
head -c 1100000 /dev/zero | tr '\0' a >"$TMP/big.md"
lt-report --notes "$TMP/big.md" "$data/normal.json" >/dev/null 2>"$TMP/err"
check_eq "--notes over 1 MiB: exit 2" "$?" 2
check_eq "--notes over 1 MiB: one line naming it" "$(cat "$TMP/err")" \
    "lt-report: $TMP/big.md: larger than 1048576 bytes"
# A notes FIFO (process substitution) is fine.
lt-report --no-charts --format md --notes <(printf 'From a *pipe*.\n') \
    "$data/normal.json" >"$TMP/fifo.md" 2>"$TMP/err"
check_eq "--notes FIFO: exit 0" "$?" 0
check "--notes FIFO: the notes are in" grep -q 'From a \*pipe\*' \
    "$TMP/fifo.md"

# QA F18: --tolerance takes what lt-agg takes (any percentage >= 0), and
# a bad value is one line on stderr, not the whole usage.
lt-report --baseline "$data/normal.json" --tolerance 10000 --format md \
    "$data/slower.json" >/dev/null 2>"$TMP/err"
check_eq "--tolerance 10000 (as lt-agg): accepted, nothing worse" "$?" 0
for bad in x -5 nan inf 5%% ""; do
	lt-report --tolerance "$bad" "$data/normal.json" >/dev/null 2>"$TMP/err"
	check_eq "--tolerance '$bad': exit 2" "$?" 2
	check_eq "--tolerance '$bad': one line naming the value" \
	    "$(cat "$TMP/err")" \
	    "lt-report: bad tolerance '$bad' (a percentage >= 0, e.g. 10%)"
done
lt-report --nosuch "$data/normal.json" >/dev/null 2>"$TMP/err"
check_eq "unknown option: exit 2" "$?" 2
check_eq "unknown option: one line pointing to --help" \
    "$(cat "$TMP/err")" "lt-report: unknown option --nosuch (see lt-report --help)"
lt-report "$data/normal.json" --title >/dev/null 2>"$TMP/err"
check_eq "missing argument: one line" "$(cat "$TMP/err")" \
    "lt-report: option --title needs an argument (see lt-report --help)"

# --ranges LO,HI: the ranges table's limits; anything else is bad usage.
for bad in 5 5,5 20,5 0,5 x,5 5,20x -1,5; do
	lt-report --ranges "$bad" --format md "$data/normal.json" >/dev/null \
	    2>"$TMP/err"
	check_eq "--ranges $bad: exit 2" "$?" 2
done
check "--ranges: the message says what is wanted" grep -q \
    "bad --ranges '-1,5' (two times in ms" "$TMP/err"
lt-report --ranges 2.5,30 --format md "$data/normal.json" >"$TMP/r.md"
check "--ranges 2.5,30: the table's columns" grep -q \
    '^| Type | Name | Under 2.5 ms | 2.5 to 30 ms | 30 ms or more | Failed |$' \
    "$TMP/r.md"
done_testing
