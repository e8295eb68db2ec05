#!/usr/bin/env bash
# report_compare.sh - lt-report --baseline: an injected regression (one
# endpoint 40% slower, fewer requests/s) is flagged in the HTML, the
# Markdown and the exit status; a run compared with itself is not; the
# tolerance moves the line; both timelines are overlaid in the charts.
. "$(dirname "$0")/../lib.sh"

data=$LT_TOP/tests/data/report
hc() { python3 "$LT_TOP/tests/pipe/htmlcheck.py" "$@"; }

lt-report --baseline "$data/normal.json" -o "$TMP/same" "$data/normal.json" \
    2>"$TMP/err"
check_eq "same run: exit 0" "$?" 0
check_eq "same run: nothing on stderr" "$(cat "$TMP/err")" ""
check "same run: no regression" grep -q 'no regression beyond the tolerance' \
    "$TMP/same/report.md"
check_eq "same run: nothing marked worse" \
    "$(grep -c 'class="n worse"' "$TMP/same/index.html")" 0

lt-report --baseline "$data/normal.json" -o "$TMP/slow" --format md \
    "$data/slower.json" >"$TMP/slow.md" 2>"$TMP/err"
check_eq "injected regression: exit 1" "$?" 1
check "injected regression: stderr counts it" \
    grep -q '^lt-report: [0-9]* regressions\? beyond 10% against' "$TMP/err"
check "the slow endpoint's p50 is flagged in Markdown" \
    grep -q '^| GET /items/{id} | \*\*[0-9.]* → [0-9.]* (+[0-9.]*%)\*\* (worse)' \
    "$TMP/slow.md"
check "requests/s drop flagged on the total" \
    grep -q '^| Aggregated |.*(-[0-9.]*%)\*\* (worse) |' "$TMP/slow.md"
check "fast endpoint / is not flagged on p50" \
    sh -c "grep '^| GET / |' '$TMP/slow.md' | head -1 | grep -v '^| GET / | \*\*' | grep -q ."
# QA F32c: the verdict is in the Summary, at the top of the page.
check "the summary states the verdict" sh -c "sed -n '/^## Summary/,/^## /p' \
    '$TMP/slow.md' | grep -q '^\*\*[0-9]* regressions\? against the baseline\*\* (tolerance 10%): see'"
check "same run: the summary says no regression" sh -c "sed -n \
    '/^## Summary/,/^## /p' '$TMP/same/report.md' | grep -q \
    '^No regression against the baseline (tolerance 10%).'"
check "HTML marks regressions" grep -q '<td class="n worse">' \
    "$TMP/slow/index.html"
check "HTML states the count" grep -q 'regressions\? beyond the tolerance' \
    "$TMP/slow/index.html"
if out=$(hc "$TMP/slow/index.html" --charts 5 2>&1); then
	ok "comparison page well-formed ($out)"
else
	not_ok "comparison page well-formed"
	echo "$out" | sed 's/^/#   /'
fi
check "baseline timeline overlaid (requests/s)" grep -q 'baseline requests/s' \
    "$TMP/slow/index.html"
check "baseline distribution overlaid" grep -q '>baseline<' \
    "$TMP/slow/index.html"

# A tolerance wide enough to swallow the change.
lt-report --baseline "$data/normal.json" --tolerance 300% --format md \
    "$data/slower.json" >"$TMP/wide.md" 2>"$TMP/err"
check_eq "tolerance 300%: exit 0" "$?" 0
check_eq "tolerance 300%: nothing worse" "$(grep -c '(worse)' "$TMP/wide.md")" 0

# An endpoint only in one run.
python3 - "$data/normal.json" >"$TMP/renamed.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["endpoints"][0]["name"] = "/renamed"
json.dump(d, sys.stdout)
PY
lt-report --baseline "$data/normal.json" --format md "$TMP/renamed.json" \
    >"$TMP/renamed.md" 2>/dev/null
check "new endpoint marked new" grep -q '^| GET /renamed | new |' "$TMP/renamed.md"
check "vanished endpoint marked removed" grep -q '^| GET / | removed |' \
    "$TMP/renamed.md"
lt-report --baseline "$TMP/nosuch.json" "$data/normal.json" >/dev/null 2>&1
check_eq "missing baseline: exit 2" "$?" 2
done_testing
