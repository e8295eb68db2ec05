#!/usr/bin/env bash
# agg_gates.sh - issues 11 and 12, the gates a CI job relies on: a latency
# threshold without one latency sample fails (and the Markdown report says
# what lt-agg decided), thresholds keep their units, dropped iterations are
# thresholds, --exit-code-on-error takes a value as Locust's does, and the
# wrong kind of file is named with what to do instead.
. "$(dirname "$0")/../lib.sh"
jqe() { jq -e "$@" >/dev/null; }
cd "$TMP" || exit 1

ev() { # ts name latency ok error [extra]
	printf '{"type":"req","ts":%s,"name":"%s","method":"GET","status":%s,"ok":%s,"error":%s,"latency_ms":%s,"bytes":1%s}\n' \
	    "$1" "$2" "$([ "$4" = true ] && echo 200 || echo 0)" "$4" "$5" "$3" "${6:-}"
}

# issue 11 section 2: five interrupted requests, no latency sample
for i in 1 2 3 4 5; do
	ev "1764400000.$i" /a 5 false '"interrupted: the run ended"'
done >intr.nd
lt-agg -c 'p95<300ms' -c 'max<1ms' -c 'avg<1s' -c 'median<1s' -c 'min<1s' \
    -c 'requests>0' intr.nd >intr.json 2>intr.err
check_eq "all interrupted, latency thresholds: exit 1" "$?" 1
for e in 'p95<300ms' 'max<1ms' 'avg<1s' 'median<1s' 'min<1s'; do
	check "FAIL $e: no latency samples" \
	    grep -qF "lt-agg: FAIL $e: no latency samples" intr.err
done
check "requests>0 still passes" grep -q '^lt-agg: PASS requests>0' intr.err
check "JSON: latency thresholds not ok, value null" \
    jqe '[.thresholds[] | select(.metric != "requests")] | all(.ok == false and .value == null)' intr.json
lt-report -o rep intr.json 2>/dev/null
check "report.md says what lt-agg decided (5 of 6 failed)" \
    grep -q '5 of 6 thresholds failed' rep/report.md
check "report.md does not say all passed" sh -c '! grep -q "thresholds passed" rep/report.md'
check "report.md: no value, not 0, for a metric without samples" \
    grep -q '^| p95\\<300ms | all | none (no latency samples' rep/report.md
lt-agg -c 'p95<300ms' -c 'max<1ms' intr.nd 2>/dev/null | lt-report -o rep2 2>/dev/null
check "the issue's pair: not 'All 2 thresholds passed'" \
    grep -q '2 of 2 thresholds failed' rep2/report.md

# issue 12: units kept in the output
{
	for i in $(seq 10 99); do ev "1764400000.$i" /b 312 true null; done
	ev 1764400001.5 /b 312 false '"http: 500"'
	ev 1764400001.6 /b 312 false '"http: 500"'
} >units.nd
lt-agg -c 'fail_ratio<1%' -c 'p95<300ms' -c 'rps>1000' -c 'p95<1s' units.nd >/dev/null 2>units.err
check_eq "units: exit 1" "$?" 1
check_eq "fail_ratio in percent" "$(grep fail_ratio units.err)" \
    "lt-agg: FAIL fail_ratio<1%: fail_ratio = 2.174% (limit < 1%)"
check_eq "p95 in ms" "$(grep 'p95<300ms' units.err)" \
    "lt-agg: FAIL p95<300ms: p95 = 312 ms (limit < 300 ms)"
check_eq "a limit in s shown in ms" "$(grep 'p95<1s' units.err)" \
    "lt-agg: PASS p95<1s: p95 = 312 ms (limit < 1000 ms)"
check "rps in 1/s" grep -q '^lt-agg: FAIL rps>1000: rps = [0-9.]* 1/s (limit > 1000 1/s)' units.err

# issue 12: dropped iterations (open model) are thresholds
{
	cat units.nd
	echo '{"type":"drop","ts":1764400000.500000,"count":46}'
	echo '{"type":"drop","ts":1764400001.500000,"count":62}'
} >drops.nd
lt-agg -c 'dropped==0' drops.nd >/dev/null 2>d1.err
check_eq "dropped==0 with drops: exit 1" "$?" 1
check_eq "dropped counts the iterations" "$(cat d1.err)" \
    "lt-agg: FAIL dropped==0: dropped = 108 (limit == 0)"
lt-agg -c 'dropped_ratio<50%' -c 'dropped_ratio<0.6' drops.nd >/dev/null 2>d2.err
check_eq "dropped_ratio<50% fails at 54%" "$(head -1 d2.err)" \
    "lt-agg: FAIL dropped_ratio<50%: dropped_ratio = 54% (limit < 50%)"
check "dropped_ratio as a fraction" grep -q '^lt-agg: PASS dropped_ratio<0.6: dropped_ratio = 54% (limit < 60%)' d2.err
lt-agg -c 'dropped==0' -c 'dropped_ratio<=0%' units.nd >/dev/null 2>d3.err
check_eq "no drops: dropped thresholds pass" "$?" 0
lt-agg -c '/b:dropped==0' units.nd >/dev/null 2>d4.err
check_eq "dropped for an endpoint: usage error" "$?" 2
check "says it is run-wide" grep -q 'whole run' d4.err
lt-agg -c 'dropped<5%' units.nd >/dev/null 2>d5.err
check_eq "dropped takes no unit" "$?" 2

# issue 12: --exit-code-on-error takes a value (Locust's form)
lt-agg --exit-code-on-error 7 units.nd >/dev/null
check_eq "--exit-code-on-error 7 with failures" "$?" 7
lt-agg --exit-code-on-error=5 units.nd >/dev/null
check_eq "--exit-code-on-error=5" "$?" 5
lt-agg --exit-code-on-error 0 units.nd >/dev/null
check_eq "--exit-code-on-error 0: failures do not count" "$?" 0
lt-agg --exit-code-on-error units.nd >/dev/null
check_eq "--exit-code-on-error without a value: 1" "$?" 1
lt-agg units.nd --exit-code-on-error >/dev/null
check_eq "--exit-code-on-error last: 1" "$?" 1
grep -v '"ok":false' units.nd | lt-agg --exit-code-on-error 7 >/dev/null
check_eq "--exit-code-on-error 7 without failures: 0" "$?" 0
lt-agg --exit-code-on-error 7 -c 'p95<1ms' units.nd >/dev/null 2>&1
check_eq "a failed threshold is 1 whatever the code" "$?" 1
lt-agg --exit-code-on-error=256 units.nd >/dev/null 2>ec.err
check_eq "--exit-code-on-error=256: usage error" "$?" 2

# issue 12: the wrong kind of file
lt-agg units.nd >agg.json 2>/dev/null
lt-agg agg.json >/dev/null 2>k1.err
check_eq "lt-agg aggregate.json: exit 2" "$?" 2
check_eq "lt-agg aggregate.json: says use --merge" "$(cat k1.err)" \
    "lt-agg: agg.json: this is an aggregate (lt-aggregate(5)), not an event stream: use lt-agg --merge agg.json"
jq . agg.json | lt-agg >/dev/null 2>k2.err
check "a reformatted aggregate on stdin: said too" grep -q 'this is an aggregate.*use lt-agg --merge' k2.err
lt-report -o r3 units.nd 2>k3.err
check_eq "lt-report events.ndjson: exit 2" "$?" 2
check_eq "lt-report events.ndjson: says pipe it through lt-agg" "$(cat k3.err)" \
    "lt-report: units.nd: this is an event stream (lt-events(5)), not an aggregate: pipe it through lt-agg"
lt-agg --merge agg.json units.nd >/dev/null 2>k4.err
check "lt-agg --merge events: said too" grep -q 'units.nd: this is an event stream' k4.err
done_testing
