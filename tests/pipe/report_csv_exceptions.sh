#!/usr/bin/env bash
# report_csv_exceptions.sh - lt-report's exceptions CSV lists the failures
# of exec tasks (category "exec": a command that cannot run, a non-zero
# exit status), lt's errors of the test's own code; request failures stay
# in the failures CSV only; a run without them has the header only.
. "$(dirname "$0")/../lib.sh"

start_target || exit 1
cd "$TMP" || exit 1
cat >s.lt <<'LT'
exec sh -c "exit 3" name bad-exit
exec no-such-command-lt name no-cmd
exec true name fine
GET /status?code=500 name server-error
LT
lt-run -q -f s.lt -H "$TARGET_URL" -i 30 --seed 3 >ev 2>err
check_eq "the run: exit 0" "$?" 0
lt-agg <ev | lt-report --csv x
tr -d '\r' <x_exceptions.csv >exc.csv
check_eq "header" "$(head -n 1 exc.csv)" "Count,Message,Traceback,Nodes"
check "a non-zero exit status is a row" \
    grep -Eq '^[0-9]+,exec: exit status 3,exec task bad-exit,local$' exc.csv
check "a command that cannot run is a row" \
    grep -Eq '^[0-9]+,exec: cannot run .*,exec task no-cmd,local$' exc.csv
check "request failures are not" sh -c '! grep -q server-error exc.csv'
check "the succeeding task is not" sh -c '! grep -q "task fine" exc.csv'
n=$(awk -F, 'NR > 1 { s += $1 } END { print s + 0 }' exc.csv)
want=$(jq -r 'select(.type == "req" and .ok == false and
    (.error | startswith("exec:"))) | 1' ev | wc -l)
check_eq "the counts add up to the failed exec events" "$n" "$want"
tr -d '\r' <x_failures.csv >fail.csv
check "failures.csv still has the request failure" grep -q server-error fail.csv
printf 'GET /\n' >ok.lt
lt-run -q -f ok.lt -H "$TARGET_URL" -i 3 | lt-agg | lt-report --csv y
check_eq "no exec task: header only" "$(tr -d '\r' <y_exceptions.csv)" \
    "Count,Message,Traceback,Nodes"
done_testing
