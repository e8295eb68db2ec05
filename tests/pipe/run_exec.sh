#!/usr/bin/env bash
# run_exec.sh - exec tasks: a command recorded as a request, its exit
# status as success, its first output line merged into the event, its
# timeout, and a command that cannot be run.
. "$(dirname "$0")/../lib.sh"

cat >"$TMP/e.lt" <<'LT'
user A
  sequence
    exec sh -c "exit 0"
    exec sh -c "exit 3"
    exec sh -c "echo '{\"proto\":\"mqtt\",\"latency_ms\":1.5,\"bytes\":7}'"
      output json
      name publish
    exec sleep 5
      timeout 200ms
    exec /nonexistent/program
    exec sh -c "kill -9 $$"
LT
lt-run -q -f "$TMP/e.lt" -i 1 >"$TMP/e.ev" 2>"$TMP/err"
check_eq "exit status 0" "$?" 0
ev() { grep '"type":"req"' "$TMP/e.ev" | sed -n "${1}p"; }
check_eq "six events" "$(grep -c '"type":"req"' "$TMP/e.ev")" 6
check_eq "exit 0 is ok" "$(ev 1 | jq -c '[.ok, .exit, .method, .error]')" \
    '[true,0,"EXEC",null]'
check_eq "exit 3 fails" "$(ev 2 | jq -c '[.ok, .exit, .status, .error]')" \
    '[false,3,0,"exec: exit status 3"]'
check_eq "output json merged, its latency and bytes win" \
    "$(ev 3 | jq -c '[.ok, .name, .proto, .latency_ms, .bytes]')" \
    '[true,"publish","mqtt",1.5,7]'
check_eq "timeout kills the command" \
    "$(ev 4 | jq -r '"\(.ok) \(.error)"')" "false timeout: command timed out"
check "timeout latency near 200 ms" \
    sh -c "test \$(echo '$(ev 4)' | jq '.latency_ms < 2000') = true"
check "a missing program fails with exec:" \
    sh -c "echo '$(ev 5)' | jq -r .error | grep -q '^exec: cannot run /nonexistent/program'"
check_eq "a killed command fails" "$(ev 6 | jq -r '"\(.ok) \(.error)"')" \
    "false exec: killed by signal 9"
check "each event is valid JSON" sh -c "jq -e . '$TMP/e.ev' >/dev/null"

# A stop interrupts a running command: one event, "interrupted".
printf 'user A\n  task exec sleep 30\n' >"$TMP/s.lt"
lt-run -q -f "$TMP/s.lt" -u 2 -r 100 -t 0.5s --stop-timeout 0.2 >"$TMP/s.ev"
check_eq "2 sleeping commands interrupted" \
    "$(grep -c '"error":"interrupted: run time over"' "$TMP/s.ev")" 2

done_testing
