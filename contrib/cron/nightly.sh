#!/bin/sh
# contrib/cron/nightly.sh - a nightly regression run for cron.
#
# Runs a scenario, keeps the events, aggregates with thresholds, compares
# with the last good night's aggregate, writes the night's report and the
# history page of all nights kept (lt-report --history), and prunes
# nights older than the retention.  Layout of the directory:
#
#   DIR/YYYY-MM-DD/events.ndjson.gz   the night's events
#   DIR/YYYY-MM-DD/run.json           its aggregate
#   DIR/YYYY-MM-DD/report/            its report (index.html, report.md)
#   DIR/latest.json                   link to the last night that passed
#   DIR/history.html                  the trend across nights
#
# Exit status: 0 all good; 1 a threshold failed, the night regressed
# against the baseline, or the history shows it regressed against the
# night before; 2/3 errors; so cron's MAILTO (or a CI job) hears about
# failures only.
#
#   15 3 * * * LT_HOST=http://127.0.0.1:8080 /usr/local/share/lt/contrib/cron/nightly.sh
#
# Options (each also an environment variable):
#   -d DIR    LT_NIGHTLY_DIR        where nights are kept (/var/lib/lt-nightly)
#   -k DAYS   LT_NIGHTLY_KEEP_DAYS  prune nights older than DAYS (90; 0: never)
#   -s FILE   LT_SCENARIO           the scenario
# and LT_NIGHTLY_USERS, LT_NIGHTLY_TIME, LT_NIGHTLY_P95 (the p95 threshold),
# LT_NIGHTLY_TOLERANCE (regression tolerance, 10%),
# LT_NIGHTLY_DAY (the night's name, a YYYY-MM-DD date; default today).
set -u
dir=${LT_NIGHTLY_DIR:-/var/lib/lt-nightly}
keep=${LT_NIGHTLY_KEEP_DAYS:-90}
scenario=${LT_SCENARIO:-/usr/local/share/lt/scenarios/shop.lt}
while getopts d:k:s: o; do
	case $o in
	d) dir=$OPTARG ;;
	k) keep=$OPTARG ;;
	s) scenario=$OPTARG ;;
	*) echo "usage: nightly.sh [-d dir] [-k days] [-s scenario]" >&2; exit 2 ;;
	esac
done
case $keep in
'' | *[!0-9]*) echo "nightly.sh: -k needs a number of days" >&2; exit 2 ;;
esac
day=${LT_NIGHTLY_DAY:-$(date +%Y-%m-%d)}
if ! date -d "$day" +%F >/dev/null 2>&1; then
	echo "nightly.sh: the night's name must be a date YYYY-MM-DD: $day" >&2
	exit 2
fi
mkdir -p "$dir/$day"
lt-run -q -f "$scenario" -u "${LT_NIGHTLY_USERS:-50}" -r 10 -t "${LT_NIGHTLY_TIME:-5m}" \
	-o "$dir/$day/events.ndjson" || exit $?
gzip -f "$dir/$day/events.ndjson"
base=""
tol=${LT_NIGHTLY_TOLERANCE:-10%}
[ -f "$dir/latest.json" ] && base="--baseline $dir/latest.json --tolerance $tol"
# shellcheck disable=SC2086
lt-agg -q --check "${LT_NIGHTLY_P95:-p95<500ms}" --check 'fail_ratio<0.01' $base \
	"$dir/$day/events.ndjson.gz" >"$dir/$day/run.json"
rc=$?
[ "$rc" -le 1 ] || exit "$rc"
lt-report -o "$dir/$day/report" "$dir/$day/run.json" || exit $?
[ "$rc" -eq 0 ] && ln -sf "$dir/$day/run.json" "$dir/latest.json"

# prune by age: night names are dates, so names compare as dates; the
# night latest.json points to is kept whatever its age
if [ "$keep" -gt 0 ]; then
	cutoff=$(date -d "$day - $keep days" +%Y-%m-%d)
	keepl=$(readlink "$dir/latest.json" 2>/dev/null)
	for n in "$dir"/[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*; do
		[ -e "$n" ] || continue
		name=${n##*/}
		[ "$(printf '%.10s' "$name")" \< "$cutoff" ] || continue
		case $keepl in "$n"/*) continue ;; esac
		rm -rf -- "$n"
	done
fi

lt-report --history "$dir" --tolerance "$tol" >"$dir/history.html.tmp"
hrc=$?
# the page is kept whatever the verdict; exit 2/3 is a broken history
if [ "$hrc" -le 1 ]; then
	mv "$dir/history.html.tmp" "$dir/history.html"
else
	rm -f "$dir/history.html.tmp"
	echo "nightly.sh: lt-report --history failed ($hrc)" >&2
fi
[ "$rc" -eq 0 ] && [ "$hrc" -eq 1 ] && {
	echo "nightly.sh: $day regressed against the night before" >&2
	rc=1
}
exit "$rc"
