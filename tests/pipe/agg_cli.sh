#!/usr/bin/env bash
# agg_cli.sh - lt-agg's command line: --help against the man page,
# --version, -o, --format text, --live, bad usage, and the man pages'
# examples run for real.
. "$(dirname "$0")/../lib.sh"
jqe() { jq -e "$@" >/dev/null; }
gen=$LT_TOP/tests/pipe/agg_gen.awk
man1=$LT_TOP/share/man/man1/lt-agg.1
man5=$LT_TOP/share/man/man5/lt-aggregate.5
cd "$TMP" || exit 1

lt-agg --help >help.txt
check_eq "--help: exit 0" "$?" 0
missing=""
for o in $(grep -o -- '--[a-z][a-z-]*' help.txt | sort -u); do
	grep -q -- "Fl \\\\${o#-}" "$man1" || missing="$missing $o"
done
check_eq "every long option of --help is in lt-agg.1" "$missing" ""
check "--version" sh -c 'lt-agg --version | grep -q "^lt-agg [0-9]"'
lt-agg --bogus </dev/null >/dev/null 2>bogus.err
check_eq "unknown option: exit 2" "$?" 2
check "unknown option: usage" grep -q '^usage: lt-agg' bogus.err
lt-agg --format xml </dev/null >/dev/null 2>&1
check_eq "bad format: exit 2" "$?" 2
lt-agg --every 0 </dev/null >/dev/null 2>&1
check_eq "bad interval: exit 2" "$?" 2
lt-agg --merge >/dev/null 2>&1
check_eq "--merge without files: exit 2" "$?" 2
if command -v mandoc >/dev/null; then
	check "lt-agg.1 lints clean" mandoc -Tlint -Wwarning "$man1"
	check "lt-aggregate.5 lints clean" mandoc -Tlint -Wwarning "$man5"
else
	skip "man lint" "no mandoc"
fi

awk -v n=3000 -v seed=3 -v eps=4 -v rate=500 -v users=1 -f "$gen" >ev.ndjson
lt-agg -o out.json ev.ndjson >stdout.txt
check "-o writes the file" jqe '.total.requests == 3000' out.json
check "-o leaves stdout empty" [ ! -s stdout.txt ]
lt-agg -o /nonexistent/dir/x.json ev.ndjson 2>o.err
check_eq "-o into a missing directory: exit 3 (an output failure)" "$?" 3

lt-agg --format text ev.ndjson >sum.txt
check "text: stats table" grep -q '^Type  *Name  *# reqs  *# fails' sum.txt
check "text: Aggregated row with the total" \
    grep -Eq '^ +Aggregated +3000 ' sum.txt
check "text: percentiles table" grep -q 'Response time percentiles' sum.txt
check "text: error report" grep -q '^Error report' sum.txt
lt-agg -q --format text -c 'rps>0' ev.ndjson | tail -2 >thr.txt
check "text: threshold results" grep -q '^PASS rps>0: rps = ' thr.txt
check "text: input accounting" grep -q '^Input: 3012 lines, 3012 events, 0 rejected' sum.txt

# --live: tables on stderr while a slow writer feeds the pipe
{
	head -n 1000 ev.ndjson
	sleep 0.5
	sed -n '1001,2000p' ev.ndjson
	sleep 0.5
	tail -n +2001 ev.ndjson
} | lt-agg --every 200ms >live.json 2>live.err
check_eq "--every: exit 0" "$?" 0
check "--every: several tables on stderr" \
    [ "$(grep -c '^lt-agg: .* events' live.err)" -ge 2 ]
check "--every: Aggregated lines" grep -q 'Aggregated' live.err
check_eq "--every: same aggregate on stdout" \
    "$(jq -S 'del(.input.rejects)' live.json | md5sum)" \
    "$(lt-agg <ev.ndjson | jq -S 'del(.input.rejects)' | md5sum)"
{ head -n 10 ev.ndjson; sleep 1; } | lt-agg --every 200ms >/dev/null 2>idle.err
check "--every: tables while the input is idle" \
    [ "$(grep -c '^lt-agg: 10 events' idle.err)" -ge 3 ]
{ sleep 1.2; head -n 10 ev.ndjson; } | lt-agg --every 200ms >/dev/null 2>start.err
check "--every: tables while a pipe is silent from the start (gzip sniff)" \
    [ "$(grep -c '^lt-agg: 0 events' start.err)" -ge 2 ]
lt-agg --live <ev.ndjson >/dev/null 2>live2.err
check "--live: final table" grep -q 'Aggregated' live2.err

# a reader that goes away has taken what it wanted (QA F11): no message,
# no death by SIGPIPE, the status as if the output had been read whole
lt-agg --timeline-endpoints ev.ndjson >big.json
check "big enough to fill a pipe" [ "$(wc -c <big.json)" -gt 100000 ]
lt-agg --timeline-endpoints ev.ndjson 2>epipe.err | head -c 10 >/dev/null
check_eq "closed stdout: exit 0" "${PIPESTATUS[0]}" 0
check "closed stdout: no message" [ ! -s epipe.err ]
lt-agg -q -c 'p99<1us' --timeline-endpoints ev.ndjson 2>epipe.err |
    head -c 10 >/dev/null
check_eq "closed stdout: a failed threshold still exits 1" "${PIPESTATUS[0]}" 1
lt-agg --timeline-endpoints ev.ndjson 2>full.err >/dev/full
check_eq "write error: exit 3" "$?" 3
check_eq "write error: one message" "$(cat full.err)" \
    "lt-agg: stdout: No space left on device"
lt-agg -o /dev/full ev.ndjson 2>full.err
check_eq "write error on -o: exit 3, one message" "$?:$(cat full.err)" \
    "3:lt-agg: /dev/full: No space left on device"
lt-agg "$TMP" 2>dir.err
check_eq "a directory: exit 2 (an input error)" "$?" 2
check_eq "a directory: named" "$(cat dir.err)" "lt-agg: $TMP: is a directory"

# QA F36: text columns padded by characters, not bytes (UTF-8 names)
{
	printf '{"type":"req","ts":1795945276,"name":"/\303\274n\303\257c\303\266d\303\251/\303\237\303\237/\342\202\254\342\202\254\342\202\254","method":"GET","latency_ms":1}\n'
	printf '{"type":"req","ts":1795945276,"name":"/plain","method":"GET","latency_ms":2}\n'
	printf '{"type":"req","ts":1795945276,"name":"/%s","method":"GET","latency_ms":2}\n' \
	    "$(printf '\303\251%.0s' $(seq 1 90))"
} | lt-agg --format text >u8.txt
cols=$(grep -E '^(GET|  ) .*[|]' u8.txt | cut -d'|' -f1 | while IFS= read -r l; do
	printf '%s' "$l" | LC_ALL=C.UTF-8 wc -m; done | sort -u)
check_eq "UTF-8 names: every row's first '|' in the same column" \
    "$(echo "$cols" | wc -l)" 1
check_eq "UTF-8 names: percentile rows as wide as each other" \
    "$(grep -E '^(GET|  ) ' u8.txt | grep -v '[|]' | while IFS= read -r l; do
	printf '%s' "$l" | LC_ALL=C.UTF-8 wc -m; done | sort -u | wc -l)" 1
check "UTF-8 names: a long name cut on a character boundary" \
    sh -c 'iconv -f UTF-8 -t UTF-8 u8.txt >/dev/null'

# the examples of the man pages
lt-agg ev.ndjson >run.json
gzip -c ev.ndjson >ev.ndjson.gz
gzip -dc ev.ndjson.gz | jq -c 'select(.class == "Buyer")' | lt-agg >buyer.json
check "example: jq filter" jqe '.total.requests == 0 and .input.lines == 0' buyer.json
lt-agg --check 'p95<300ms' --check 'GET /e0:p99<1s' \
    --check 'fail_ratio<1%' ev.ndjson >/dev/null 2>ex.err
check_eq "example: checks run (fail_ratio fails on 5% failures)" "$?" 1
check "example: three check lines" [ "$(grep -c '^lt-agg: \(PASS\|FAIL\)' ex.err)" -eq 3 ]
head -n 1500 ev.ndjson | lt-agg >w1.json
tail -n +1501 ev.ndjson | lt-agg >w2.json
cp run.json nightly.json
lt-agg --merge w1.json w2.json >merged.json
lt-agg --merge --baseline nightly.json --tolerance 10% merged.json >/dev/null 2>bl.err
check_eq "example: merge then baseline, no regression" "$?" 0
jq -r '.endpoints[] | "\(.method) \(.name) \(.percentiles_ms["95"])"' run.json >p95.txt
check "example: p95 per endpoint" [ "$(wc -l <p95.txt)" -eq 4 ]
jq -r '.timeline[] | "\(.t) \(.requests)"' run.json >rps.txt
check "example: requests per second" [ "$(wc -l <rps.txt)" -ge 6 ]
done_testing
