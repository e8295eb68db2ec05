#!/usr/bin/env bash
# cli_letters.sh - one meaning per option letter across the programs
# (issue 12): read every program's --help ("-X, --long") and require that
# a letter stands for the same long option wherever it exists.  lt-report's
# old -f (format) and -t (tolerance) clashed with lt-run's scenario and run
# time; they are refused with a note naming the long option.
. "$(dirname "$0")/../lib.sh"

for p in lt-run lt-agg lt-report; do
	"$p" --help | sed -n 's/^ *-\([A-Za-z]\), --\([a-z0-9-]*\).*/\1 \2/p' |
	    sed "s/^/$p /"
done >"$TMP/letters"
check "help texts list letters" test -s "$TMP/letters"
clash=$(awk '{ if (($2 in long) && long[$2] != $3)
		print $2 ": " who[$2] " --" long[$2] ", " $1 " --" $3
	long[$2] = $3; who[$2] = $1 }' "$TMP/letters")
check_eq "no letter has two meanings" "$clash" ""

data=$LT_TOP/tests/data/report
lt-report -t 5 "$data/normal.json" >/dev/null 2>"$TMP/err"
check_eq "lt-report -t: usage error" "$?" 2
check "lt-report -t: names --tolerance" grep -q -- "--tolerance" "$TMP/err"
lt-report -f md "$data/normal.json" >/dev/null 2>"$TMP/err"
check_eq "lt-report -f: usage error" "$?" 2
check "lt-report -f: names --format" grep -q -- "--format" "$TMP/err"
lt-report --format csv --tolerance 5 "$data/normal.json" >"$TMP/out"
check_eq "long options still work" "$?" 0
check "csv out" grep -q "Name" "$TMP/out"
# The bash completion offers the new options and their values.
. "$LT_TOP/contrib/completion/lt.bash"
comp() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	_lt_complete
	printf '%s ' "${COMPREPLY[@]}"
}
check_eq "completion: lt-run --log" "$(comp lt-run --log)" \
    "--logfile --loglevel "
check_eq "completion: --loglevel w" "$(comp lt-run --loglevel w)" "warning "
check_eq "completion: lt-report --tol" "$(comp lt-report --tol)" "--tolerance "
check_eq "completion: lt-run --show" "$(comp lt-run --show)" \
    "--show-secrets --show-task-ratio --show-task-ratio-json "
done_testing
