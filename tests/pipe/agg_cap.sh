#!/usr/bin/env bash
# agg_cap.sh - issue 11 section 5: reading an aggregate applies lt-agg's
# endpoint cap (1000 names, then "(other)"), with a note on stderr and
# memory bounded by what is kept; merging at the cap is exact: merge(a, b)
# equals the aggregate of a + b, and input.other_endpoint_events counts
# events, not endpoints.
. "$(dirname "$0")/../lib.sh"
jqe() { jq -e "$@" >/dev/null; }
cd "$TMP" || exit 1

# ev NAME-PREFIX FIRST LAST T0 STEP [LAT]: one request per name, in order
evs() {
	awk -v p="$1" -v a="$2" -v b="$3" -v t0="$4" -v step="$5" -v lat="${6:-3}" 'BEGIN {
		i = 0
		for (k = a; (step > 0) ? k <= b : k >= b; k += step) {
			printf "{\"type\":\"req\",\"ts\":%.6f,\"name\":\"%s%05d\",\"method\":\"GET\",\"status\":200,\"ok\":true,\"error\":null,\"latency_ms\":%.3f,\"bytes\":10}\n", t0 + i * 0.001, p, k, lat + (k % 7)
			i++
		}
	}'
}
same() { [ "$(jq -S . "$1")" = "$(jq -S . "$2")" ]; }

# A: both halves meet 1500 names in the same order
{ evs /n 0 1499 1764400000 1; evs /n 0 1499 1764400002 1 5; } >whole.nd
head -n 1500 whole.nd >a.nd
tail -n 1500 whole.nd >b.nd
for tl in "" --timeline-endpoints; do
	lt-agg $tl whole.nd >whole.json
	lt-agg $tl a.nd >a.json
	lt-agg $tl b.nd >b.json
	lt-agg --merge a.json b.json >m.json
	check "same order${tl:+ $tl}: the whole keeps 1000 names and (other)" \
	    jqe '(.endpoints | length) == 1001 and ([.endpoints[] | select(.name != "(other)")] | length) == 1000' whole.json
	check "same order${tl:+ $tl}: the merge keeps 1000 names too (was 999)" \
	    jqe '([.endpoints[] | select(.name != "(other)")] | length) == 1000' m.json
	check "same order${tl:+ $tl}: merge(a, b) == aggregate(a + b)" same m.json whole.json
	lt-agg --merge m.json a.json b.json >m3.json
	cat whole.nd a.nd b.nd | lt-agg $tl >w3.json
	check "same order${tl:+ $tl}: a merged aggregate merges exactly again" same m3.json w3.json
done
check_eq "other_endpoint_events counts events (2 x 500)" \
    "$(jq '.input.other_endpoint_events' whole.json)" 1000
check_eq "... and equals (other)'s requests" \
    "$(jq '.endpoints[] | select(.name == "(other)") | .requests' whole.json)" 1000
check_eq "merged other_endpoint_events" "$(jq '.input.other_endpoint_events' m.json)" 1000

# B: the second part (900 names, under the cap) meets new names first, in
# reverse order, then old ones: which new names the whole keeps depends on
# the order they came in ("seq"), not on their sorted order
{ evs /o 0 599 1764400000 1; } >b1.nd
{ evs /p 499 0 1764400005 -1; evs /o 0 399 1764400006 1 9; } >b2.nd
cat b1.nd b2.nd | lt-agg >bw.json
lt-agg b1.nd >b1.json
lt-agg b2.nd >b2.json
lt-agg --merge b1.json b2.json >bm.json
check "first appearance order: the whole keeps /p00499../p00100" \
    jqe '[.endpoints[].name | select(startswith("/p"))] | length == 400 and (index("/p00100") != null) and (index("/p00099") == null)' bw.json
check "first appearance order: merge(a, b) == aggregate(a + b)" same bm.json bw.json
check_eq "B: other_endpoint_events" "$(jq '.input.other_endpoint_events' bm.json)" 100

# reading a 50000-endpoint aggregate: the cap, a note, bounded memory
awk -v n=50000 -f "$LT_TOP/tests/pipe/agg_wide.awk" >wide.json
rss() { # OUT CMD...: max RSS in KB of CMD into OUT, under a 4 GB cap
	local out=$1
	shift
	(ulimit -v 4000000 && /usr/bin/time -f %M -o "$out" "$@")
}
if [ -x /usr/bin/time ] && [[ $LT_BIN != */build/asan/bin ]]; then
	rss rep.rss lt-report --no-charts --format md wide.json >wide.md 2>wide.err
	check_eq "lt-report on 50000 endpoints: exit 0" "$?" 0
	check "lt-report: RSS $(tail -1 rep.rss) KB < 1 GB" [ "$(tail -1 rep.rss)" -lt 1000000 ]
	rss merge.rss lt-agg --merge wide.json wide.json >wm.json 2>wm.err
	check_eq "lt-agg --merge on 50000 endpoints: exit 0" "$?" 0
	check "lt-agg --merge: RSS $(tail -1 merge.rss) KB < 1.5 GB" [ "$(tail -1 merge.rss)" -lt 1500000 ]
else
	lt-report --no-charts --format md wide.json >wide.md 2>wide.err
	lt-agg --merge wide.json wide.json >wm.json 2>wm.err
	skip "RSS bounds" "no /usr/bin/time, or an ASan build"
fi
check_eq "lt-report says it folded" "$(cat wide.err)" \
    'lt-report: note: wide.json: 49000 endpoints beyond the first 1000 folded into "(other)"'
check_eq "the report: 1000 named rows and (other) with 98000 requests" \
    "$(grep -o '^| GET | /w[0-9]*' wide.md | sort -u | wc -l) $(grep -m1 '^|  | (other) |' wide.md | cut -d'|' -f4 | tr -d ' ')" \
    "1000 98000"
check "lt-agg --merge says it folded, per file" \
    [ "$(grep -c 'note: wide.json: 49000 endpoints beyond the first 1000 folded' wm.err)" -eq 2 ]
check "merged: 1001 endpoints, (other) 196000 requests, counted as events" \
    jqe '(.endpoints | length) == 1001 and (.endpoints[] | select(.name == "(other)") | .requests) == 196000 and .input.other_endpoint_events == 196000 and .total.requests == 200000' wm.json
check "merged timeline: 1001 endpoints a second, all requests" \
    jqe '.timeline | all((.endpoints | length) == 1001 and ([.endpoints[].requests] | add) == 100000)' wm.json
lt-agg -q --merge wide.json wide.json >/dev/null 2>wq.err
check "-q: no note" [ ! -s wq.err ]
# a document's own "(other)" after the folded ones, in endpoints and in
# each second: one "(other)" that holds both
awk -v n=1002 -f "$LT_TOP/tests/pipe/agg_wide.awk" |
    jq -c '.endpoints += [{"method":"","name":"(other)","requests":2,"failures":0,"bytes":20,"status":{"200":2},"hist":{"count":2,"min_us":150,"max_us":150,"sum_us":300,"overflow":0,"counts":[[150,2]]}}]
    | .timeline |= map(.endpoints[" (other)"] = {"method":"","name":"(other)","requests":1,"failures":0,"hist":{"count":1,"min_us":150,"max_us":150,"sum_us":150,"overflow":0,"counts":[[150,1]]}})' >own.json
lt-agg -q --merge own.json >own-m.json
check "own (other) after folded ones: one (other) with both" \
    jqe '(.endpoints | length) == 1001 and (.endpoints[] | select(.name == "(other)") | .requests) == 6 and .input.other_endpoint_events == 4' own-m.json
check "... and one a second" \
    jqe '.timeline | all((.endpoints | length) == 1001 and (.endpoints[] | select(.name == "(other)") | .requests) == 3)' own-m.json
done_testing
