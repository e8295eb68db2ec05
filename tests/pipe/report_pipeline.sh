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
# Twelve endpoints, the quietest the only one failing: the per-endpoint
# charts and sections show it, and their captions say which are shown.
mkmany() { python3 - "$1" <<'PY'
import json, sys
slow = float(sys.argv[1])  # /e10's response time, ms
def ev(**k): print(json.dumps(k))
ev(type="run", ts=1000.0, phase="start", lt_version="0.1.0",
   host="http://127.0.0.1:1", scenario="s.lt", options={"users": 1})
for s in range(3):
    for e in range(12):
        for k in range(20 - e):
            bad = e == 11
            ev(type="req", ts=1000.0 + s + 0.001 * (e * 20 + k), name="/e%02d" % e,
               method="GET", url="http://127.0.0.1:1/", status=500 if bad else 200,
               ok=not bad, error="http: status 500" if bad else None,
               latency_ms=slow if e == 10 else 1.0 + e, ttfb_ms=0.5,
               connect_ms=0.0, bytes=10, user=0, **{"class": "A"})
ev(type="run", ts=1003.0, phase="end", reason="time", requests=0)
PY
}
mkmany 11 >"$TMP/many.ndjson"
lt-agg --timeline-endpoints <"$TMP/many.ndjson" 2>/dev/null |
    lt-report -o "$TMP/many" 2>"$TMP/err"
check_eq "twelve endpoints: quiet" "$(cat "$TMP/err")" ""
html=$TMP/many/index.html
check "p95 over time: the caption says which 8 of 12" grep -qF \
    'p95 response time per endpoint over time: 8 of 12 endpoints, the 1 with failures and the 7 busiest others</figcaption>' "$html"
check "p95 over time: the failing endpoint is drawn" sh -c \
    "sed -n '/id=\"chart-eptime\"/,/<\/figure>/p' '$html' | grep -q '<title>GET /e11</title>'"
check "percentiles per endpoint: all 12, no caption note" grep -qF \
    '<figcaption>Response time percentiles per endpoint</figcaption>' "$html"
check_eq "a section for 10 endpoints" "$(grep -c '<h3>GET /e' "$html")" 10
check "the failing one among them" grep -q '<h3>GET /e11</h3>' "$html"
check "the section says how they were picked" grep -qF \
    '10 of 12 endpoints: those with failures (or regressions) first, then the busiest.' "$html"
check "each section has its timeline and histogram" sh -c \
    "grep -c 'id=\"chart-ep[0-9]-time\"' '$html' | grep -qx 10 &&
     grep -c 'id=\"chart-ep[0-9]-hist\"' '$html' | grep -qx 10"
# Against a baseline where the quiet /e10 was 10 times faster: the
# regressed endpoint is drawn and sectioned as a failing one is.
mkmany 1.1 | lt-agg --timeline-endpoints >"$TMP/many-base.json" 2>/dev/null
lt-agg --timeline-endpoints <"$TMP/many.ndjson" 2>/dev/null |
    lt-report -o "$TMP/manyb" --baseline "$TMP/many-base.json" 2>/dev/null
html=$TMP/manyb/index.html
check "with a baseline: the regressed endpoint is named a regression" \
    grep -q '<th scope="row">GET /e10</th><td>p50</td>' "$html"
check "p95 over time: the caption counts the regression" grep -qF \
    '8 of 12 endpoints, the 2 with failures or regressions and the 6 busiest others</figcaption>' "$html"
check "p95 over time: the regressed endpoint is drawn" sh -c \
    "sed -n '/id=\"chart-eptime\"/,/<\/figure>/p' '$html' | grep -q '<title>GET /e10</title>'"
check "the regressed endpoint has its section" grep -q '<h3>GET /e10</h3>' "$html"
done_testing
