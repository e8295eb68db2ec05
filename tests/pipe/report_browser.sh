#!/usr/bin/env bash
# report_browser.sh - the HTML report in a real browser: headless Chromium
# (Debian's chromium package) loads index.html from a file: URL with the
# network disabled, and must log no console error and no failed load; the
# rendered DOM must hold every chart as an inline <svg>; a screenshot is
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
	for id in rps users latency dist endpoints; do
		check "$rep: chart $id is in the rendered DOM" sh -c "grep -A1 \
		    '<figure class=\"chart\" id=\"chart-$id\">' '$TMP/$rep.dom' |
		    grep -q '<svg role=\"img\" aria-label='"
	done
	check_eq "$rep: five inline svg elements" \
	    "$(grep -o '<svg ' "$TMP/$rep.dom" | wc -l)" 5
	check "$rep: no script in the DOM" sh -c "! grep -q '<script' '$TMP/$rep.dom'"
done

# The detector itself: a page with a script error must be caught.
printf '<!DOCTYPE html><p>x</p><script>nosuch()</script>\n' >"$TMP/bad.html"
run_chrome /dev/null "$TMP/bad.log" --dump-dom "file://$TMP/bad.html"
check "a console error is detected when there is one" \
    grep -q 'CONSOLE.*Uncaught' "$TMP/bad.log"

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
