#!/usr/bin/env bash
# agg_bigmerge.sh - reading large aggregates: the streamed reader (one
# endpoint or second parsed at a time) gives the same result as parsing the
# whole document, for lt-agg's own layout, a reformatted one (jq), reordered
# and repeated members; and its memory stays a small multiple of the file.
. "$(dirname "$0")/../lib.sh"
jqe() { jq -e "$@" >/dev/null; }
gen=$LT_TOP/tests/pipe/agg_gen.awk
cd "$TMP" || exit 1

awk -v n=16000 -v seed=5 -v eps=12 -v rate=16 -f "$gen" >ev.nd
lt-agg --timeline-endpoints ev.nd >a.json
check "a 1000-second timeline" jqe '(.timeline | length) > 990' a.json
lt-agg --merge a.json a.json >m.json
cat ev.nd ev.nd | lt-agg --timeline-endpoints >want.json
check "merge of two equals the doubled input" \
    [ "$(jq -S 'del(.input)' m.json)" = "$(jq -S 'del(.input)' want.json)" ]

# other layouts of the same document read the same
jq . a.json >pretty.json
jq -S . a.json >sorted.json
jq -c '{timeline, endpoints} + del(.timeline, .endpoints)' a.json >reordered.json
sed 's/^{"lt_aggregate":1,/{"lt_aggregate":1,"timeline":[],"endpoints":[{"x":1}],/' \
    a.json >repeated.json
check "repeated members are in the file" \
    [ "$(grep -c '"timeline":\[\],' repeated.json)" -eq 1 ]
for f in pretty sorted reordered repeated; do
	lt-agg --merge a.json "$f.json" >"m-$f.json"
	check "$f layout: same merge" cmp -s m.json "m-$f.json"
done
# errors keep the whole-document messages (line:col for syntax)
head -c 200000 a.json >cut.json
lt-agg --merge cut.json 2>cut.err >/dev/null
check_eq "truncated aggregate: exit 2" "$?" 2
check "truncated aggregate: line and column" grep -q '^lt-agg: cut.json:[0-9]*:[0-9]*: ' cut.err
sed '0,/"hist":{"count":/s//"hist":{"count":-/' a.json >neg.json
lt-agg --merge neg.json 2>neg.err >/dev/null
check_eq "bad content in a streamed element: exit 2" "$?" 2
check "bad content: the member path" grep -q '^lt-agg: neg.json: .*hist' neg.err

# memory: a small multiple of the file, not jansson's ~20 bytes per byte
# (the whole-document parse took 61 MB here, the streamed one 22 MB)
if [ -x /usr/bin/time ] && [[ $LT_BIN != */build/asan/bin ]]; then
	/usr/bin/time -f %M -o rss.txt lt-agg --merge a.json a.json >/dev/null
	kb=$(($(wc -c <a.json) / 1024))
	check "merge RSS $(cat rss.txt) KB < 8 x file ($kb KB) + 8 MB" \
	    [ "$(cat rss.txt)" -lt $((8 * kb + 8192)) ]
else
	skip "merge RSS" "no /usr/bin/time, or an ASan build"
fi
done_testing
