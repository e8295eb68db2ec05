#!/usr/bin/env bash
# run_locust_opts.sh - what a Locust user looks for in lt-run (issue 12):
# --list, --show-task-ratio(-json) check a scenario and print classes,
# weights and task ratios without sending anything; --equal-weights;
# --exit-code-on-error N for CI; --loglevel and --logfile.
. "$(dirname "$0")/../lib.sh"

start_target || exit 1
cat >"$TMP/s.lt" <<'LT'
user Browser weight 3
  task 3 GET /a
  task 1 GET /b
user Buyer weight 1
  sequence
    GET /c
    task 2 GET /d
user Admin count 2
  GET /e
LT

lt-run -f "$TMP/s.lt" -H "$TARGET_URL" --list >"$TMP/out" 2>"$TMP/err"
check_eq "--list: exit 0" "$?" 0
check_eq "--list: the classes" "$(tr '\n' ' ' <"$TMP/out")" \
    "Browser Buyer Admin "
lt-run -f "$TMP/s.lt" --show-task-ratio >"$TMP/out" 2>"$TMP/err"
check_eq "--show-task-ratio: exit 0 without a host" "$?" 0
check "--show-task-ratio: class share" \
    grep -q "^Browser: weight 3, 75.0% of the users" "$TMP/out"
check "--show-task-ratio: task ratio in class and in total" \
    grep -Eq "^ +75.0% +56.2% +GET /a$" "$TMP/out"
check "--show-task-ratio: a sequence repeat" \
    grep -Eq "^ +100.0% +25.0% +GET /d \(repeat 2\)$" "$TMP/out"
check "--show-task-ratio: fixed count" grep -q "^Admin: count 2" "$TMP/out"
lt-run -f "$TMP/s.lt" --show-task-ratio-json >"$TMP/out" 2>"$TMP/err"
check_eq "--show-task-ratio-json: exit 0" "$?" 0
check_eq "--show-task-ratio-json: ratio of /b" \
    "$(jq -r '.classes[0].tasks[1] | "\(.name) \(.weight) \(.ratio) \(.total_ratio)"' "$TMP/out")" \
    "/b 1 0.25 0.1875"
check_eq "--show-task-ratio-json: class ratios" \
    "$(jq -c '[.classes[] | .ratio]' "$TMP/out")" "[0.75,0.25,0]"
lt-run -f "$TMP/s.lt" --show-task-ratio-json --equal-weights >"$TMP/out"
check_eq "--equal-weights: ratios shown equal" \
    "$(jq -c '[.classes[0].tasks[] | .ratio]' "$TMP/out")" "[0.5,0.5]"
printf 'GET /x\n  expect status 200\n' | lt-run -f - --list -o "$TMP/keep" \
    >/dev/null
check "--list leaves -o alone" test ! -e "$TMP/keep"

# --equal-weights in a run: 99:1 becomes 1:1.
printf 'task 99 GET /w1\ntask 1 GET /w2\n' >"$TMP/w.lt"
lt-run -q -f "$TMP/w.lt" -H "$TARGET_URL" -i 400 --seed 7 --equal-weights \
    >"$TMP/ev" 2>"$TMP/err"
check_eq "--equal-weights run: exit 0" "$?" 0
n2=$(jq -r 'select(.type == "req" and .name == "/w2") | 1' "$TMP/ev" | wc -l)
check "--equal-weights run: /w2 about half ($n2 of 400)" \
    test "$n2" -gt 120 -a "$n2" -lt 280
n2=$(lt-run -q -f "$TMP/w.lt" -H "$TARGET_URL" -i 400 --seed 7 |
    jq -r 'select(.type == "req" and .name == "/w2") | 1' | wc -l)
check "without it: /w2 rare ($n2 of 400)" test "$n2" -lt 40

# Nothing above sent a request but the two runs.
kill "$TARGET_PID"
wait "$TARGET_PID" 2>/dev/null
check_eq "--list and the ratios sent nothing" \
    "$(jq -r '[.paths["/a"], .paths["/b"], .paths["/x"]] | map(. // 0) | add' "$TMP/target.out")" 0

# --exit-code-on-error: a refused port fails every request.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'GET /\n' >"$TMP/one.lt"
lt-run -q -f "$TMP/one.lt" -H "http://127.0.0.1:$port" -i 3 >/dev/null \
    2>"$TMP/err"
check_eq "failures without the option: exit 0" "$?" 0
lt-run -q -f "$TMP/one.lt" -H "http://127.0.0.1:$port" -i 3 \
    --exit-code-on-error 4 >/dev/null 2>"$TMP/err"
check_eq "--exit-code-on-error 4: exit 4" "$?" 4
check "--exit-code-on-error: says why" grep -q "3 of 3 requests failed" \
    "$TMP/err"
start_target || exit 1
lt-run -q -f "$TMP/one.lt" -H "$TARGET_URL" -i 3 --exit-code-on-error 4 \
    >/dev/null 2>"$TMP/err"
check_eq "--exit-code-on-error with no failure: exit 0" "$?" 0
lt-run -q -f "$TMP/one.lt" -i 1 --exit-code-on-error x 2>"$TMP/err"
check_eq "--exit-code-on-error x: usage error" "$?" 2
LT_EXIT_CODE_ON_ERROR=5 lt-run -q -f "$TMP/one.lt" \
    -H "http://127.0.0.1:$port" -i 1 >/dev/null 2>&1
check_eq "LT_EXIT_CODE_ON_ERROR=5: exit 5" "$?" 5

# --logfile: the summary goes to the file (appended), not stderr.
lt-run -f "$TMP/one.lt" -H "$TARGET_URL" -i 2 --logfile "$TMP/log" \
    >/dev/null 2>"$TMP/err"
check_eq "--logfile: exit 0" "$?" 0
check_eq "--logfile: nothing on stderr" "$(cat "$TMP/err")" ""
check "--logfile: the summary in the file" grep -q "requests" "$TMP/log"
lt-run -f "$TMP/one.lt" -H "$TARGET_URL" -i 2 --loglevel warning \
    >/dev/null 2>"$TMP/err"
check_eq "--loglevel warning: no summary" "$(cat "$TMP/err")" ""
lt-run -f "$TMP/one.lt" -H "$TARGET_URL" -i 2 --loglevel INFO \
    >/dev/null 2>"$TMP/err"
check "--loglevel INFO: the summary" grep -q "requests" "$TMP/err"
lt-run -f "$TMP/one.lt" -i 2 --loglevel loud 2>"$TMP/err"
check_eq "--loglevel loud: usage error" "$?" 2
lt-run -f "$TMP/one.lt" -H "$TARGET_URL" -i 1 --logfile "$TMP/no/such" \
    >/dev/null 2>"$TMP/err"
check_eq "--logfile in a missing directory: exit 3" "$?" 3
done_testing
