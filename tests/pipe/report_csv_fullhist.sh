#!/usr/bin/env bash
# report_csv_fullhist.sh - lt-report --csv-full-history (Locust's): with
# an aggregate that has per-endpoint timelines (lt-agg
# --timeline-endpoints), the history CSV has a row per endpoint and second
# before the Aggregated one; the Aggregated rows are those written without
# the option; the last cumulative counts match the stats CSV.
. "$(dirname "$0")/../lib.sh"

start_target || exit 1
cd "$TMP" || exit 1
printf 'task 3 GET /a\ntask 1 GET /b\n' >s.lt
lt-run -q -f s.lt -H "$TARGET_URL" -u 2 -t 3s --seed 1 >ev 2>err
check_eq "the run: exit 0" "$?" 0
lt-agg --timeline-endpoints <ev >agg.json
lt-report --csv full --csv-full-history agg.json 2>err
check_eq "--csv-full-history: exit 0" "$?" 0
check_eq "--csv-full-history: no warning" "$(cat err)" ""
lt-report --csv plain agg.json
tr -d '\r' <full_stats_history.csv >full.csv
tr -d '\r' <plain_stats_history.csv >plain.csv
check "per-endpoint rows: GET /a" grep -q '^[0-9]*,[0-9]*,GET,/a,' full.csv
check "per-endpoint rows: GET /b" grep -q '^[0-9]*,[0-9]*,GET,/b,' full.csv
check_eq "the Aggregated rows are unchanged" \
    "$(grep -v ',GET,' full.csv)" "$(cat plain.csv)"
check "without the option: Aggregated rows only" \
    sh -c '! grep -q ",GET," plain.csv'
secs=$(grep -c ',Aggregated,' full.csv)
check_eq "one /a row per second" "$(grep -c ',GET,/a,' full.csv)" "$secs"
for n in /a /b; do
	last=$(grep ",GET,$n," full.csv | tail -n 1 | cut -d, -f18)
	want=$(tr -d '\r' <full_stats.csv | grep "^GET,$n," | cut -d, -f3)
	check_eq "$n: last cumulative count = stats count" "$last" "$want"
done
lt-agg <ev >agg2.json
lt-report --csv none --csv-full-history agg2.json 2>err
check_eq "no per-endpoint timeline: exit 0" "$?" 0
check "no per-endpoint timeline: a warning" grep -q "timeline-endpoints" err
check "lt-report(1) documents it" \
    grep -Eq '^.It Fl .?-csv-full-history' "$LT_TOP/share/man/man1/lt-report.1"
done_testing
