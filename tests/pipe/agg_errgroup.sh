#!/usr/bin/env bash
# agg_errgroup.sh - QA F5/F8: failures whose messages differ only by a
# measurement (libcurl's "after 1000 milliseconds" vs "1001") form one
# group, with the first message seen kept as "example"; identities (status
# codes) still separate groups; merging old aggregates groups the same way.
. "$(dirname "$0")/../lib.sh"
jqe() { jq -e "$@" >/dev/null; }
cd "$TMP" || exit 1

fev() { # ts error
	printf '{"type":"req","ts":%s,"name":"/stall","method":"GET","status":0,"ok":false,"error":"%s","latency_ms":1000,"bytes":0}\n' "$1" "$2"
}
to='timeout: Operation timed out after %s milliseconds with 0 bytes received'
{
	fev 1764400000.1 "$(printf "$to" 1001)"
	fev 1764400000.2 "$(printf "$to" 1000)"
	fev 1764400000.3 "$(printf "$to" 1003)"
	fev 1764400000.4 'http: status 503'
	fev 1764400000.5 'http: status 500'
	fev 1764400000.6 'http: status 500'
} >f.nd
lt-agg f.nd >f.json
check_eq "one timeout group, status codes apart" \
    "$(jq -r '.failures[] | "\(.occurrences) \(.error)"' f.json)" \
    "3 timeout: Operation timed out after N milliseconds with N bytes received
2 http: status 500
1 http: status 503"
check "example: the first message seen" \
    jqe '.failures[0].example == "timeout: Operation timed out after 1001 milliseconds with 0 bytes received"' f.json
check "no example when the error is its own key" \
    jqe '.failures[1] | has("example") | not' f.json
check "text report: one row for the timeouts" \
    [ "$(lt-agg --format text f.nd | grep -c 'timed out after')" -eq 1 ]

# an aggregate written before grouping keys existed: raw errors merge
t1004=$(printf "$to" 1004) t1005=$(printf "$to" 1005)
jq -c --arg a "$t1004" --arg b "$t1005" '.failures = [{"method":"GET","name":"/stall","error":$a,"occurrences":2},{"method":"GET","name":"/stall","error":"http: status 500","occurrences":2},{"method":"GET","name":"/stall","error":$b,"occurrences":1},{"method":"GET","name":"/stall","error":"http: status 503","occurrences":1}]' f.json >old.json
lt-agg --merge old.json f.json >m.json
check "merge: old raw errors join the group" \
    jqe '.failures[0].occurrences == 6 and (.failures | length) == 3 and .failures[0].error == "timeout: Operation timed out after N milliseconds with N bytes received" and .failures[0].example == "timeout: Operation timed out after 1004 milliseconds with 0 bytes received"' m.json
lt-agg --merge f.json old.json >m2.json
check "merge: example from the first member" \
    jqe '.failures[0].example == "timeout: Operation timed out after 1001 milliseconds with 0 bytes received"' m2.json
lt-agg --merge m.json >m3.json
check "merge of a merged aggregate keeps the example" \
    jqe '.failures[0].example == "timeout: Operation timed out after 1004 milliseconds with 0 bytes received" and .failures[0].occurrences == 6' m3.json
printf '{"type":"req","ts":1764400000.1,"name":"/x","method":"GET","status":0,"ok":false,"error":"a\\u0000b 5 ms","latency_ms":1}\n' |
    lt-agg >nul.json
check "an example with a NUL is kept whole" \
    jqe '.failures[0].example == "a\u0000b 5 ms"' nul.json

# QA F26: a request cut off by the end of the run has no response time:
# counted as a request and a failure, its latency (the time until the cut)
# left out of the latency statistics, as a req without latency_ms
{
	printf '{"type":"req","ts":1764400000.1,"name":"/x","method":"GET","status":200,"ok":true,"error":null,"latency_ms":3}\n'
	printf '{"type":"req","ts":1764400000.2,"name":"/x","method":"GET","status":200,"ok":true,"error":null,"latency_ms":5}\n'
	printf '{"type":"req","ts":1764400000.3,"name":"/x","method":"GET","status":0,"ok":false,"error":"interrupted: run time over","latency_ms":7983}\n'
} >int.nd
lt-agg int.nd >int.json
check_eq "interrupted: counted, latency left out" \
    "$(jq -c '.total | [.requests, .failures, .max_ms, .hist.count]' int.json)" \
    "[3,1,5,2]"
check "interrupted: in the failures table" \
    jqe '.failures[0].error == "interrupted: run time over"' int.json
# issue 12: a configured limit tells causes apart and stays in the group
# key; the measured time after it does not (lt-run against stalls)
start_target || exit 1
cat >lim.lt <<LT
host $TARGET_URL
user U
  sequence
    task GET /stall name /short
      timeout 300ms
    task GET /stall name /long
      timeout 600ms
LT
lt-run -q -f lim.lt -i 2 -o lim.nd 2>lim.err
lt-agg lim.nd >lim.json
check_eq "lt-run: two limits, two groups, the limits kept" \
    "$(jq -r '[.failures[].error] | sort | .[]' lim.json)" \
    "timeout: no response within 300 ms
timeout: no response within 600 ms"
{
	fev 1764400001.1 'check: latency 12.5 ms > 10 ms'
	fev 1764400001.2 'check: latency 17 ms > 10 ms'
	fev 1764400001.3 'check: latency 31 ms > 20 ms'
} >lim2.nd
lt-agg lim2.nd >lim2.json
check_eq "measured values fold, limits separate" \
    "$(jq -r '.failures[] | "\(.occurrences) \(.error)"' lim2.json)" \
    "2 check: latency N ms > 10 ms
1 check: latency N ms > 20 ms"
done_testing
