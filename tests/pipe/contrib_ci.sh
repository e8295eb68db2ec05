#!/usr/bin/env bash
# contrib_ci.sh - the CI examples run for real: the run: steps of
# contrib/ci/github-actions.yml and the script: lines of
# contrib/ci/gitlab-ci.yml (read with tests/pipe/ciyaml.py) run in a
# workspace against the bundled target, with the job's own env; the gate
# passes and fails on thresholds, the summary, HTML report and JUnit XML
# are left where the YAML's artifact and report entries point.
. "$(dirname "$0")/../lib.sh"

jqe() { jq -e "$@" >/dev/null; }

YAML="python3 $LT_TOP/tests/pipe/ciyaml.py"
start_target || exit 1
ws=$TMP/ws
mkdir -p "$ws"
ln -s "$LT_TOP/contrib" "$ws/contrib"
ln -s "$LT_TOP/scenarios" "$ws/scenarios"
# the job's install and service steps are replaced by the test's target
SKIP_STEPS='["Install lt","Start the service under test"]'

# github JSON_STEPS_FILE: runs the run: steps as Actions would (bash -e,
# a failed step skips the rest unless "if: always()"); prints each exit
github() {
	local n i name run cond failed=0 rc
	n=$(jq '.jobs.load.steps | length' "$1")
	for ((i = 0; i < n; i++)); do
		name=$(jq -r ".jobs.load.steps[$i].name // \"\"" "$1")
		run=$(jq -r ".jobs.load.steps[$i].run // empty" "$1")
		cond=$(jq -r ".jobs.load.steps[$i].if // \"\"" "$1")
		[ -n "$run" ] || continue
		jq -e --arg n "$name" 'index($n)' <<<"$SKIP_STEPS" >/dev/null && continue
		[ "$failed" = 1 ] && [ "$cond" != "always()" ] && continue
		(cd "$ws" && bash -e -c "$run") >>"$TMP/gh.log" 2>&1
		rc=$?
		echo "$name=$rc"
		[ "$rc" = 0 ] || failed=1
	done
}

$YAML "$LT_TOP/contrib/ci/github-actions.yml" >"$TMP/gh.json"
check_eq "the YAML is in the subset ciyaml reads" "$?" 0
check_eq "the steps the test replaces exist" \
    "$(jq -c '[.jobs.load.steps[].name // empty] | map(select(. == "Install lt" or . == "Start the service under test"))' "$TMP/gh.json")" \
    "$SKIP_STEPS"
check "an artifact step keeps the HTML report directory" \
    jqe '.jobs.load.steps[] | select(.uses // "" | startswith("actions/upload-artifact")) | select(.with.path == "lt-out/")' "$TMP/gh.json"
# the job's env, with a shorter run and the target's address
eval "$(jq -r '.jobs.load.env | to_entries[] | "export \(.key)=\(.value | @sh)"' "$TMP/gh.json")"
export LT_CI_HOST=$TARGET_URL LT_CI_TIME=3s LT_CI_USERS=2
export GITHUB_STEP_SUMMARY=$TMP/summary.md
check_eq "the job's thresholds are two lines" "$(printf '%s' "$LT_CI_CHECKS" | grep -c .)" 2

github "$TMP/gh.json" >"$TMP/gh.rc"
check_eq "github: load test and the summary step pass" "$(paste -sd' ' "$TMP/gh.rc")" \
    "Load test=0 Thresholds as test results=0"
check "github: report.md is the job summary" grep -q '^# Load test report' "$TMP/summary.md"
check "github: the HTML report is in the artifact directory" test -s "$ws/lt-out/index.html"
check "github: thresholds notice" grep -q '::notice title=lt thresholds::2 of 2 passed' "$TMP/gh.log"
if command -v xmllint >/dev/null; then
	check "github: junit.xml validates" xmllint --noout --schema \
	    "$LT_TOP/tests/data/junit-10.xsd" "$ws/lt-out/junit.xml" 2>/dev/null
else
	skip "junit.xml validates" "xmllint not installed"
fi

# the gate fails: the load step exits 1, the always() step still runs
rm -rf "$ws/lt-out" "$TMP/summary.md"
LT_CI_CHECKS='p95<0.000001ms' github "$TMP/gh.json" >"$TMP/gh.rc"
check_eq "github: a failed threshold fails the job, reports still run" \
    "$(paste -sd' ' "$TMP/gh.rc")" "Load test=1 Thresholds as test results=0"
check "github: the summary is written on failure too" grep -q '^# Load test report' "$TMP/summary.md"
check "github: the failure is in junit.xml" grep -q '<failure type="threshold"' "$ws/lt-out/junit.xml"

# GitLab: script lines in one shell that stops at the first failure,
# after_script always
$YAML "$LT_TOP/contrib/ci/gitlab-ci.yml" >"$TMP/gl.json"
check_eq "gitlab YAML read" "$?" 0
check_eq "gitlab: the junit report is the script's file" \
    "$(jq -r '."load-test".artifacts.reports.junit' "$TMP/gl.json")" "lt-out/junit.xml"
unset LT_CI_CHECKS GITHUB_STEP_SUMMARY
eval "$(jq -r '."load-test".variables | to_entries[] | "export \(.key)=\(.value | @sh)"' "$TMP/gl.json")"
export LT_CI_HOST=$TARGET_URL LT_CI_TIME=3s LT_CI_USERS=2
rm -rf "$ws/lt-out"
(cd "$ws" && sh -e -c "$(jq -r '."load-test".script | join("\n")' "$TMP/gl.json")") >"$TMP/gl.log" 2>&1
check_eq "gitlab: script passes" "$?" 0
(cd "$ws" && sh -c "$(jq -r '."load-test".after_script | join("\n")' "$TMP/gl.json")") >"$TMP/gl.after" 2>&1
check "gitlab: after_script prints report.md to the log" grep -q '^# Load test report' "$TMP/gl.after"
check "gitlab: the artifact path holds the report" test -s "$ws/$(jq -r '."load-test".artifacts.paths[0]' "$TMP/gl.json")index.html"
LT_CI_SCENARIO= sh "$ws/contrib/ci/lt-ci.sh" >/dev/null 2>&1
check "lt-ci.sh without a scenario fails" test "$?" -ne 0
done_testing
