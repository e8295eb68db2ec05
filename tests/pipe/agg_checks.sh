#!/usr/bin/env bash
# agg_checks.sh - thresholds (true, false, invalid, exit statuses and the
# "thresholds" array), --exit-code-on-error, --baseline regression
# detection, failure grouping, and CO-corrected vs raw latency on a
# synthetic stall.
. "$(dirname "$0")/../lib.sh"
jqe() { jq -e "$@" >/dev/null; }
gen=$LT_TOP/tests/pipe/agg_gen.awk
cd "$TMP" || exit 1

awk -v n=2000 -v seed=11 -v eps=4 -f "$gen" >ev.nd

# thresholds
lt-agg -c 'p95<3600s' -c 'p50<1000s' ev.nd >pass.json 2>pass.err
check_eq "passing thresholds: exit 0" "$?" 0
check "PASS lines on stderr" [ "$(grep -c '^lt-agg: PASS ' pass.err)" -eq 2 ]
lt-agg -c 'p95<3600s' -c 'p99<1us' ev.nd >fail.json 2>fail.err
check_eq "a failing threshold: exit 1" "$?" 1
check "FAIL line names value and limit" \
    grep -q '^lt-agg: FAIL p99<1us: p99 = .* ms (limit < 0.001 ms)' fail.err
check "aggregate still written" jqe '.total.requests == 2000' fail.json
check "thresholds array" jqe '(.thresholds | length) == 2 and .thresholds[0].ok == true and .thresholds[1].ok == false and .thresholds[1].metric == "p99" and .thresholds[1].limit == 0.001 and .thresholds[1].endpoint == null' fail.json
check "value is the aggregate's p99" \
    jqe '.thresholds[1].value == .total.percentiles_ms["99"]' fail.json
lt-agg -c 'GET /e0:requests>0' -c '/e0:failures>=0' -c 'fail_ratio<100%' \
    -c 'rps>0' ev.nd >ep.json 2>/dev/null
check_eq "endpoint thresholds: exit 0" "$?" 0
check "endpoint named in the result" \
    jqe '.thresholds[0].endpoint == "GET /e0" and .thresholds[0].value == (.endpoints[] | select(.method == "GET" and .name == "/e0") | .requests)' ep.json
lt-agg -c 'GET /nope:p95<1s' ev.nd >/dev/null 2>nope.err
check_eq "unknown endpoint fails: exit 1" "$?" 1
check "unknown endpoint named" grep -q 'no endpoint GET /nope' nope.err
lt-agg -c 'p95<300xs' ev.nd >bad.out 2>bad.err
check_eq "invalid expression: exit 2" "$?" 2
check "invalid expression: position named" \
    grep -q "^lt-agg: check 'p95<300xs': col 8: expected a time unit" bad.err
check "invalid expression: nothing on stdout" [ ! -s bad.out ]
lt-agg -q -c 'p99<1us' ev.nd >/dev/null 2>quiet.err
check_eq "-q: still exit 1" "$?" 1
check "-q: no lines" [ ! -s quiet.err ]

# --exit-code-on-error: 1 when any request failed, as Locust's default
lt-agg --exit-code-on-error ev.nd >/dev/null
check_eq "--exit-code-on-error with failures" "$?" 1
grep '"ok":true' ev.nd | lt-agg --exit-code-on-error >/dev/null
check_eq "--exit-code-on-error without failures" "$?" 0

# failure grouping: by method, name and error, occurrences descending
lt-agg ev.nd >agg.json
awk '/"ok":false/ { m = $0; sub(/.*"method":"/, "", m); sub(/".*/, "", m)
	n = $0; sub(/.*"name":"/, "", n); sub(/".*/, "", n)
	e = $0; sub(/.*"error":"/, "", e); sub(/".*/, "", e)
	c[m " " n " " e]++ }
    END { for (k in c) print c[k], k }' ev.nd | sort >want.txt
jq -r '.failures[] | "\(.occurrences) \(.method) \(.name) \(.error)"' \
    agg.json | sort >got.txt
check_eq "failure groups and occurrences" "$(cat got.txt)" "$(cat want.txt)"
check "failures sorted by occurrences" \
    jqe '[.failures[].occurrences] == ([.failures[].occurrences] | sort | reverse)' agg.json
check "failures total" jqe '([.failures[].occurrences] | add) == .total.failures' agg.json
check "status code counts" \
    jqe '(.total.status | to_entries | map(.value) | add) == .total.requests' agg.json

# --baseline: the same run does not regress; a slower one does
lt-agg --baseline agg.json ev.nd >same.json 2>same.err
check_eq "baseline, same run: exit 0" "$?" 0
check "baseline object" jqe '.baseline.regressed == false and .baseline.tolerance == 0.1 and (.baseline.endpoints | length) == 4' same.json
awk '{ if (match($0, /"latency_ms":[0-9.]+/)) {
	v = substr($0, RSTART + 13, RLENGTH - 13) * 1.5
	$0 = substr($0, 1, RSTART - 1) sprintf("\"latency_ms\":%.3f", v) substr($0, RSTART + RLENGTH) }
	print }' ev.nd >slow.nd
lt-agg --baseline agg.json slow.nd >slow.json 2>slow.err
check_eq "baseline, 50% slower: exit 1" "$?" 1
check "regression flagged per metric" \
    jqe '.baseline.regressed == true and .baseline.total.metrics.p95_ms.regressed == true and .baseline.total.metrics.rps.regressed == false' slow.json
check "regression on stderr" grep -q 'REGRESSED .*p95_ms' slow.err
lt-agg --baseline agg.json --tolerance 60% slow.nd >/dev/null 2>&1
check_eq "within a 60% tolerance: exit 0" "$?" 0
lt-agg --baseline ev.nd ev.nd >/dev/null 2>bl.err
check_eq "baseline not an aggregate: exit 2" "$?" 2
lt-agg --tolerance abc ev.nd >/dev/null 2>tol.err
check_eq "bad tolerance: exit 2" "$?" 2
# QA F18: one line, not the whole usage; the same range as lt-report
check_eq "bad tolerance: one line" "$(cat tol.err)" \
    "lt-agg: bad tolerance 'abc' (see lt-agg --help)"
for t in nan inf -1 10x 1e999; do
	lt-agg --baseline agg.json --tolerance "$t" ev.nd >/dev/null 2>&1
	check_eq "tolerance $t: exit 2" "$?" 2
done
# QA F19: sub-millisecond noise is not a latency regression (floor 1 ms)
lat() { # latency_ms -> 100 events of /fast
	awk -v l="$1" 'BEGIN { for (i = 0; i < 100; i++)
		printf "{\"type\":\"req\",\"ts\":%.3f,\"name\":\"/fast\",\"method\":\"GET\",\"status\":200,\"ok\":true,\"error\":null,\"latency_ms\":%s}\n", 1764400000 + i / 100, l }'
}
lat 0.4 | lt-agg >fast-old.json
lat 0.7 | lt-agg -q --baseline fast-old.json >fast-new.json
check_eq "0.4 -> 0.7 ms: no regression (exit 0)" "$?" 0
check "0.4 -> 0.7 ms: p95 not flagged" \
    jqe '.baseline.total.metrics.p95_ms | .old == 0.4 and .new == 0.7 and .regressed == false' fast-new.json
lat 10 | lt-agg >slow-old.json
lat 12 | lt-agg -q --baseline slow-old.json >/dev/null
check_eq "10 -> 12 ms: a regression (exit 1)" "$?" 1
lat 1.9 | lt-agg -q --baseline fast-old.json >/dev/null
check_eq "0.4 -> 1.9 ms: a regression (exit 1)" "$?" 1
for t in 10000 0 0.5% 10%; do
	lt-agg -q --baseline agg.json --tolerance "$t" ev.nd >/dev/null 2>&1
	check_eq "tolerance $t accepted (any finite percentage >= 0)" "$?" 0
done

# coordinated omission: an open-model stream that stalls for 2 s.  Every
# 10 ms a request is scheduled; during the stall sends are late by up to
# 2 s (wait_ms) while each request still takes 1 ms once sent.
awk 'BEGIN { t0 = 1764400000
	for (i = 0; i < 1000; i++) {
		t = t0 + i * 0.01; w = 0
		if (i >= 300 && i < 500) w = (500 - i) * 10
		printf "{\"type\":\"req\",\"ts\":%.6f,\"name\":\"/s\",\"method\":\"GET\",\"status\":200,\"ok\":true,\"latency_ms\":1.000,\"wait_ms\":%.3f}\n", t, w
	} }' >stall.nd
lt-agg stall.nd >stall.json
check "raw latency hides the stall" jqe '.total.percentiles_ms["99"] == 1' stall.json
check "CO-corrected p99 shows it" \
    jqe '.total.co.percentiles_ms["99"] > 1900 and .total.co.max_ms == 2001' stall.json
check "CO-corrected median" \
    jqe '.total.co.percentiles_ms["50"] == 1 and .total.co.percentiles_ms["90"] > 1000' stall.json
check "timeline carries co percentiles" \
    jqe '[.timeline[] | select(.co_p99_ms > 900)] | length == 2' stall.json
lt-agg -c 'co_p99<100ms' stall.nd >/dev/null 2>&1
check_eq "co_p99 threshold fails on the stall" "$?" 1
lt-agg --format text stall.nd >stall.txt
check "text shows the corrected table" grep -q 'coordinated omission' stall.txt
done_testing
