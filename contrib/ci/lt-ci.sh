#!/bin/sh
# contrib/ci/lt-ci.sh - the load-test step of a CI job: run a scenario
# against the service the job started, aggregate with thresholds as the
# gate, and leave everything a CI system shows:
#
#   $LT_CI_OUT/events.ndjson.gz   the events
#   $LT_CI_OUT/run.json           the aggregate
#   $LT_CI_OUT/junit.xml          one test case per threshold (and per
#                                 baseline rule), for test reporters
#   $LT_CI_OUT/index.html         the self-contained HTML report (artifact)
#   $LT_CI_OUT/report.md          the Markdown report; also appended to
#                                 $LT_CI_SUMMARY when set (GitHub:
#                                 $GITHUB_STEP_SUMMARY)
#
# Settings (environment; the YAML examples set them):
#   LT_CI_SCENARIO  scenario file (required)
#   LT_CI_HOST      base URL of the service (default http://127.0.0.1:8080)
#   LT_CI_USERS, LT_CI_SPAWN, LT_CI_TIME   load (10 users, 5/s, 30s)
#   LT_CI_CHECKS    thresholds, one per line (default: p95<500ms and
#                   fail_ratio<1%)
#   LT_CI_BASELINE  an older aggregate to compare with (optional)
#   LT_CI_OUT       output directory (default lt-out)
#   LT_CI_SUMMARY   a file to append report.md to (optional)
# Exit status: lt-agg's: 0 passed, 1 a threshold failed or the run
# regressed, 2/3 errors.  The reports are written in every case.
set -u
: "${LT_CI_SCENARIO:?LT_CI_SCENARIO: the scenario to run}"
host=${LT_CI_HOST:-http://127.0.0.1:8080}
out=${LT_CI_OUT:-lt-out}
checks=${LT_CI_CHECKS:-"p95<500ms
fail_ratio<1%"}
mkdir -p "$out" || exit 3

# one --check per line of LT_CI_CHECKS (expressions may hold spaces)
set --
while IFS= read -r c; do
	[ -n "$c" ] && set -- "$@" --check "$c"
done <<EOF_CHECKS
$checks
EOF_CHECKS
[ -n "${LT_CI_BASELINE:-}" ] && set -- "$@" --baseline "$LT_CI_BASELINE"

lt-run -q -f "$LT_CI_SCENARIO" -H "$host" -u "${LT_CI_USERS:-10}" \
	-r "${LT_CI_SPAWN:-5}" -t "${LT_CI_TIME:-30s}" -o "$out/events.ndjson"
rc=$?
if [ "$rc" -ne 0 ]; then
	echo "lt-ci: lt-run failed ($rc)" >&2
	exit "$rc"
fi
lt-agg "$@" --junit "$out/junit.xml" "$out/events.ndjson" >"$out/run.json"
rc=$?
[ "$rc" -le 1 ] || exit "$rc"
gzip -f "$out/events.ndjson"
lt-report -o "$out" "$out/run.json" || exit $?
if [ -n "${LT_CI_SUMMARY:-}" ]; then
	cat "$out/report.md" >>"$LT_CI_SUMMARY" || exit 3
fi
exit "$rc"
