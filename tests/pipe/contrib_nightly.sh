#!/usr/bin/env bash
# contrib_nightly.sh - the cron example runs for real: a first night sets
# the baseline, a second night passes, a night whose thresholds fail
# exits 1 and does not move the baseline.
. "$(dirname "$0")/../lib.sh"

start_target || exit 1
printf 'user U\n  task GET /products\n' >"$TMP/s.lt"
export LT_HOST=$TARGET_URL LT_SCENARIO=$TMP/s.lt LT_NIGHTLY_DIR=$TMP/n \
    LT_NIGHTLY_USERS=2 LT_NIGHTLY_TIME=2s
night() { LT_NIGHTLY_DAY=$1 sh "$LT_TOP/contrib/cron/nightly.sh" >"$TMP/$1.out" 2>&1; }

night d1
check_eq "first night passes" "$?" 0
check "first night wrote a report" test -f "$TMP/n/d1/report/index.html"
check "first night is the baseline" test -L "$TMP/n/latest.json"
LT_NIGHTLY_P95='p95<0.000001ms' night d2
check_eq "a failed threshold exits 1" "$?" 1
check_eq "the baseline stays on night 1" "$(readlink "$TMP/n/latest.json")" "$TMP/n/d1/run.json"
done_testing
