#!/usr/bin/env bash
# report_browser.sh - the HTML report in a real browser: headless Chromium
# (Debian's chromium package) loads index.html from a file: URL with the
# network disabled, and must log no console error and no failed load; the
# rendered DOM must hold every chart as an inline <svg>, each laid out
# visible (measured by a probe page that frames the report); a screenshot is
# taken (kept in $LT_SHOT when that is set, for share/doc/report.png).
# Prints a SKIP when chromium is not installed.
. "$(dirname "$0")/../lib.sh"

chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ]; then
	skip "report renders in headless Chromium" "chromium not installed"
	done_testing
	exit
fi

data=$LT_TOP/tests/data/report
lt-report -o "$TMP/rep" --baseline "$data/normal.json" "$data/slower.json" \
    2>/dev/null
lt-report -o "$TMP/co" "$data/co.json"
check "reports written" test -s "$TMP/rep/index.html" -a -s "$TMP/co/index.html"

# run_chrome OUT LOG ARGS...: one headless run, bounded in time.
run_chrome() {
	local out=$1 log=$2
	shift 2
	timeout -k 5 90 "$chrome" --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$TMP/chr" --enable-logging=stderr --v=0 \
	    "$@" >"$out" 2>"$log"
}

for rep in rep co; do
	url=file://$TMP/$rep/index.html
	run_chrome "$TMP/$rep.dom" "$TMP/$rep.log" --dump-dom "$url"
	check_eq "$rep: chromium exits 0" "$?" 0
	# Console messages are logged as CONSOLE(line) lines; failed loads of
	# anything external would show as net errors.
	errs=$(grep -E 'CONSOLE|Uncaught|ERR_|Failed to load|Refused to' \
	    "$TMP/$rep.log" | head -5)
	check_eq "$rep: no console error or failed load" "$errs" ""
	for id in rps users latency dist hist endpoints; do
		check "$rep: chart $id is in the rendered DOM" sh -c "grep -A1 \
		    '<figure class=\"chart[ a-z]*\" id=\"chart-$id\">' '$TMP/$rep.dom' |
		    grep -q '<svg role=\"img\" aria-label='"
	done
	check_eq "$rep: six inline svg charts and one per endpoint's section" \
	    "$(grep -o '<svg ' "$TMP/$rep.dom" | wc -l)" 9
	check "$rep: no script in the DOM" sh -c "! grep -q '<script' '$TMP/$rep.dom'"
done

# Every chart visible: a probe page (scripts allowed there, not in the
# report) loads the report in a frame and measures each chart's <svg>
# as laid out: on the page, at least 50x50 px, not display:none,
# visibility:hidden or transparent, and holding drawn shapes.
# probe DIR: prints "chart-ID visible|hidden WxH" lines for DIR/index.html.
probe() {
	cat >"$TMP/probe-$1.html" <<-EOF
	<!DOCTYPE html>
	<html><head><meta charset="utf-8"><title>probe</title></head>
	<body><pre id="out">no load event</pre>
	<iframe id="f" src="$1/index.html" style="width:1280px;height:2000px"></iframe>
	<script>
	document.getElementById('f').addEventListener('load', function () {
	  var out = [], d = null, w = this.clientWidth;
	  try { d = this.contentDocument; } catch (e) {}
	  if (!d) { document.getElementById('out').textContent = 'no access'; return; }
	  d.querySelectorAll('figure.chart').forEach(function (fig) {
	    var svg = fig.querySelector('svg');
	    var r = svg ? svg.getBoundingClientRect() : null;
	    var st = svg ? d.defaultView.getComputedStyle(svg) : null;
	    var ok = svg && r.width >= 50 && r.height >= 50 && r.left >= 0 &&
	      r.right <= w && st.display !== 'none' &&
	      st.visibility === 'visible' && parseFloat(st.opacity) > 0 &&
	      svg.querySelectorAll('path,polyline,polygon,rect,line').length > 0;
	    out.push(fig.id + (ok ? ' visible ' : ' hidden ') +
	      (r ? Math.round(r.width) + 'x' + Math.round(r.height) : '-'));
	  });
	  document.getElementById('out').textContent = out.join('\\n');
	});
	</script></body></html>
	EOF
	run_chrome "$TMP/probe-$1.dom" "$TMP/probe-$1.log" \
	    --allow-file-access-from-files --virtual-time-budget=5000 \
	    --dump-dom "file://$TMP/probe-$1.html"
	sed -n '/<pre id="out">/,/<\/pre>/p' "$TMP/probe-$1.dom" |
	    sed 's/<[^>]*>//g' | grep .
}
for rep in rep co; do
	probe "$rep" >"$TMP/$rep.vis"
	for id in rps users latency dist hist endpoints; do
		check "$rep: chart $id is visible ($(grep "chart-$id " "$TMP/$rep.vis"))" \
		    grep -q "^chart-$id visible " "$TMP/$rep.vis"
	done
done
# The probe itself: a chart hidden by a style sheet must be caught.
cp -r "$TMP/rep" "$TMP/hid"
sed -i 's|</head>|<style>#chart-users svg { visibility: hidden }</style></head>|' \
    "$TMP/hid/index.html"
probe hid >"$TMP/hid.vis"
check "a hidden chart is detected ($(grep chart-users "$TMP/hid.vis"))" \
    grep -q '^chart-users hidden ' "$TMP/hid.vis"

# The detector itself: a page with a script error must be caught.
printf '<!DOCTYPE html><p>x</p><script>nosuch()</script>\n' >"$TMP/bad.html"
run_chrome /dev/null "$TMP/bad.log" --dump-dom "file://$TMP/bad.html"
check "a console error is detected when there is one" \
    grep -q 'CONSOLE.*Uncaught' "$TMP/bad.log"

# Readable at 1400 and 400 CSS px (issue 14): a probe page frames the
# demo report (per-endpoint timelines) and a comparison report at each
# width and measures, from the DOM: the smallest chart text as shown
# (font size times the SVG's scale), elements reaching past the page's
# right edge other than inside the containers that scroll by design (.tw
# tables, .cs charts), each regression cell (td.worse) of the summary of
# regressions and, at 1400, of the comparison table: inside the page and
# not scrolled out of its container; and each chart's <title>.
lt-agg --timeline-endpoints <"$data/demo-events.ndjson" 2>/dev/null |
    lt-report -o "$TMP/demo" 2>/dev/null
check "demo report written" test -s "$TMP/demo/index.html"
measure() { # measure DIR WIDTH: prints "key value" lines
	cat >"$TMP/m-$1-$2.html" <<-EOF
	<!DOCTYPE html>
	<html><head><meta charset="utf-8"><title>measure</title></head>
	<body style="margin:0"><pre id="out">no load event</pre>
	<iframe id="f" src="$1/index.html" style="border:0;width:$2px;height:3000px"></iframe>
	<script>
	document.getElementById('f').addEventListener('load', function () {
	  var d = this.contentDocument, w = d.defaultView, vw = d.documentElement.clientWidth;
	  var out = [], minf = 1e9, minwhat = '', n = 0;
	  d.querySelectorAll('svg text').forEach(function (t) {
	    if (!t.textContent.trim() || !t.getClientRects().length) return;
	    var m = t.getScreenCTM(), fs = parseFloat(w.getComputedStyle(t).fontSize);
	    var px = fs * Math.sqrt(m.a * m.a + m.b * m.b);
	    n++;
	    if (px < minf) { minf = px; minwhat = t.textContent.trim().slice(0, 20); }
	  });
	  out.push('texts ' + n);
	  out.push('minfont ' + minf.toFixed(2) + ' ' + minwhat);
	  var over = [];
	  d.body.querySelectorAll('*').forEach(function (e) {
	    if (e.closest('.tw *, .cs *, svg *')) return;
	    var r = e.getBoundingClientRect();
	    if (r.width > 0 && (r.right > vw + 1 || r.left < -1))
	      over.push(e.tagName + (e.id ? '#' + e.id : '') +
	        (e.className && e.className.baseVal === undefined ? '.' + e.className : '') +
	        ':' + Math.round(r.right));
	  });
	  out.push('overflow ' + over.length + ' ' + over.slice(0, 5).join(' '));
	  function seen(c) {
	    var r = c.getBoundingClientRect(), s = c.closest('.tw');
	    var sr = s ? s.getBoundingClientRect() : {left: 0, right: vw};
	    return r.width > 0 && r.left >= Math.max(0, sr.left) - 1 &&
	      r.right <= Math.min(vw, sr.right) + 1;
	  }
	  var rs = d.querySelectorAll('#t-regressions td.worse'), rv = 0;
	  rs.forEach(function (c) { rv += seen(c); });
	  out.push('regressions ' + rs.length + ' visible ' + rv);
	  var cs = d.querySelectorAll('#t-compare td.worse'), cv = 0;
	  cs.forEach(function (c) { cv += seen(c); });
	  out.push('comparecells ' + cs.length + ' visible ' + cv);
	  var svgs = d.querySelectorAll('figure.chart svg'), titled = 0;
	  svgs.forEach(function (s) {
	    var t = s.querySelector(':scope > title');
	    titled += !!(t && t.textContent.trim() && s.getAttribute('role') === 'img' &&
	      s.getAttribute('aria-label'));
	  });
	  out.push('charts ' + svgs.length + ' titled ' + titled);
	  document.getElementById('out').textContent = out.join('\n');
	});
	</script></body></html>
	EOF
	run_chrome "$TMP/m-$1-$2.dom" "$TMP/m-$1-$2.log" \
	    --allow-file-access-from-files --virtual-time-budget=5000 \
	    --window-size=$(($2 + 40)),3100 --dump-dom "file://$TMP/m-$1-$2.html"
	sed -n '/<pre id="out">/,/<\/pre>/p' "$TMP/m-$1-$2.dom" |
	    sed 's/<[^>]*>//g' | grep .
}
# A report with streamed answers (its own charts, llmrep.c): a short
# OpenAI-style run against lt-target.
llm=0
if start_target --seed 7; then
	cat >"$TMP/g.lt" <<-'LT'
	user G
	  sequence
	    POST /v1/chat/completions?ttft=40&itl=10&tokens=4 name fast
	      json {"stream": true, "messages": [{"role": "user", "content": "hi"}]}
	      stream openai
	LT
	lt-run -q -f "$TMP/g.lt" -H "$TARGET_URL" -u 2 -r 100 -i 10 2>/dev/null |
	    lt-agg 2>/dev/null | lt-report -o "$TMP/llm" 2>/dev/null
	grep -q 'id="chart-llm-' "$TMP/llm/index.html" 2>/dev/null && llm=1
fi
check "a report with streamed answers' charts" test "$llm" = 1
for rep in demo rep $([ "$llm" = 1 ] && echo llm); do
	for w in 1400 400; do
		m=$(measure "$rep" "$w")
		get() { echo "$m" | awk -v k="$1" '$1 == k { print $'"${2:-2}"' }'; }
		echo "$m" | sed "s/^/# $rep $w: /"
		check "$rep at $w px: chart text measured ($(get texts) texts)" \
		    test "$(get texts)" -gt 20
		check "$rep at $w px: smallest chart text $(get minfont) px >= 11" \
		    awk -v f="$(get minfont)" 'BEGIN { exit !(f >= 11) }'
		check_eq "$rep at $w px: nothing overflows the page" \
		    "$(echo "$m" | grep '^overflow')" "overflow 0 "
		check_eq "$rep at $w px: every chart has a title" \
		    "$(get charts 4)" "$(get charts)"
		if [ "$rep" = rep ]; then
			check "$rep at $w px: regressions listed ($(get regressions))" \
			    test "$(get regressions)" -gt 0
			check_eq "$rep at $w px: every regression cell visible" \
			    "$(get regressions 4)" "$(get regressions)"
			[ "$w" = 1400 ] && check_eq \
			    "$rep at $w px: the comparison table's regression cells visible" \
			    "$(get comparecells 4)" "$(get comparecells)"
		fi
	done
done
# The measure itself: text drawn small must be caught.
cp -r "$TMP/demo" "$TMP/small"
sed -i 's|</head>|<style>figure.chart svg{min-width:0 !important;max-width:200px !important}</style></head>|' \
    "$TMP/small/index.html"
m=$(measure small 1400)
check "small chart text is detected ($(echo "$m" | grep minfont))" \
    awk -v f="$(echo "$m" | awk '$1 == "minfont" { print $2 }')" 'BEGIN { exit !(f < 11) }'

run_chrome /dev/null "$TMP/shot.log" --hide-scrollbars \
    --screenshot="$TMP/shot.png" --window-size=1280,2000 \
    "file://$TMP/rep/index.html"
check_eq "screenshot taken" "$?" 0
size=$(stat -c %s "$TMP/shot.png" 2>/dev/null || echo 0)
check "screenshot is not blank (${size} bytes)" test "$size" -gt 20000
# Print (the @media print style sheet) to PDF.
run_chrome /dev/null "$TMP/pdf.log" --print-to-pdf="$TMP/r.pdf" \
    "file://$TMP/rep/index.html"
check_eq "print to PDF: exit 0" "$?" 0
check "print to PDF: a PDF was written" sh -c "head -c 5 '$TMP/r.pdf' | grep -q '%PDF-'"
[ -n "${LT_SHOT:-}" ] && cp "$TMP/shot.png" "$LT_SHOT"
done_testing
