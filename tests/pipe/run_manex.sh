#!/usr/bin/env bash
# run_manex.sh - the lt-run command lines of lt-run(1) EXAMPLES run
# against the bundled target (host rewritten, -t shortened to 1 s, lt-agg
# replaced by wc when it is not built, background jobs skipped: the FIFO
# example is covered by run_shape.sh).
. "$(dirname "$0")/../lib.sh"

start_target || exit 1
cd "$LT_TOP" || exit 1
sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' share/man/man1/lt-run.1 \
    | grep '^lt-run ' | grep -v '&$' >"$TMP/ex"
check "the man page has examples" test -s "$TMP/ex"
while IFS= read -r line; do
	cmd=$(printf '%s\n' "$line" | sed -e "s|http://127.0.0.1:8080|$TARGET_URL|g" \
	    -e 's/-t [0-9hms]*/-t 1s/' -e "s| -o | -o $TMP/|")
	case $cmd in *" -t "*) ;; *"| head"*) ;; *) cmd="$cmd -t 1s" ;; esac
	command -v lt-agg >/dev/null 2>&1 || cmd=${cmd/| lt-agg/| wc -l}
	(cd "$LT_TOP" && timeout 20 bash -c "$cmd" >"$TMP/out" 2>"$TMP/err")
	check_eq "example runs: ${line:0:60}..." "$?" 0
	check "example produced output: ${line:0:40}..." \
	    sh -c "test -s '$TMP/out' || ls '$TMP'/*.ndjson >/dev/null 2>&1"
done <"$TMP/ex"

done_testing
