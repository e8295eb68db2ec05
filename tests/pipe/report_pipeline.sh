#!/usr/bin/env bash
# report_pipeline.sh - the agg -> report half of the pipeline on stored
# events from a real demo run (tests/data/report/demo-events.ndjson), and
# contrib/demo.sh (make demo) itself on a 3-second shape: it must write
# the report, print a summary and leave no process running.
. "$(dirname "$0")/../lib.sh"

data=$LT_TOP/tests/data/report
hc() { python3 "$LT_TOP/tests/pipe/htmlcheck.py" "$@"; }

lt-agg <"$data/demo-events.ndjson" | lt-report -o "$TMP/p" 2>"$TMP/err"
check_eq "lt-agg | lt-report: exit 0" "$?" 0
check_eq "lt-agg | lt-report: quiet" "$(cat "$TMP/err")" ""
if out=$(hc "$TMP/p/index.html" --charts 5 2>&1); then
	ok "pipeline report well-formed ($out)"
else
	not_ok "pipeline report well-formed"
	echo "$out" | sed 's/^/#   /'
fi
check "header names the scenario" grep -q 'scenarios/demo.lt' "$TMP/p/index.html"
check "every endpoint of the events is in the report" sh -c "
	for n in \$(jq -r 'select(.type==\"req\") | .name' '$data/demo-events.ndjson' | sort -u); do
		grep -qF \"| \$n |\" '$TMP/p/report.md' || exit 1
	done"
reqs=$(grep -c '"type":"req"' "$data/demo-events.ndjson")
check_eq "Aggregated row counts every request event" \
    "$(grep '^,Aggregated,' "$TMP/p/lt_stats.csv" | cut -d, -f3)" "$reqs"
if out=$(python3 "$LT_TOP/tests/pipe/csvcompare.py" stats "$TMP/p/lt_stats.csv" \
    "$LT_TOP/tests/data/locust/locust_stats.csv" 2>&1); then
	ok "pipeline stats.csv in Locust's format"
else
	not_ok "pipeline stats.csv in Locust's format"
	echo "$out" | sed 's/^/#   /'
fi

# Rejected input lines are counted, and the first ones listed.
{ head -5 "$data/demo-events.ndjson"; echo 'garbage'
  tail -n +6 "$data/demo-events.ndjson"; } | lt-agg 2>/dev/null |
    lt-report --format md >"$TMP/rej.md"
check "rejected lines counted" grep -q '^1 of [0-9]* input lines were rejected' \
    "$TMP/rej.md"
check "rejected line listed with its number" grep -q '^| - | 6 | col 1: ' \
    "$TMP/rej.md"

# Per-endpoint timelines (lt-agg --timeline-endpoints): a sixth chart.
lt-agg --timeline-endpoints <"$data/demo-events.ndjson" |
    lt-report -o "$TMP/te" 2>"$TMP/err"
check_eq "timeline endpoints: exit 0" "$?" 0
if out=$(hc "$TMP/te/index.html" --charts 6 2>&1); then
	ok "timeline endpoints: six charts ($out)"
else
	not_ok "timeline endpoints: six charts"
	echo "$out" | sed 's/^/#   /'
fi
check "timeline endpoints: the per-endpoint p95 chart" grep -q \
    '<figure class="chart full" id="chart-eptime">' "$TMP/te/index.html"

# An open-model run from lt-agg's generator: CO-corrected latency and
# dropped iterations reach the report.
awk -v n=3000 -v seed=1 -v eps=4 -v rate=200 -v wait=1 -v users=1 \
    -f "$LT_TOP/tests/pipe/agg_gen.awk" | lt-agg | lt-report -o "$TMP/open"
check_eq "open model: exit 0" "$?" 0
check "open model: raw and corrected table" grep -q \
    '<h2>Coordinated omission</h2>' "$TMP/open/index.html"
check "open model: dropped iterations in the summary" grep -q \
    'scheduled iterations could not start' "$TMP/open/report.md"
check "open model: dropped/s drawn" grep -q 'dropped/s' "$TMP/open/index.html"

# contrib/demo.sh without lt-run: a clear message, status 3.
mkdir -p "$TMP/nobin"
LT_BIN=$TMP/nobin sh "$LT_TOP/contrib/demo.sh" >/dev/null 2>"$TMP/err"
check_eq "demo without lt-run: exit 3" "$?" 3
check "demo without lt-run: says what is missing" \
    grep -q 'lt-run is missing' "$TMP/err"

if [ ! -x "$LT_BIN/lt-run" ] || [ ! -x "$LT_TARGET" ]; then
	skip "make demo end to end" "lt-run or lt-target not built"
	done_testing
	exit
fi
printf '0 4 4\n3 end\n' >"$TMP/short.shape"
DEMO_DIR=$TMP/demo DEMO_SHAPE=$TMP/short.shape LT_TARGET=$LT_TARGET \
    timeout 60 sh "$LT_TOP/contrib/demo.sh" >"$TMP/demo.out" 2>&1
check_eq "demo: exit 0" "$?" 0
check "demo: report written" test -s "$TMP/demo/index.html"
check "demo: prints where the report is" grep -q "report in $TMP/demo/index.html" \
    "$TMP/demo.out"
check "demo: prints a summary table" grep -q 'Aggregated' "$TMP/demo.out"
pid=$(sed -n 's/^demo: target server pid \([0-9]*\)$/\1/p' "$TMP/demo.out")
check "demo: printed the target's pid" test -n "$pid"
check "demo: the target server is gone" sh -c "! kill -0 '$pid' 2>/dev/null"
check "demo: no port file left" test ! -e "$TMP/demo/.target.port"
done_testing
