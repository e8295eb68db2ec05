#!/usr/bin/env bash
# events_example.sh - the "other protocols" example of lt-events(5) runs
# and writes valid events: the page's shell code is extracted, shortened
# to 3 iterations, and its output checked with jq (and fed to lt-agg when
# that program is built).
. "$(dirname "$0")/../lib.sh"

page=$LT_TOP/share/man/man5/lt-events.5
# The literal block after "Measuring something", mdoc's \e back to \.
awk '/^Measuring something/ { want = 1 }
	want && /^\.Bd/ { inblock = 1; next }
	inblock && /^\.Ed/ { exit }
	inblock { print }' "$page" | sed 's/\\e/\\/g' >"$TMP/example.sh"
check "example found in lt-events.5" grep -q 'getent hosts' "$TMP/example.sh"
check "example ends in lt-agg" grep -q '| lt-agg' "$TMP/example.sh"
sed -i 's/seq 100/seq 3/; s/| lt-agg.*$/>"$OUT"/' "$TMP/example.sh"
OUT=$TMP/events.ndjson timeout 20 bash "$TMP/example.sh"
check_eq "example exits 0" "$?" 0
check_eq "example writes 3 lines" "$(wc -l <"$TMP/events.ndjson" | tr -d ' ')" 3
valid=$(jq -c 'select(.type == "req" and (.ts | type) == "number" and
    .ts > 1600000000 and .name == "localhost" and .ok == true and
    .error == null and .latency_ms >= 0)' "$TMP/events.ndjson" | wc -l)
check_eq "every line is a valid req event" "$(echo $valid)" 3
check "ts has six decimals" grep -q '"ts":[0-9]*\.[0-9]\{6\},' \
    "$TMP/events.ndjson"
if [ -x "$LT_BIN/lt-agg" ]; then
	lt-agg <"$TMP/events.ndjson" >"$TMP/agg.json"
	check_eq "lt-agg accepts the example's events" "$?" 0
	check "aggregate names the endpoint" grep -q localhost "$TMP/agg.json"
else
	skip "lt-agg accepts the example's events" "lt-agg not built"
fi
done_testing
