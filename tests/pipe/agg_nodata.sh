#!/usr/bin/env bash
# agg_nodata.sh - QA F6 and F7: thresholds over a metric without samples
# fail with a reason (never a green CI gate on an empty run); rejected lines
# are reported on stderr; input with lines but no usable event is exit 2.
. "$(dirname "$0")/../lib.sh"
jqe() { jq -e "$@" >/dev/null; }
cd "$TMP" || exit 1

ev() { # ts name latency ok [extra]
	printf '{"type":"req","ts":%s,"name":"%s","method":"GET","status":200,"ok":%s,"error":null,"latency_ms":%s,"bytes":1%s}\n' \
	    "$1" "$2" "$4" "$3" "${5:-}"
}
{ ev 1764400000.1 /a 5 true; ev 1764400000.2 /a 7 true; ev 1764400001.1 /b 9 true; } >closed.nd

# F6: empty input: every latency and ratio threshold fails with a reason
lt-agg -c 'p95<300ms' -c 'fail_ratio<1%' -c 'avg<1s' -c 'max<1s' \
    -c 'median<1s' -c 'min<1s' -c 'co_p99<1s' -c 'fps<1' -c 'failures<1' \
    -c 'rps<1000' -c 'requests==0' /dev/null >empty.json 2>empty.err
check_eq "F6: empty input, latency threshold: exit 1" "$?" 1
check "F6: FAIL p95<300ms: no requests" \
    grep -qx 'lt-agg: FAIL p95<300ms: no requests' empty.err
check "F6: FAIL fail_ratio<1%: no requests" \
    grep -qx 'lt-agg: FAIL fail_ratio<1%: no requests' empty.err
for e in 'avg<1s' 'max<1s' 'median<1s' 'min<1s' 'fps<1' 'failures<1' 'rps<1000'; do
	check "F6: FAIL $e: no requests" grep -qxF "lt-agg: FAIL $e: no requests" empty.err
done
check "F6: requests==0 is a count and passes" \
    grep -q '^lt-agg: PASS requests==0: requests = 0' empty.err
check "F6: no PASS other than requests" \
    [ "$(grep -c '^lt-agg: PASS' empty.err)" -eq 1 ]
check "F6: JSON: value null, ok false, reason" \
    jqe '[.thresholds[] | select(.metric != "requests")] | all(.ok == false and .value == null and .reason == "no requests")' empty.json
check "F6: JSON: reason null when evaluated" \
    jqe '.thresholds[] | select(.metric == "requests") | .ok == true and .reason == null' empty.json
lt-agg -c 'rps>0' /dev/null >/dev/null 2>rps.err
check_eq "F6: rps>0 on empty input: exit 1" "$?" 1

# F6: a closed-model run has no corrected latency
lt-agg -c 'p95<300ms' -c 'co_p99<1ms' closed.nd >closed.json 2>closed.err
check_eq "F6: co_p99 on a closed-model run: exit 1" "$?" 1
check "F6: p95 still passes" grep -q '^lt-agg: PASS p95<300ms' closed.err
check "F6: co_p99 fails with a reason" \
    grep -q '^lt-agg: FAIL co_p99<1ms: no corrected latency' closed.err
# an endpoint with requests but a selector without: per endpoint
lt-agg -c '/a:p99<1s' -c '/b:co_p50<1s' closed.nd >/dev/null 2>ep.err
check_eq "F6: endpoint without corrected latency: exit 1" "$?" 1
check "F6: /a passes" grep -q '^lt-agg: PASS /a:p99<1s' ep.err

# F6: every line rejected: thresholds fail (and F7: exit 2 anyway)
printf '{\n  "type": "req"\n}\n' >pretty.json
lt-agg -c 'p95<300ms' pretty.json >pretty.out 2>pretty.err
check_eq "F7: lines but no usable event: exit 2" "$?" 2
check "F7: nothing on stdout" [ ! -s pretty.out ]
check "F7: says no usable event" \
    grep -q '^lt-agg: no usable event in 3 lines (3 rejected)' pretty.err
check "F7: warning names file, count, first line and reason" \
    grep -q '^lt-agg: pretty.json: 3 lines rejected, first at line 1: ' pretty.err
head -c 3000 /dev/urandom | tr -d '\n' | fold -w 100 >garb
lt-agg garb >/dev/null 2>garb.err
check_eq "F7: random bytes: exit 2" "$?" 2

# F7: some lines rejected: one warning line per file, exit 0, -q silences it
{ cat closed.nd; echo 'not json'; echo '{"type":"req"}'; } >mixed.nd
lt-agg mixed.nd closed.nd >mixed.json 2>mixed.err
check_eq "F7: some rejected: exit 0" "$?" 0
check_eq "F7: exactly one warning line" "$(cat mixed.err)" \
    "lt-agg: mixed.nd: 2 lines rejected, first at line 4: $(jq -r '.input.rejects[0].reason' mixed.json)"
lt-agg -q mixed.nd >/dev/null 2>mixedq.err
check "F7: -q: no warning" [ ! -s mixedq.err ]
: | lt-agg >e.json 2>e.err
check_eq "F7: empty input: exit 0" "$?" 0
# issue 12: an empty pipeline (events went elsewhere) is said, not silent
check_eq "empty input: one warning on stderr" "$(cat e.err)" \
    "lt-agg: warning: no events in the input (it was empty): the aggregate is of an empty run"
lt-agg </dev/null >/dev/null 2>null.err
check "lt-agg </dev/null warns" grep -q '^lt-agg: warning: no events in the input' null.err
lt-agg -q </dev/null >/dev/null 2>nullq.err
check "-q: no warning for empty input" [ ! -s nullq.err ]
printf '\n\n' | lt-agg >/dev/null 2>blank.err
check_eq "F7: blank lines only: exit 0 (nothing was rejected)" "$?" 0
check "blank lines only: warns" grep -q 'no events in the input (blank lines only)' blank.err
# a terminal on stdin: lt-agg says what it waits for (script(1) gives a tty)
if command -v script >/dev/null; then
	# lt-agg waits on the terminal for ever: timeout ends it
	{ timeout -s KILL 10 script -qfec "$LT_BIN/lt-agg -o /dev/null" \
	    tty.log </dev/null >/dev/null 2>&1; } 2>/dev/null
	check "a terminal on stdin: says it waits for events on stdin" \
	    grep -q 'lt-agg: waiting for events on stdin' tty.log
else
	skip "a terminal on stdin" "no script(1)"
fi
done_testing
