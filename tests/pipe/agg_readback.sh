#!/usr/bin/env bash
# agg_readback.sh - issue 11 section 6: every number read back from an
# aggregate is validated (lt-report and lt-agg --merge/--baseline), and the
# message names the file and the member.
. "$(dirname "$0")/../lib.sh"
cd "$TMP" || exit 1

awk -v n=300 -v seed=3 -v eps=4 -f "$LT_TOP/tests/pipe/agg_gen.awk" >ev.nd
lt-agg ev.nd >a.json 2>/dev/null
lt-report -o ok a.json 2>/dev/null
check_eq "a good aggregate reads" "$?" 0

bad() { # name jq-filter expected-message
	jq -c "$2" a.json >"$1.json"
	lt-report -o "r-$1" "$1.json" >/dev/null 2>"$1.rerr"
	check_eq "$1: lt-report exit 2" "$?" 2
	check_eq "$1: lt-report names file and member" "$(cat "$1.rerr")" "lt-report: $1.json: $3"
	lt-agg --merge a.json "$1.json" >/dev/null 2>"$1.aerr"
	check_eq "$1: lt-agg --merge exit 2" "$?" 2
	check_eq "$1: lt-agg --merge names it" "$(cat "$1.aerr")" "lt-agg: $1.json: $3"
	lt-agg --baseline "$1.json" ev.nd >/dev/null 2>"$1.berr"
	check_eq "$1: lt-agg --baseline exit 2" "$?" 2
}
bad dur '.run.duration_s = -1e308' 'run.duration_s: -1e+308 out of range [0, 9.2e+12]'
bad durbig '.run.duration_s = 1e300' 'run.duration_s: 1e+300 out of range [0, 9.2e+12]'
bad ratio '.total.fail_ratio = 3' 'total.fail_ratio: 3 out of range [0, 1]'
bad rps '.endpoints[1].rps = -5' 'endpoints[1].rps: -5 out of range [0, 1.79769e+308]'
bad pct '.endpoints[0].percentiles_ms["95"] = -3' \
    'endpoints[0].percentiles_ms.95: out of range (a latency is 0 to 3600000 ms)'
bad mean '.total.mean_ms = 1e20' 'total.mean_ms: 1e+20 out of range [0, 3.6e+06]'
bad maxms '.total.max_ms = -0.5' 'total.max_ms: out of range (a latency is 0 to 3600000 ms)'
bad secp '.timeline[0].p95_ms = 1e9' 'timeline[0].p95_ms: out of range (a latency is 0 to 3600000 ms)'
bad end '.run.end = .run.start - 10' 'run.end: before run.start'
bad start '.run.start = 1e300' 'run.start: out of range'
bad req '.endpoints[0].requests = -1' 'endpoints[0].requests: must not be negative'
done_testing
