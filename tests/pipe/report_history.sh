#!/usr/bin/env bash
# report_history.sh - lt-report --history on fixed nightly aggregates:
# both layouts (DATE.json files and nightly.sh's DATE/run.json with its
# report), the nights that regressed against the night before with the
# --baseline rules (cross-checked with lt-agg --merge --baseline), links,
# gnuplot charts with hostile endpoint names kept out of the script, a
# broken aggregate skipped, and the exit status of the newest night.
. "$(dirname "$0")/../lib.sh"

jqe() { jq -e "$@" >/dev/null; }

CHECK="python3 $LT_TOP/tests/pipe/histcheck.py"
# events of one night: /slow at SLOW ms, /fast failing FAIL of 100 times
night() {	# night OUT SLOW FAIL
	python3 - "$2" "$3" <<PY | lt-agg -q >"$1"
import json, sys
slow, fail = float(sys.argv[1]), int(sys.argv[2])
names = [("/fast", 5), ("/slow", slow), ('"><script>alert(1)</script>', 7),
         ('x"; system("touch $TMP/PWNED"); "', 3)]
for k in range(100):
    for n, lat in names:
        print(json.dumps({"type": "req", "ts": 1700000000 + k * 0.1,
                          "name": n, "method": "GET", "status": 200,
                          "ok": not (n == "/fast" and k < fail),
                          "latency_ms": lat}))
PY
}
H=$TMP/h
mkdir -p "$H/2026-12-02/report"
night "$H/2026-12-01.json" 10 0
night "$H/2026-12-02/run.json" 10 0
echo '<p>report</p>' >"$H/2026-12-02/report/index.html"
night "$H/2026-12-03 a&b.json" 50 0
night "$H/2026-12-04.json" 50 0
echo '{broken' >"$H/2026-12-04b.json"
echo '{}' >"$H/notes.json"
mkdir "$H/2026-12-06-empty"

lt-report --history "$H" >"$TMP/page.html" 2>"$TMP/err"
check_eq "newest night not regressed: exit 0" "$?" 0
check "the broken night is a warning" grep -q '2026-12-04b.json' "$TMP/err"
$CHECK "$TMP/page.html" >"$TMP/facts.json"
check_eq "page is well formed, no script" "$(jq -c '[.errors, .bad]' "$TMP/facts.json")" '[[],[]]'
check_eq "four nights, oldest first" \
    "$(jq -c '[.nights[].cells[0]]' "$TMP/facts.json")" \
    '["2026-12-01","2026-12-02","2026-12-03","2026-12-04"]'
check_eq "links to each night's report or aggregate" \
    "$(jq -c '[.nights[].href]' "$TMP/facts.json")" \
    '["2026-12-01.json","2026-12-02/report/index.html","2026-12-03%20a%26b.json","2026-12-04.json"]'
check_eq "verdicts per night" \
    "$(jq -c '[.nights[].cells[7]]' "$TMP/facts.json")" '["first","ok","regressed","ok"]'
check_eq "totals of night 1: requests, req/s, p50" \
    "$(jq -c '.nights[0].cells[1:4]' "$TMP/facts.json")" '["400","40.4","5.0 ms"]'
check_eq "regressions: /slow p50 p95 p99 and the total's p95 p99 on 12-03" \
    "$(jq -c '[.regressions[] | [.cells[0], .cells[1], .cells[2], .cells[3]] | join(" ")]' "$TMP/facts.json")" \
    '["2026-12-03 2026-12-02 Aggregated p95","2026-12-03 2026-12-02 Aggregated p99","2026-12-03 2026-12-02 GET /slow p50","2026-12-03 2026-12-02 GET /slow p95","2026-12-03 2026-12-02 GET /slow p99"]'
check_eq "old and new values" "$(jq -c '.regressions[2].cells[4:7]' "$TMP/facts.json")" '["10.0 ms","50.0 ms","+400.0%"]'
# same rules as --baseline
lt-agg -q --merge --baseline "$H/2026-12-02/run.json" "$H/2026-12-03 a&b.json" >/dev/null
check_eq "lt-agg --baseline agrees: 12-03 regressed" "$?" 1
lt-agg -q --merge --baseline "$H/2026-12-03 a&b.json" "$H/2026-12-04.json" >/dev/null
check_eq "lt-agg --baseline agrees: 12-04 did not" "$?" 0

if command -v gnuplot >/dev/null; then
	check_eq "two charts per endpoint and the total" "$(jq .svgs "$TMP/facts.json")" 10
	check "hostile names are chart titles, as text" \
	    jqe '.labels | index("GET \"><script>alert(1)</script>: response time")' "$TMP/facts.json"
	check "no name reached gnuplot as script text" test ! -e "$TMP/PWNED"
else
	skip "charts" "gnuplot not installed"
fi
lt-report --history "$H" --no-charts >"$TMP/nc.html" 2>/dev/null
check_eq "--no-charts: no svg" "$($CHECK "$TMP/nc.html" | jq .svgs)" 0

# a failing night: /fast fails 20% -> the newest night regressed, exit 1
night "$H/2026-12-07.json" 50 20
lt-report --history "$H" --no-charts >"$TMP/p2.html" 2>"$TMP/err2"
check_eq "newest night regressed: exit 1" "$?" 1
check_eq "its failure ratio is the regression" \
    "$($CHECK "$TMP/p2.html" | jq -c '[.regressions[] | select(.cells[0] == "2026-12-07") | .cells[2] + " " + .cells[3]]')" \
    '["Aggregated failure ratio","GET /fast failure ratio"]'
lt-report --history "$H" --tolerance 1000% --no-charts >/dev/null 2>&1
check_eq "a huge tolerance: a failure ratio up from 0 still regresses" "$?" 1
lt-report --history "$TMP/none" >/dev/null 2>&1
check_eq "missing directory: exit 2" "$?" 2
mkdir "$TMP/empty"
lt-report --history "$TMP/empty" >/dev/null 2>&1
check_eq "no night: exit 2" "$?" 2
lt-report --history "$H" -o "$TMP/x" >/dev/null 2>&1
check_eq "--history with -o is a usage error" "$?" 2
done_testing
