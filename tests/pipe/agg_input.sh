#!/usr/bin/env bash
# agg_input.sh - lt-agg on bad and unusual input: malformed and truncated
# lines, empty input, huge numbers, non-UTF-8 bytes, an over-long line,
# --strict, gzip-compressed files, and jq-rewritten events.
. "$(dirname "$0")/../lib.sh"
jqe() { jq -e "$@" >/dev/null; }
gen=$LT_TOP/tests/pipe/agg_gen.awk
cd "$TMP" || exit 1

awk -v n=500 -v seed=5 -v eps=3 -f "$gen" >ev.nd
lt-agg ev.nd >good.json

# malformed and truncated lines are counted, never stop the run
{
	head -n 100 ev.nd
	echo 'not json at all'
	echo '{"type":"req","ts":1764400000.5,"name":"/x"'
	echo '{"type":"req","name":"/x","latency_ms":1}'
	echo '{"type":"req","ts":1764400000.5,"name":"/x","latency_ms":-4}'
	echo '{"type":"req","ts":1764400000.5,"name":"/x","status":7000}'
	tail -n +101 ev.nd
	printf '{"type":"req","ts":1764400001.5,"name":"/trunc'
} >bad.nd
lt-agg bad.nd >bad.json 2>bad.err
check_eq "broken lines: exit 0" "$?" 0
check "five rejects plus the truncated last line" \
    jqe '.input.rejected == 6 and (.input.rejects | length) == 6' bad.json
check "rejects name file and line" \
    jqe '.input.rejects[0] == {"file":"bad.nd","line":101,"reason":.input.rejects[0].reason} and (.input.rejects[0].reason | test("col 1"))' bad.json
check "the good events all counted" \
    jqe --slurpfile g good.json '.total == $g[0].total' bad.json
check "lines counted" jqe '.input.lines == (502 + 6)' bad.json

# --strict: the first bad line is an error, exit 2, file:line: reason
lt-agg --strict bad.nd >strict.out 2>strict.err
check_eq "--strict exit status" "$?" 2
check "--strict message" grep -q '^lt-agg: bad.nd:101: col 1: ' strict.err
check "--strict writes no aggregate" [ ! -s strict.out ]
lt-agg --strict ev.nd >/dev/null
check_eq "--strict on good input" "$?" 0

# empty input: a valid aggregate with zero counts
lt-agg </dev/null >empty.json
check_eq "empty input: exit 0" "$?" 0
check "empty input: zero counts" jqe '.total.requests == 0 and .endpoints == [] and .timeline == [] and .run.duration_s == 0 and .input.lines == 0 and .total.percentiles_ms["100"] == 0' empty.json
lt-agg --format text </dev/null >empty.txt
check "empty input: text summary" grep -q Aggregated empty.txt

# huge numbers: latency above one hour is counted in overflow and clamped
printf '%s\n' \
    '{"type":"req","ts":1764400000.1,"name":"/h","method":"GET","status":200,"ok":true,"latency_ms":99999999999.5,"bytes":9223372036854775807}' \
    '{"type":"req","ts":1764400000.2,"name":"/h","method":"GET","status":200,"ok":true,"latency_ms":1e3}' \
    '{"type":"req","ts":1e300,"name":"/h","method":"GET","status":200,"ok":true,"latency_ms":1}' \
    '{"type":"users","ts":1764400000.3,"count":123456789012}' |
    lt-agg >huge.json 2>huge.err
check_eq "huge numbers: exit 0" "$?" 0
check "overflow counted, max clamped to one hour" \
    jqe '.endpoints[0].hist.overflow == 1 and .endpoints[0].max_ms == 3600000 and .endpoints[0].percentiles_ms["100"] == 3600000' huge.json
check "huge users count" jqe '.run.max_users == 123456789012' huge.json
check "huge output is valid JSON with the accepted events" \
    jqe '.input.events + .input.rejected == 4' huge.json

# non-UTF-8 bytes in names: valid JSON out, and --merge reads it back
printf '{"type":"req","ts":1764400000.1,"name":"/caf\xe9\xff","method":"GET","status":200,"ok":true,"latency_ms":1}\n{"type":"req","ts":1764400000.2,"name":"/caf\\u00e9","method":"GET","status":200,"ok":true,"latency_ms":2}\n' >utf.nd
lt-agg utf.nd >utf.json
check "non-UTF-8: output is valid JSON" jqe '.input.lines == 2' utf.json
lt-agg --merge utf.json >utf2.json
check_eq "non-UTF-8: merge reads it back" "$?" 0

# an over-long line (over 1 MiB) is a reject with its line number
{
	head -n 3 ev.nd
	printf '{"type":"req","ts":1764400000.1,"name":"/%s"}\n' \
	    "$(head -c 1100000 /dev/zero | tr '\0' a)"
	tail -n +4 ev.nd
} >long.nd
lt-agg long.nd >long.json
check "over-long line rejected" \
    jqe '.input.rejected == 1 and .input.rejects[0].line == 4' long.json
check "and the rest used" jqe --slurpfile g good.json '.total == $g[0].total' long.json

# gzip input, detected by its magic bytes, alone or among plain files
gzip -c ev.nd >ev.nd.gz
cp ev.nd.gz ev.data
lt-agg ev.nd.gz >gz.json
check_eq ".gz input" "$(jq -S 'del(.input.rejects)' gz.json | md5sum)" \
    "$(jq -S 'del(.input.rejects)' good.json | md5sum)"
lt-agg ev.data >gz2.json
check "gzip detected without the suffix" jqe '.total.requests == 500' gz2.json
lt-agg <ev.nd.gz >gz3.json
check "gzip on redirected stdin" jqe '.total.requests == 500' gz3.json
# QA F21: a piped stdin too (ssh box cat run.ndjson.gz | lt-agg)
cat ev.nd.gz | lt-agg >gz4.json
check_eq "gzip on piped stdin" "$(jq -c '[.total.requests, .input.rejected]' gz4.json)" "[500,0]"
cat ev.nd | lt-agg >pipe.json
check_eq "plain piped stdin: the peeked bytes are not lost" \
    "$(jq -S 'del(.input.rejects)' pipe.json | md5sum)" \
    "$(lt-agg ev.nd | jq -S 'del(.input.rejects)' | md5sum)"
{ printf '{'; sleep 0.2; tail -c +2 ev.nd; } | lt-agg >slow.json
check_eq "a pipe that delivers one byte first" "$(jq .total.requests slow.json)" 500
head -c 100 ev.nd.gz | lt-agg >/dev/null 2>trunc.err
check_eq "truncated gzip on a pipe: exit 2" "$?" 2
printf 'x' | lt-agg >/dev/null 2>x.err
check_eq "one-byte pipe: exit 2 (no usable event)" "$?" 2
: | lt-agg >/dev/null
check_eq "empty pipe: exit 0" "$?" 0
# QA F11 addendum: an output that cannot be opened is an output failure (3)
lt-agg -o "$TMP/nonexist/o.json" ev.nd 2>o.err
check_eq "-o in a missing directory: exit 3" "$?" 3
head -c 3000 ev.nd.gz >cut.gz
lt-agg cut.gz >cut.json 2>cut.err
check_eq "truncated .gz: exit 2" "$?" 2
check "truncated .gz: message" grep -q 'cut.gz: gzip -dc failed' cut.err

# events rewritten by jq (key order, number forms) give the same result
jq -c '{latency_ms, ts, type, name, method, status, ok, error, bytes, ttfb_ms, phase, count, reason, host, scenario, options} | with_entries(select(.value != null))' ev.nd >jq1.nd
jq -c . ev.nd >jq2.nd
lt-agg jq2.nd >jq2.json
check_eq "jq -c . gives the same aggregate" \
    "$(jq -S 'del(.input.rejects)' jq2.json | md5sum)" \
    "$(jq -S 'del(.input.rejects)' good.json | md5sum)"
lt-agg jq1.nd >jq1.json
check_eq "reordered keys give the same figures" \
    "$(jq -S '.total' jq1.json | md5sum)" "$(jq -S '.total' good.json | md5sum)"

# missing file: exit 2 with the name
lt-agg no-such-file >/dev/null 2>nf.err
check_eq "missing file: exit 2" "$?" 2
check "missing file: message" grep -q '^lt-agg: no-such-file: No such file' nf.err
done_testing
