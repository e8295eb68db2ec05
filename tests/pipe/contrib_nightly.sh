#!/usr/bin/env bash
# contrib_nightly.sh - the cron example runs for real: a first night sets
# the baseline, a second night passes, a night whose thresholds fail
# exits 1 and does not move the baseline, a slow night regresses; every
# night rewrites history.html (lt-report --history) and nights older than
# the retention are pruned, except the baseline's.
. "$(dirname "$0")/../lib.sh"

jqe() { jq -e "$@" >/dev/null; }

start_target || exit 1
printf 'user U\n  wait constant 0.01\n  task GET /delay?ms=20 name /d\n' >"$TMP/s.lt"
printf 'user U\n  wait constant 0.01\n  task GET /delay?ms=1500 name /d\n' >"$TMP/slow.lt"
export LT_HOST=$TARGET_URL LT_SCENARIO=$TMP/s.lt LT_NIGHTLY_DIR=$TMP/n \
    LT_NIGHTLY_USERS=2 LT_NIGHTLY_TIME=2s LT_NIGHTLY_TOLERANCE=2000%
# (a loaded machine moves a 20 ms p99 a lot, but not 21 times; the slow
# night's 1500 ms is 75 times)
night() { LT_NIGHTLY_DAY=$1 sh "$LT_TOP/contrib/cron/nightly.sh" "${@:2}" >"$TMP/$1.out" 2>&1; }

# an old night, beyond a 30-day retention
mkdir -p "$TMP/n/2026-10-01"
night 2026-11-01 -k 30
check_eq "first night passes" "$?" 0
check "first night wrote a report" test -f "$TMP/n/2026-11-01/report/index.html"
check "first night is the baseline" test -L "$TMP/n/latest.json"
check "history page written" grep -q '2026-11-01' "$TMP/n/history.html"
check "a night older than 30 days is pruned" test ! -e "$TMP/n/2026-10-01"
night 2026-11-02; rc=$?; cat "$TMP/2026-11-02.out" | sed "s/^/# /"; (exit $rc)
check_eq "second night passes" "$?" 0
LT_NIGHTLY_P95='p95<0.000001ms' night 2026-11-03
check_eq "a failed threshold exits 1" "$?" 1
check_eq "the baseline stays on night 2" "$(readlink "$TMP/n/latest.json")" "$TMP/n/2026-11-02/run.json"
LT_SCENARIO=$TMP/slow.lt night 2026-11-04
check_eq "a slow night exits 1" "$?" 1
python3 "$LT_TOP/tests/pipe/histcheck.py" "$TMP/n/history.html" >"$TMP/facts.json"
check_eq "history lists the four nights" "$(jq -c '[.nights[].cells[0]]' "$TMP/facts.json")" \
    '["2026-11-01","2026-11-02","2026-11-03","2026-11-04"]'
check "history marks the slow night regressed" \
    jqe '.nights[3].cells[7] == "regressed"' "$TMP/facts.json"
check "history links each night's report" \
    jqe '.nights[0].href == "2026-11-01/report/index.html"' "$TMP/facts.json"
# retention: 2 days before 2026-11-05 keeps 11-03 on; 11-02 is the baseline
LT_SCENARIO=$TMP/slow.lt night 2026-11-05 -k 2
check "the baseline's night is never pruned" test -d "$TMP/n/2026-11-02"
check "older nights are pruned" test ! -e "$TMP/n/2026-11-01"
check "nights within the retention stay" test -d "$TMP/n/2026-11-03"
night not-a-date
check_eq "a night name that is not a date is a usage error" "$?" 2
night 2026-11-06 -k x
check_eq "a bad -k is a usage error" "$?" 2
done_testing
