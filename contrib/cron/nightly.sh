#!/bin/sh
# contrib/cron/nightly.sh - a nightly regression run for cron.
#
# Runs a scenario, keeps the events, aggregates with thresholds, compares
# with last night's aggregate and writes a report.  Exit status is lt-agg's:
# 0 all good, 1 a threshold failed or the run regressed, 2/3 errors, so
# cron's MAILTO (or a CI job) hears about failures only.
#
#   15 3 * * * LT_HOST=http://127.0.0.1:8080 /usr/local/share/lt/contrib/cron/nightly.sh
set -u
dir=${LT_NIGHTLY_DIR:-/var/lib/lt-nightly}
scenario=${LT_SCENARIO:-/usr/local/share/lt/scenarios/shop.lt}
day=${LT_NIGHTLY_DAY:-$(date +%Y-%m-%d)}
mkdir -p "$dir/$day"
lt-run -q -f "$scenario" -u "${LT_NIGHTLY_USERS:-50}" -r 10 -t "${LT_NIGHTLY_TIME:-5m}" \
	-o "$dir/$day/events.ndjson" || exit $?
gzip -f "$dir/$day/events.ndjson"
base=""
[ -f "$dir/latest.json" ] && base="--baseline $dir/latest.json --tolerance 10%"
# shellcheck disable=SC2086
lt-agg -q --check "${LT_NIGHTLY_P95:-p95<500ms}" --check 'fail_ratio<0.01' $base \
	"$dir/$day/events.ndjson.gz" >"$dir/$day/run.json"
rc=$?
lt-report -o "$dir/$day/report" "$dir/$day/run.json" || exit $?
[ "$rc" -eq 0 ] && ln -sf "$dir/$day/run.json" "$dir/latest.json"
exit "$rc"
