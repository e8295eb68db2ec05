#!/usr/bin/env bash
# report_inject.sh - hostile strings from events reach gnuplot only as
# data (issue 11, 1): endpoint names, errors, class names, hosts, the
# scenario and the title carrying backquotes, $(...), system("..."),
# newlines, both quotes, backslashes and @macros go through the real
# lt-agg (with --timeline-endpoints, so every chart that names endpoints
# is drawn) and lt-report -o; no payload may create its file, every chart
# must still be drawn (gnuplot did not choke), and the names must appear
# HTML-escaped.  Also: raw HTML in --notes Markdown does not pass.
. "$(dirname "$0")/../lib.sh"

if ! command -v gnuplot >/dev/null; then
	skip "gnuplot injection" "gnuplot not installed"
	done_testing
	exit
fi
hc() { python3 "$LT_TOP/tests/pipe/htmlcheck.py" "$@"; }

# Each payload would create $P/pwN (absolute) or pwN in gnuplot's working
# directory (the test's own, $P as well).
P=$TMP/pw
mkdir -p "$P"
cd "$P" || exit 1
python3 - "$P" >"$TMP/ev.ndjson" <<'PY'
import json, sys
p = sys.argv[1]
# Short payloads (labels are cut at 40 characters), relative to the
# working directory gnuplot inherits.
names = [
    "/a`touch pw1`",
    "/b$(touch pw2)",
    '/c" . system("touch pw3") . "',
    "/d'.system('touch pw4').'",
    '/e\nEOD\nsystem("touch pw5")\n$x << EOD',
    '/f\\" . system("touch pw6") . \\"',
    "/g@x @y `touch pw7`",
    "/h<b>bold</b>&amp;",
]
def ev(**k):
    print(json.dumps(k))
ev(type="run", ts=1000.0, phase="start", lt_version="0.1.0",
   host="http://127.0.0.1:1/`touch pw8`",
   scenario="s$(touch pw9).lt",
   options={"users": 2, "run_time_s": 4})
t = 1000.0
for s in range(4):
    ev(type="users", ts=1000.0 + s, count=2,
       classes={"C`touch pw10`": 1, 'D"$(touch pw11)': 1})
    for i, n in enumerate(names):
        for k in range(3):
            t = 1000.0 + s + 0.01 * (i * 3 + k + 1)
            bad = k == 2
            ev(type="req", ts=t, name=n, method="GET",
               url="http://127.0.0.1:1/x", status=500 if bad else 200,
               ok=not bad,
               error=("http: `touch pw12` $(touch pw13)")
               if bad else None,
               latency_ms=1.0 + i + k * 10, ttfb_ms=0.5, connect_ms=0.0,
               bytes=10, user=k % 2,
               **{"class": "C`touch pw10`" if k % 2 else
                  'D"$(touch pw11)'},
               new_conn=False)
ev(type="run", ts=1004.0, phase="end", reason="time", requests=96)
PY
check "events written" test -s "$TMP/ev.ndjson"

lt-agg --timeline-endpoints <"$TMP/ev.ndjson" >"$TMP/agg.json" 2>"$TMP/aggerr"
check "lt-agg reads the hostile events" test -s "$TMP/agg.json"
printf '# Notes\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\ntext <b>inline</b> `touch pw14`\n' \
    >"$TMP/notes.md"
lt-report -o "$TMP/rep" --title "T \`touch pw15\` \$(touch pw16)" \
    --notes "$TMP/notes.md" "$TMP/agg.json" 2>"$TMP/err"
check_eq "lt-report: exit 0" "$?" 0
check_eq "lt-report: no warning (gnuplot drew every chart)" \
    "$(cat "$TMP/err")" ""
check_eq "no payload created a file" "$(ls -A "$P")" ""
if out=$(hc "$TMP/rep/index.html" --charts 6 2>&1); then
	ok "six charts, well-formed ($out)"
else
	not_ok "six charts, well-formed"
	echo "$out" | head -5 | sed 's/^/#   /'
fi
html=$TMP/rep/index.html
check "the endpoints chart labels the hostile names" sh -c \
    "sed -n '/id=\"chart-endpoints\"/,/<\/figure>/p' '$html' |
	grep -qF '>GET /a\`touch pw1\`<'"
check "the per-endpoint timeline titles its series from data" sh -c \
    "sed -n '/id=\"chart-eptime\"/,/<\/figure>/p' '$html' |
	grep -qF '>GET /b\$(touch pw2)<'"
check "a newline in a name is a space in the chart" sh -c \
    "grep -qF 'GET /e EOD system(' '$html'"
check "HTML in a name is escaped" grep -qF '/h&lt;b&gt;bold&lt;/b&gt;&amp;amp;' "$html"
check "an endpoint section's heading escapes the name" grep -qF \
    '<h3>GET /h&lt;b&gt;bold&lt;/b&gt;&amp;amp;</h3>' "$html"
check "the endpoint sections' charts are drawn" grep -q 'id="chart-ep7-hist"' "$html"
check "HTML in a name never raw" sh -c "! grep -qF '<b>bold' '$html'"
check "notes: raw <script> dropped" sh -c "! grep -qi '<script' '$html'"
check "notes: raw <img> dropped" sh -c "! grep -qi '<img' '$html'"
check "notes: raw inline <b> dropped" sh -c "! grep -qF '<b>inline' '$html'"
check "notes: the text around it kept" grep -qF 'text ' "$html"

# Charts drawn on their own: each lt-report output path runs gnuplot.
lt-report --format html "$TMP/agg.json" >"$TMP/stdout.html" 2>"$TMP/err2"
check_eq "--format html: no warning" "$(cat "$TMP/err2")" ""
lt-agg <"$TMP/ev.ndjson" 2>/dev/null | lt-report -o "$TMP/rep2" \
    --baseline "$TMP/agg.json" 2>/dev/null
check "a comparison report is written" test -s "$TMP/rep2/index.html"
check_eq "still no payload file" "$(ls -A "$P")" ""
cd / || exit 1
[ -n "${KEEP:-}" ] && cp -r "$TMP" "$KEEP"
done_testing
