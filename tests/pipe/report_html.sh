#!/usr/bin/env bash
# report_html.sh - lt-report's HTML page and Markdown report: well-formed
# and self-contained (tests/pipe/htmlcheck.py), charts inline as <svg>,
# hostile names escaped, empty and failures-only runs, gnuplot missing or
# failing (one warning, report still written), no temporary files, the
# Markdown on stdout, and input errors (exit 2, file:line).
. "$(dirname "$0")/../lib.sh"

data=$LT_TOP/tests/data/report
hc() { python3 "$LT_TOP/tests/pipe/htmlcheck.py" "$@"; }
report=$LT_BIN/lt-report

# checkhtml DESC FILE [--charts N]: htmlcheck, its problems as comments.
checkhtml() {
	local what=$1 out
	shift
	if out=$(hc "$@" 2>&1); then
		ok "$what ($out)"
	else
		not_ok "$what"
		echo "$out" | head -10 | sed 's/^/#   /'
	fi
}

mkdir -p "$TMP/tmpdir"
TMPDIR=$TMP/tmpdir lt-report -o "$TMP/normal" "$data/normal.json" \
    2>"$TMP/err"
check_eq "normal run: exit 0" "$?" 0
check_eq "normal run: nothing on stderr" "$(cat "$TMP/err")" ""
check_eq "normal run: the six files and nothing else" \
    "$(ls "$TMP/normal" | tr '\n' ' ')" \
    "index.html lt_exceptions.csv lt_failures.csv lt_stats.csv lt_stats_history.csv report.md "
check_eq "no temporary file left behind" "$(ls -A "$TMP/tmpdir")" ""
checkhtml "normal run: well-formed, self-contained, 6 charts" \
    "$TMP/normal/index.html" --charts 6
for id in rps users latency dist hist endpoints; do
	check "chart $id is an inline svg figure" grep -q \
	    -E "<figure class=\"chart( full)?\" id=\"chart-$id\">" "$TMP/normal/index.html"
done
check "no script anywhere" sh -c "! grep -qi '<script' '$TMP/normal/index.html'"
check "responsive: viewport and a narrow-screen rule" \
    grep -q '@media (max-width:600px)' "$TMP/normal/index.html"
check "print stylesheet" grep -q '@media print' "$TMP/normal/index.html"
for h in "Summary" "Requests" "Response time percentiles" "Failures" \
    "Thresholds" "Status codes"; do
	check "section $h" grep -q "<h2>$h</h2>" "$TMP/normal/index.html"
done
check "threshold failure shown" grep -q '<td class="fail">FAIL</td>' \
    "$TMP/normal/index.html"
check "report.md has the pipe tables" grep -q \
    '^| GET | /items/{id} | 158 | 0 |' "$TMP/normal/report.md"

lt-report --format md "$data/normal.json" >"$TMP/stdout.md"
check "--format md on stdout is report.md" cmp -s "$TMP/stdout.md" \
    "$TMP/normal/report.md"
lt-report <"$data/normal.json" >"$TMP/default.md"
check "no output option: Markdown on stdout, aggregate from stdin" \
    cmp -s "$TMP/default.md" "$TMP/normal/report.md"
lt-report --format html "$data/normal.json" >"$TMP/stdout.html"
checkhtml "--format html on stdout" "$TMP/stdout.html" --charts 5

# CO-corrected data: both distributions.
lt-report -o "$TMP/co" "$data/co.json" 2>"$TMP/err"
check_eq "co run: exit 0" "$?" 0
checkhtml "co run: well-formed" "$TMP/co/index.html" --charts 5
check "co run: the raw/corrected table" grep -q '<h2>Coordinated omission</h2>' \
    "$TMP/co/index.html"
check "co run: the corrected distribution is drawn" grep -q 'CO-corrected' \
    "$TMP/co/index.html"

# Empty run and a run where everything failed.
lt-report -o "$TMP/empty" "$data/empty.json" 2>"$TMP/err"
check_eq "empty run: exit 0" "$?" 0
check_eq "empty run: no warning" "$(cat "$TMP/err")" ""
checkhtml "empty run: well-formed" "$TMP/empty/index.html"
check "empty run: says so" grep -q 'No requests were recorded' \
    "$TMP/empty/index.html"
lt-report -o "$TMP/failonly" "$data/failonly.json" 2>"$TMP/err"
check_eq "failures-only run: exit 0" "$?" 0
checkhtml "failures-only run: well-formed" "$TMP/failonly/index.html" --charts 5
check "failures-only run: the error is listed" grep -q \
    'connect: Connection refused' "$TMP/failonly/index.html"
check "failures-only run: 100% failed" grep -q '(100.00%)' \
    "$TMP/failonly/report.md"
# QA F32d: a run where everything failed says so first.
check_eq "failures-only run: the summary starts with it" \
    "$(sed -n '/^## Summary/{n;n;p;}' "$TMP/failonly/report.md")" \
    "**Every request failed** (496 of 496); see Failures."
check "normal run: no such line" sh -c \
    "! grep -q 'Every request failed' '$TMP/normal/report.md'"
# QA F32a: table headings wrap, so the Requests table fits a desktop
# column instead of hiding Failures/s behind a scrollbar.
check "table headings may wrap" grep -q 'thead th{[^}]*white-space:normal' \
    "$TMP/normal/index.html"

# Hostile names: escaped in HTML and Markdown, charts still drawn.
python3 - "$data/normal.json" >"$TMP/evil.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["endpoints"][0]["name"] = '<script>alert(1)</script>_x&y "q" \\ end'
d["run"]["scenario"] = "<b>bold</b> & [link](http://example.com)"
json.dump(d, sys.stdout)
PY
lt-report -o "$TMP/evil" "$TMP/evil.json" 2>"$TMP/err"
check_eq "hostile names: exit 0" "$?" 0
checkhtml "hostile names: escaped, no script, no link" "$TMP/evil/index.html" \
    --charts 5
check "hostile names: no anchor made from Markdown" \
    sh -c "! grep -q '<a ' '$TMP/evil/index.html'"

# A 1400-byte UTF-8 name: whole in the tables, cut on a character
# boundary in the chart, the page still valid UTF-8.
python3 - "$data/normal.json" >"$TMP/long.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["endpoints"][0]["name"] = "/" + "\u00e9" * 700 + "/x"
json.dump(d, sys.stdout)
PY
lt-report -o "$TMP/long" "$TMP/long.json" 2>"$TMP/err"
check_eq "long name: exit 0" "$?" 0
checkhtml "long name: well-formed UTF-8 page" "$TMP/long/index.html" --charts 5
check_eq "long name: whole in the six endpoint tables and its section's heading" \
    "$(grep -c "$(printf '\303\251%.0s' $(seq 700))/x" "$TMP/long/index.html")" 7

# User notes: Markdown through cmark, raw HTML dropped.
printf '### Why\n\nA *nightly* run.\n\n<script>x()</script>\n' >"$TMP/notes.md"
lt-report -o "$TMP/notes" --notes "$TMP/notes.md" "$data/normal.json"
check "notes rendered" grep -q '<em>nightly</em>' "$TMP/notes/index.html"
checkhtml "notes: raw HTML dropped" "$TMP/notes/index.html" --charts 5
# QA F25: an image in the notes would be fetched from elsewhere; it
# becomes a link to it, its alt text the link's text.
printf '![the graph](http://192.0.2.1/x.png "T")\n\n![local *one*](y.png)\n' \
    >"$TMP/img.md"
lt-report -o "$TMP/img" --no-charts --notes "$TMP/img.md" "$data/normal.json"
check_eq "notes images: no <img> in the page" \
    "$(grep -c '<img' "$TMP/img/index.html")" 0
check "notes images: a link to the remote one, alt text kept" grep -q \
    '<a href="http://192.0.2.1/x.png" title="T">the graph</a>' \
    "$TMP/img/index.html"
check "notes images: a link to the local one, emphasis kept" grep -q \
    '<a href="y.png">local <em>one</em></a>' "$TMP/img/index.html"

# gnuplot missing: report still written, no charts, exactly one warning.
PATH=/nonexistent "$report" -o "$TMP/nogp" --format md "$data/normal.json" \
    >/dev/null 2>"$TMP/err"
check_eq "gnuplot missing: exit 0" "$?" 0
check_eq "gnuplot missing: one line on stderr" "$(wc -l <"$TMP/err")" 1
check "gnuplot missing: it is a warning naming gnuplot" \
    grep -q '^lt-report: warning: gnuplot not found' "$TMP/err"
checkhtml "gnuplot missing: page well-formed" "$TMP/nogp/index.html"
check_eq "gnuplot missing: no svg" "$(grep -c '<svg' "$TMP/nogp/index.html")" 0
check "gnuplot missing: the page says why" grep -q \
    'Charts omitted: gnuplot is not installed' "$TMP/nogp/index.html"
LT_GNUPLOT=false lt-report -o "$TMP/badgp" "$data/normal.json" 2>"$TMP/err"
check_eq "gnuplot failing: exit 0" "$?" 0
check "gnuplot failing: a warning" grep -q '^lt-report: warning: false failed' \
    "$TMP/err"
checkhtml "gnuplot failing: page well-formed" "$TMP/badgp/index.html"
lt-report -o "$TMP/nocharts" --no-charts "$data/normal.json" 2>"$TMP/err"
check_eq "--no-charts: no warning" "$(cat "$TMP/err")" ""
check_eq "--no-charts: no svg" "$(grep -c '<svg' "$TMP/nocharts/index.html")" 0

# Input errors.
printf '{"lt_aggregate": 1,\n "run": {,}\n}\n' >"$TMP/bad.json"
lt-report "$TMP/bad.json" >/dev/null 2>"$TMP/err"
check_eq "malformed JSON: exit 2" "$?" 2
check "malformed JSON: file:line in the message" \
    grep -q "^lt-report: $TMP/bad.json:2:[0-9]*: " "$TMP/err"
echo '{"events": []}' >"$TMP/other.json"
lt-report "$TMP/other.json" >/dev/null 2>"$TMP/err"
check_eq "not an aggregate: exit 2" "$?" 2
check "not an aggregate: says so" grep -q 'not an lt aggregate' "$TMP/err"
lt-report "$TMP/nosuch.json" >/dev/null 2>"$TMP/err"
check_eq "missing file: exit 2" "$?" 2
lt-report --tolerance x "$data/normal.json" >/dev/null 2>&1
check_eq "bad tolerance: exit 2" "$?" 2
lt-report --format pdf "$data/normal.json" >/dev/null 2>&1
check_eq "unknown format: exit 2" "$?" 2
lt-report -o /dev/null/x "$data/normal.json" 2>"$TMP/err"
check_eq "unwritable directory: exit 3" "$?" 3
# A run shorter than half a second has no rate to draw: that chart is
# left out, the others drawn (gnuplot refused the empty plot, and the
# page lost every chart).
printf '%s\n' \
    '{"type":"req","ts":1000.1,"name":"/a","method":"GET","status":200,"ok":true,"error":null,"latency_ms":1.5,"bytes":10}' \
    '{"type":"req","ts":1000.3,"name":"/a","method":"GET","status":200,"ok":true,"error":null,"latency_ms":2.5,"bytes":10}' |
    lt-agg 2>/dev/null >"$TMP/short.json"
jq '.run.start = 1000.1 | .run.end = 1000.4' "$TMP/short.json" >"$TMP/short2.json"
lt-report -o "$TMP/short" "$TMP/short2.json" 2>"$TMP/err"
check_eq "sub-second run: no warning" "$(cat "$TMP/err")" ""
check "sub-second run: no rate chart" sh -c "! grep -q 'id=\"chart-rps\"' '$TMP/short/index.html'"
check "sub-second run: the other charts drawn" grep -q 'id="chart-hist"' \
    "$TMP/short/index.html"
done_testing
