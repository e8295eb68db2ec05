#!/usr/bin/env bash
# baseline_agree.sh - lt-agg --baseline (a CI gate) and lt-report
# --baseline (the report) judge the same pair of aggregates alike: one
# set of rules in lib/agg/baseline.c.  The pair holds a real regression
# (/slow: +75% latency, -20% requests/s), sub-millisecond noise (/fast:
# 0.4 -> 0.7 ms), a failure-ratio change (/pay: 0 -> 0.3%) and one under
# the 0.1 point floor (/flaky: 0 -> 0.05%); at 10% and at 50% tolerance
# (where the old lt-agg rule, t * max(old, 1%), let /pay pass).
. "$(dirname "$0")/../lib.sh"

cd "$TMP" || exit 3

# gen SLOW_MS FAST_MS SLOW_N PAY_FAILS FLAKY_FAILS: a 10 s run.
gen() {
	awk -v slow="$1" -v fast="$2" -v nslow="$3" -v pf="$4" -v ff="$5" '
	function req(t, m, name, lat, ok) {
		printf "{\"type\":\"req\",\"ts\":%.6f,\"name\":\"%s\",\"method\":\"%s\",\"url\":\"http://127.0.0.1:1%s\",\"status\":%d,\"ok\":%s,\"error\":%s,\"latency_ms\":%.3f,\"bytes\":100,\"user\":1,\"class\":\"A\"}\n", \
		    t, name, m, name, ok ? 200 : 500, ok ? "true" : "false", \
		    ok ? "null" : "\"http: 500 Internal Server Error\"", lat
	}
	BEGIN {
		t0 = 1764400000
		printf "{\"type\":\"run\",\"ts\":%.6f,\"phase\":\"start\",\"lt_version\":\"0.1.0\",\"host\":\"http://127.0.0.1:1\",\"scenario\":\"a.lt\",\"options\":{}}\n", t0
		for (i = 0; i < nslow; i++)
			req(t0 + 0.01 + i * 9.9 / nslow, "GET", "/slow", slow + i % 10, 1)
		for (i = 0; i < 1000; i++)
			req(t0 + 0.01 + i * 0.0099, "GET", "/fast", fast + (i % 10) * 0.01, 1)
		for (i = 0; i < 1000; i++)
			req(t0 + 0.01 + i * 0.0099, "POST", "/pay", 50 + i % 10, i >= pf)
		for (i = 0; i < 2000; i++)
			req(t0 + 0.01 + i * 0.00495, "GET", "/flaky", 50 + i % 10, i >= ff)
		printf "{\"type\":\"run\",\"ts\":%.6f,\"phase\":\"end\",\"reason\":\"time\"}\n", t0 + 10
	}'
}
gen 20 0.4 1000 0 0 | lt-agg >old.json
gen 35 0.7 800 3 1 | lt-agg >new.json
check "two aggregates written" [ -s old.json -a -s new.json ]

# "GET /slow p50" per metric judged worse, sorted.
agg_worse() {
	jq -r '.baseline | [.total] + .endpoints | .[] | select(.metrics)
	    | . as $e | .metrics | to_entries[] | select(.value.regressed)
	    | "\($e.method) \($e.name) \(.key)"' "$1" |
	    sed 's/_ms$//; s/fail_ratio$/fail/; s/^ //' | sort
}
report_worse() {
	sed -n '/^## Comparison with the baseline/,/^## /p' "$1" |
	    awk -F'|' 'NF == 8 && $2 !~ /Endpoint|---/ {
		split("p50 p95 p99 rps fail", k, " ")
		gsub(/^ +| +$/, "", $2)
		for (i = 1; i <= 5; i++)
			if ($(i + 2) ~ /\(worse\)/)
				print $2 " " k[i]
	    }' | sort
}

for tol in 10% 50; do
	lt-agg --merge --baseline old.json --tolerance "$tol" new.json \
	    >agg.json 2>agg.err
	agg_rc=$?
	lt-report --baseline old.json --tolerance "$tol" --format md \
	    new.json >rep.md 2>rep.err
	rep_rc=$?
	check_eq "tolerance $tol: lt-agg exits 1" "$agg_rc" 1
	check_eq "tolerance $tol: lt-report exits 1" "$rep_rc" 1
	agg_worse agg.json >agg.txt
	report_worse rep.md >rep.txt
	check "tolerance $tol: lt-agg lists regressions" [ -s agg.txt ]
	check_eq "tolerance $tol: the same metrics are worse in both" \
	    "$(cat rep.txt)" "$(cat agg.txt)"
	check_eq "tolerance $tol: lt-report counts what lt-agg flags" \
	    "$(sed -n 's/^lt-report: \([0-9]*\) regressions\{0,1\} .*/\1/p' rep.err)" \
	    "$(wc -l <agg.txt | tr -d ' ')"
	check "tolerance $tol: the slow endpoint's p99 is worse" \
	    grep -qx 'GET /slow p99' agg.txt
	check "tolerance $tol: 0 -> 0.3% failures is worse" \
	    grep -qx 'POST /pay fail' agg.txt
	check "tolerance $tol: sub-ms noise is not" \
	    sh -c '! grep -q "/fast" agg.txt rep.txt'
	check "tolerance $tol: 0 -> 0.05% failures is not" \
	    sh -c '! grep -q "/flaky" agg.txt rep.txt'
done
check "10% is beaten by the -20% requests/s; 50% is not" \
    sh -c '! grep -q "/slow rps" agg.txt'

# the same --tolerance parsing: one line, exit 2, for both programs
for bad in nan inf -1 10x '' 1%%; do
	lt-agg --baseline old.json --tolerance "$bad" new.json \
	    >/dev/null 2>err1
	check_eq "lt-agg --tolerance '$bad': exit 2" "$?" 2
	lt-report --baseline old.json --tolerance "$bad" new.json \
	    >/dev/null 2>err2
	check_eq "lt-report --tolerance '$bad': exit 2" "$?" 2
	check_eq "'$bad': one line each" "$(cat err1 err2 | wc -l)" 2
done
for good in 0 0% 12.5% 1000; do
	lt-agg --merge --baseline old.json --tolerance "$good" old.json \
	    >/dev/null 2>&1
	check_eq "lt-agg --tolerance '$good' accepted" "$?" 0
	lt-report --baseline old.json --tolerance "$good" old.json \
	    >/dev/null 2>&1
	check_eq "lt-report --tolerance '$good' accepted" "$?" 0
done
done_testing
