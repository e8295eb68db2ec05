#!/usr/bin/env bash
# agg_merge.sh - lt-agg --merge equals aggregating the concatenated events;
# events out of time order give the same aggregate; the timeline is
# aligned on wall-clock seconds.
. "$(dirname "$0")/../lib.sh"
jqe() { jq -e "$@" >/dev/null; }
gen=$LT_TOP/tests/pipe/agg_gen.awk
cd "$TMP" || exit 1

awk -v n=6000 -v seed=7 -v eps=6 -v rate=300 -v users=1 -v wait=1 -f "$gen" >ev.nd
split -l 2000 -d ev.nd part.
parts=$(ls part.*)
check "four parts" [ "$(echo "$parts" | wc -l)" -eq 4 ]

# shellcheck disable=SC2086
lt-agg $parts >whole.json
check "aggregate of all parts" jqe '.total.requests == 6000' whole.json
for p in $parts; do lt-agg "$p" >"$p.json"; done
lt-agg --merge part.*.json >merged.json
check "merge exits 0" [ $? -eq 0 ]
check_eq "merge equals aggregating the concatenation" \
    "$(jq -S . merged.json | md5sum)" "$(jq -S . whole.json | md5sum)"

# merge is associative: ((a b) c d) == (a b c d)
lt-agg --merge part.00.json part.01.json >ab.json
lt-agg --merge ab.json part.02.json part.03.json >abcd.json
check_eq "merging merged aggregates" \
    "$(jq -S . abcd.json | md5sum)" "$(jq -S . whole.json | md5sum)"

# same with per-endpoint timelines
# shellcheck disable=SC2086
lt-agg --timeline-endpoints $parts >whole_e.json
for p in $parts; do lt-agg --timeline-endpoints "$p" >"$p.e.json"; done
lt-agg --merge part.*.e.json >merged_e.json
check_eq "merge with --timeline-endpoints" \
    "$(jq -S . merged_e.json | md5sum)" "$(jq -S . whole_e.json | md5sum)"
check "per-endpoint series present" \
    jqe '[.timeline[].endpoints | length] | max == 6' whole_e.json

# stdin concatenation: only the reject file names could differ (none here)
cat ev.nd | lt-agg >cat.json
check_eq "stdin gives the same figures" \
    "$(jq -S 'del(.input)' cat.json | md5sum)" \
    "$(jq -S 'del(.input)' whole.json | md5sum)"

# out of order: a seeded shuffle of the lines gives the same aggregate, but
# for each endpoint's order of first appearance (seq)
awk 'BEGIN { srand(3) } { printf "%.9f\t%s\n", rand(), $0 }' ev.nd |
    sort -k1,1 | cut -f2- >shuf.nd
lt-agg shuf.nd >shuf.json
check_eq "shuffled events give the same aggregate" \
    "$(jq -S 'del(.input.rejects, .endpoints[].seq)' shuf.json | md5sum)" \
    "$(jq -S 'del(.input.rejects, .endpoints[].seq)' cat.json | md5sum)"
tac ev.nd | lt-agg --timeline-endpoints >rev.json
check_eq "reversed events, per-endpoint timeline too" \
    "$(jq -S 'del(.input, .endpoints[].seq)' rev.json | md5sum)" \
    "$(jq -S 'del(.input, .endpoints[].seq)' whole_e.json | md5sum)"

# timeline alignment: per-second counts equal an awk count of floor(ts)
awk -F'"ts":' '/"type":"req"/ { split($2, a, ","); s[int(a[1])]++ }
    END { for (k in s) print k, s[k] }' ev.nd | sort -n >want.txt
jq -r '.timeline[] | select(.requests > 0) | "\(.t) \(.requests)"' \
    whole.json >got.txt
check_eq "timeline seconds and counts" "$(cat got.txt)" "$(cat want.txt)"
check "timeline ascending" jqe '[.timeline[].t] == ([.timeline[].t] | sort)' \
    whole.json
check "timeline sums to the total" \
    jqe '([.timeline[].requests] | add) == .total.requests' whole.json
check "dropped summed into run and timeline" \
    jqe '.run.dropped > 0 and ([.timeline[].dropped] | add) == .run.dropped' \
    whole.json

# two workers' aggregates of the same seconds align on wall-clock seconds
awk -v n=600 -v seed=1 -v eps=2 -v rate=100 -f "$gen" >w1.nd
awk -v n=600 -v seed=2 -v eps=2 -v rate=100 -f "$gen" >w2.nd
lt-agg w1.nd >w1.json
lt-agg w2.nd >w2.json
lt-agg --merge w1.json w2.json >w.json
check "seconds add up across workers" jqe --slurpfile a w1.json \
    --slurpfile b w2.json \
    '[.timeline[].requests] == ([$a[0].timeline, $b[0].timeline] | transpose | map(.[0].requests + .[1].requests))' \
    w.json
check "runs counted" jqe '.run.runs == 2' w.json

# far-apart timestamps cost one entry each, not a gap
printf '%s\n' \
    '{"type":"req","ts":1.5,"name":"/a","method":"GET","status":200,"ok":true,"latency_ms":1}' \
    '{"type":"req","ts":4000000000.25,"name":"/a","method":"GET","status":200,"ok":true,"latency_ms":2}' |
    lt-agg >far.json
check "two seconds for far-apart events" \
    jqe '[.timeline[].t] == [1, 4000000000]' far.json
# bad aggregates are refused with the path of the bad member
jq -c '.endpoints[0].hist.counts[0][1] += 1' part.00.json >bad1.json
lt-agg --merge part.01.json bad1.json >/dev/null 2>bad1.err
check_eq "inconsistent histogram: exit 2" "$?" 2
check "inconsistent histogram: named" \
    grep -q '^lt-agg: bad1.json: endpoints\[0\].hist: counts add up to' bad1.err
echo '{"lt_aggregate":1,"run":{}' >bad2.json
lt-agg --merge bad2.json >/dev/null 2>bad2.err
check_eq "truncated JSON: exit 2" "$?" 2
check "truncated JSON: line and column" grep -q '^lt-agg: bad2.json:[0-9]*:[0-9]*: ' bad2.err
echo '{"lt_aggregate":2}' >bad3.json
lt-agg --merge bad3.json >/dev/null 2>bad3.err
check "other version refused" grep -q 'not an lt aggregate of version 1' bad3.err
lt-agg --merge ev.nd >/dev/null 2>bad4.err
check_eq "events given to --merge: exit 2" "$?" 2
# bytes_sent: merged exactly, also when one part lacks it (an older
# lt-run); totals equal the events' sum; absent when no event had it
sentsum() { jq -s '[.[] | select(.type == "req") | .bytes_sent // 0] | add' "$@"; }
awk -v n=3000 -v seed=5 -v eps=6 -v rate=300 -v sent=1 -f "$gen" >s.nd
awk -v n=3000 -v seed=6 -v eps=7 -v rate=300 -v t0=1764400004 -f "$gen" >n.nd
awk -v n=3000 -v seed=8 -v eps=6 -v rate=300 -v sent=2 -f "$gen" >h.nd
for p in s n h; do lt-agg --timeline-endpoints "$p.nd" >"$p.json"; done
lt-agg --timeline-endpoints s.nd n.nd h.nd >snh.json
lt-agg --merge s.json n.json h.json >snh_m.json
check_eq "bytes_sent: merge equals the concatenation" \
    "$(jq -S 'del(.lt_version)' snh_m.json | md5sum)" \
    "$(jq -S 'del(.lt_version)' snh.json | md5sum)"
want=$(sentsum s.nd n.nd h.nd)
check "bytes_sent: some events lack it" [ "$want" -gt 0 ]
check_eq "bytes_sent: total is the events' sum" \
    "$(jq '.total.bytes_sent' snh_m.json)" "$want"
check_eq "bytes_sent: endpoints add up to the total" \
    "$(jq '[.endpoints[].bytes_sent // 0] | add' snh_m.json)" "$want"
check_eq "bytes_sent: seconds add up to the total" \
    "$(jq '[.timeline[].bytes_sent] | add' snh_m.json)" "$want"
check_eq "bytes_sent: classes add up to the total" \
    "$(jq '[.classes[].bytes_sent] | add' snh_m.json)" "$want"
check_eq "bytes_sent: absent on the endpoint no event of which had it" \
    "$(jq -c '[.endpoints[] | select(.bytes_sent == null) | .name]' snh_m.json)" '["/e6"]'
check "bytes_sent: absent everywhere when no event had it" \
    jqe '([.. | objects | select(has("bytes_sent"))] | length) == 0' n.json
lt-agg --merge n.json n.json >nn.json
check "bytes_sent: still absent after a merge" \
    jqe '([.. | objects | select(has("bytes_sent"))] | length) == 0' nn.json
# folded into "(other)" past 1000 endpoints, merged the same way
awk -v n=4000 -v seed=9 -v eps=1100 -v rate=1000 -v sent=1 -f "$gen" >o.nd
split -l 2100 -d o.nd opart.
for p in opart.0*; do lt-agg "$p" >"$p.json"; done
lt-agg o.nd >o.json
lt-agg --merge opart.0*.json >o_m.json
check_eq "bytes_sent with (other): merge equals the whole" \
    "$(jq -S 'del(.lt_version, .input)' o_m.json | md5sum)" \
    "$(jq -S 'del(.lt_version, .input)' o.json | md5sum)"
check_eq "bytes_sent with (other): endpoints add up" \
    "$(jq '[.endpoints[].bytes_sent] | add' o.json)" "$(sentsum o.nd)"
check "bytes_sent with (other): folded" \
    jqe '[.endpoints[] | select(.name == "(other)") | .bytes_sent > 0] == [true]' o.json
done_testing
