#!/usr/bin/env bash
# run_cli.sh - lt-run's command line: --help against the man page,
# --version, bad usage, malformed scenarios (message with file:line:col,
# status 2, nothing sent), and the option precedence: command line over
# LT_* environment over --config file over ./lt.conf.
. "$(dirname "$0")/../lib.sh"

man=$LT_TOP/share/man/man1/lt-run.1

# Every long option of --help is documented in the man page.
lt-run --help >"$TMP/help" 2>&1
check "--help exits 0" test $? -eq 0
missing=""
for o in $(grep -o -- '--[a-z][a-z0-9-]*' "$TMP/help" | sort -u); do
	grep -q -- "Fl \\\\-${o#--}" "$man" || missing="$missing $o"
done
check_eq "every --help option is in lt-run.1" "$missing" ""
check "--version prints the version" \
    sh -c 'lt-run --version | grep -q "^lt-run [0-9]"'

lt-run -u abc -f x.lt 2>"$TMP/err"
check_eq "bad number: status 2" "$?" 2
check "bad number: message" grep -q "bad value 'abc' for --users" "$TMP/err"
lt-run --no-such-option 2>"$TMP/err"
check_eq "unknown option: status 2" "$?" 2
lt-run -H http://127.0.0.1:1 2>"$TMP/err"
check_eq "no scenario: status 2" "$?" 2

start_target || exit 1

# bad_case NAME SCENARIO PATTERN: status 2, message "bad.lt:L:C: ...".
bad_case() {
	printf '%b' "$2" >"$TMP/bad.lt"
	(cd "$TMP" && lt-run -q -f bad.lt -H "$TARGET_URL" -t 1s \
	    >"$TMP/out" 2>"$TMP/err")
	check_eq "$1: status 2" "$?" 2
	check "$1: message names file:line:col" \
	    grep -Eq "^lt-run: bad.lt:$3" "$TMP/err"
	check "$1: no event on stdout" test ! -s "$TMP/out"
}
bad_case "bad method" 'user A\n  task GOT /x\n' "2:8: expected a method"
bad_case "zero weight" 'user A\n  task 0 GET /\n' "2:[0-9]+: expected a weight"
bad_case "bad template" 'user A\n  task GET /${random 1}\n' \
    "2:[0-9]+: expected two integers"
bad_case "unknown keyword" 'bogus line\n' "1:1: expected"
bad_case "wait arguments" 'user A\n  wait between 2\n  task GET /\n' \
    "2:[0-9]+: expected a second duration"
bad_case "bad expect" 'user A\n  task GET /\n    expect status abc\n' \
    "3:[0-9]+: expected a status"
lt-run -q -f "$TMP/none.lt" 2>"$TMP/err"
check_eq "missing scenario file: status 2" "$?" 2

# Nothing was sent by any of the bad runs.
kill "$TARGET_PID"
wait "$TARGET_PID" 2>/dev/null
check_eq "the target saw no request" \
    "$(jq -r .total "$TMP/target.out")" 0

# Precedence: ./lt.conf < --config < environment < command line.
start_target || exit 1
printf 'user A\n  task GET /ok\n' >"$TMP/s.lt"
mkdir -p "$TMP/cwd"
printf '# defaults\niterations = 3\nquiet = true\nscenario = %s\nhost = %s\n' \
    "$TMP/s.lt" "$TARGET_URL" >"$TMP/cwd/lt.conf"
printf 'iterations = 5\n' >"$TMP/cfg"
count() { grep -c '"type":"req"' "$1"; }
(cd "$TMP/cwd" && lt-run >"$TMP/e1" 2>"$TMP/err1")
check_eq "lt.conf alone: 3 iterations" "$(count "$TMP/e1")" 3
check "lt.conf quiet = true" test ! -s "$TMP/err1"
(cd "$TMP/cwd" && lt-run --config "$TMP/cfg" >"$TMP/e2")
check_eq "--config beats lt.conf" "$(count "$TMP/e2")" 5
(cd "$TMP/cwd" && LT_ITERATIONS=7 lt-run --config "$TMP/cfg" >"$TMP/e3")
check_eq "LT_ITERATIONS beats --config" "$(count "$TMP/e3")" 7
(cd "$TMP/cwd" && LT_ITERATIONS=7 lt-run --config "$TMP/cfg" -i 2 >"$TMP/e4")
check_eq "the command line beats LT_ITERATIONS" "$(count "$TMP/e4")" 2
printf 'users = many\n' >"$TMP/badcfg"
(cd "$TMP/cwd" && lt-run --config "$TMP/badcfg" 2>"$TMP/err")
check_eq "bad config value: status 2" "$?" 2
check "bad config value: file:line" grep -q "badcfg:1: bad value" "$TMP/err"
printf 'colour = red\n' >"$TMP/badcfg"
(cd "$TMP/cwd" && lt-run --config "$TMP/badcfg" 2>"$TMP/err")
check "unknown config key: file:line" \
    grep -q "badcfg:1: unknown option 'colour'" "$TMP/err"
check_eq "run end reason iterations" \
    "$(tail -n 1 "$TMP/e4" | jq -r .reason)" iterations

# The open-file limit caps the users, and lt-run says so.
(ulimit -n 100 && lt-run -f "$TMP/s.lt" -H "$TARGET_URL" -u 500 -r 10000 \
    -t 0.5s >"$TMP/lim.ev" 2>"$TMP/lim.err")
check_eq "capped by the open-file limit: exit 0" "$?" 0
check "capped: a clear message" grep -q "open-file limit capped the run at 36 users" \
    "$TMP/lim.err"
check_eq "capped: 36 users ran" \
    "$(jq -r 'select(.type == "users") | .count' "$TMP/lim.ev" | sort -n | tail -n 1)" 36

# The live line: on a terminal only, every 2 s; -q silences everything.
if command -v script >/dev/null 2>&1; then
	script -qec "lt-run -f '$TMP/s.lt' -H '$TARGET_URL' -t 2.5s -o /dev/null" \
	    /dev/null >"$TMP/tty.out" 2>&1
	check "tty: a live line with users, req/s, p50, p95" \
	    grep -Eq "users 1 .* req/s .* p50 [0-9.]+ ms +p95" "$TMP/tty.out"
	check "tty: the summary table" grep -q "Aggregated" "$TMP/tty.out"
	script -qec "lt-run -q -f '$TMP/s.lt' -H '$TARGET_URL' -t 2.5s -o /dev/null" \
	    /dev/null >"$TMP/tty.out" 2>&1
	check_eq "tty with -q: silent" "$(wc -c <"$TMP/tty.out")" 0
else
	skip "tty live line" "script(1) not installed"
fi
lt-run -f "$TMP/s.lt" -H "$TARGET_URL" -t 2.5s -o /dev/null 2>"$TMP/notty.err"
check "no tty: no live line, only the summary" \
    sh -c "! grep -q 'req/s .* p50' '$TMP/notty.err' && grep -q Aggregated '$TMP/notty.err'"

# A scenario host, a class host, and -H over both.
cat >"$TMP/h.lt" <<LT
host http://127.0.0.1:1
user A
  task GET /ok?who=a
user B
  host $TARGET_URL
  task GET /ok?who=b
LT
lt-run -q -f "$TMP/h.lt" -u 2 -r 100 -i 20 >"$TMP/h.ev"
check_eq "class host beats the scenario host" \
    "$(jq -r 'select(.type == "req" and .class == "B") | .ok' "$TMP/h.ev" | sort -u)" true
check_eq "the scenario host for the other class" \
    "$(jq -r 'select(.type == "req" and .class == "A") | .error' "$TMP/h.ev" | cut -c1-8 | sort -u)" connect:
lt-run -q -f "$TMP/h.lt" -H "$TARGET_URL" -u 2 -r 100 -i 20 >"$TMP/h2.ev"
check_eq "-H beats both" "$(grep -c '"ok":false' "$TMP/h2.ev")" 0

done_testing
