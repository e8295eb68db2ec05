#!/usr/bin/env bash
# report_csv.sh - lt-report's CSV files against Locust's own (golden files
# written by Locust 2.12.1, tests/data/locust/): same header bytes, CRLF,
# field counts, value forms column by column, Aggregated row, sorting;
# for a normal run, a CO run, an empty run and a run with only failures.
. "$(dirname "$0")/../lib.sh"

data=$LT_TOP/tests/data/report
gold=$LT_TOP/tests/data/locust
cmp_py=$LT_TOP/tests/pipe/csvcompare.py

for run in normal co empty failonly; do
	lt-report --csv "$TMP/$run" "$data/$run.json" 2>"$TMP/err"
	check_eq "$run: --csv exits 0" "$?" 0
	for f in stats stats_history failures exceptions; do
		kind=$f
		[ "$f" = stats_history ] && kind=history
		if out=$(python3 "$cmp_py" "$kind" "$TMP/${run}_$f.csv" \
		    "$gold/locust_$f.csv" 2>&1); then
			ok "$run: ${f}.csv matches Locust's format"
		else
			not_ok "$run: ${f}.csv matches Locust's format"
			echo "$out" | sed 's/^/#   /'
		fi
	done
done

# The values, not only their form.
row=$(grep '^,Aggregated,' "$TMP/normal_stats.csv" | tr -d '\r')
check_eq "Aggregated row of the normal run" "$row" \
    ",Aggregated,491,11,4,6.3196476578411405,0.487,48.714,1994.4195519348268,24.55,0.55,4,6,9,10,14,20,24,33,49,49,49"
row=$(grep '^,Aggregated,' "$TMP/empty_stats.csv" | tr -d '\r')
check_eq "empty run: zeros and N/A like Locust" "$row" \
    ",Aggregated,0,0,0,0.0,0,0,0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A"
check_eq "empty run: history has only its header" \
    "$(wc -l <"$TMP/empty_stats_history.csv")" 1
check_eq "history: one row per second of the normal run" \
    "$(($(wc -l <"$TMP/normal_stats_history.csv") - 1))" 20
last=$(tail -1 "$TMP/normal_stats_history.csv" | cut -d, -f18,19)
check_eq "history: last row's totals are the run's totals" "$last" "491,11"
check_eq "failures: the failing endpoint" \
    "$(sed -n 2p "$TMP/normal_failures.csv" | tr -d '\r')" "POST,/cart,http: 500,11"
n=$(grep '^,Aggregated,' "$TMP/failonly_stats.csv" | cut -d, -f3)
check_eq "failonly: every request is a failure" \
    "$(grep '^,Aggregated,' "$TMP/failonly_stats.csv" | cut -d, -f3,4)" "$n,$n"

# QA F12: the float columns are computed from the exact sums the aggregate
# carries (hist sum_us/count, bytes/requests, requests/duration_s, min_us,
# max_us), printed like Python's repr(float), not the aggregate's 3-decimal
# roundings.  A duration that is not a round number makes the rates odd.
python3 - "$data/normal.json" >"$TMP/odd.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["run"]["duration_s"] = 20.123457
json.dump(d, sys.stdout)
PY
exact_rows() {
	python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
dur = d["run"]["duration_s"]
for e in sorted(d["endpoints"], key=lambda e: (e["name"], e["method"])) + [d["total"]]:
    h = e["hist"]
    if e["requests"] == 0:
        print("%s,%s,0.0,0,0,0" % (e["method"], e["name"]))
        continue
    print(",".join([e["method"], e["name"],
        repr(h["sum_us"] / (1000 * h["count"])), repr(h["min_us"] / 1000),
        repr(h["max_us"] / 1000), repr(e["bytes"] / e["requests"]),
        repr(e["requests"] / dur if dur > 0 else 0.0),
        repr(e["failures"] / dur if dur > 0 else 0.0)]))
PY
}
for run in normal co failonly odd; do
	src=$data/$run.json
	[ "$run" = odd ] && src=$TMP/odd.json
	lt-report --format csv "$src" >"$TMP/exact.csv"
	check_eq "$run: float columns exact, as Python writes them" \
	    "$(tail -n +2 "$TMP/exact.csv" | tr -d '\r' | cut -d, -f1,2,6-11)" \
	    "$(exact_rows "$src")"
done

# QA F30: a stray event weeks away must not fill the history with a
# million empty rows (nor cut it): gaps of more than an hour are left
# out, with one warning; every second that has events is written.
gap_run() {
	printf '{"type":"req","ts":%s,"name":"a","latency_ms":1}\n' "$@" |
	    lt-agg >"$TMP/gap.json"
	lt-report --csv "$TMP/gap" "$TMP/gap.json" 2>"$TMP/err"
}
gap_run 1764400000 1764400001 1769400000
check_eq "58-day gap: exit 0" "$?" 0
check_eq "58-day gap: only the seconds with events" \
    "$(tail -n +2 "$TMP/gap_stats_history.csv" | head -4 | cut -d, -f1,18 |
    tr -d '\r' | tr '\n' ' ')" "1764400000,1 1764400001,2 1769400000,3 "
check_eq "58-day gap: one warning naming it" "$(cat "$TMP/err")" \
    "lt-report: warning: no events for 4999998 s (from 1764400001 to 1769400000): the history leaves that gap out"
gap_run 1764400000 1764400100
check_eq "100 s gap: filled like Locust, one row per second" \
    "$(($(wc -l <"$TMP/gap_stats_history.csv") - 1))" 101
check_eq "100 s gap: no warning" "$(cat "$TMP/err")" ""
gap_run 1764400000 1764403601
check_eq "1 h gap: filled" "$(($(wc -l <"$TMP/gap_stats_history.csv") - 1))" \
    3602
gap_run 1764400000 1764403602
check_eq "1 h 1 s gap: left out" \
    "$(($(wc -l <"$TMP/gap_stats_history.csv") - 1))" 2

# --format csv writes the stats file to stdout; -o DIR writes lt_*.csv.
lt-report --format csv "$data/normal.json" >"$TMP/stdout.csv"
check "--format csv on stdout is the stats file" \
    cmp -s "$TMP/stdout.csv" "$TMP/normal_stats.csv"
lt-report -o "$TMP/dir" --no-charts "$data/normal.json"
for f in stats stats_history failures exceptions; do
	check "-o DIR writes lt_$f.csv" cmp -s "$TMP/dir/lt_$f.csv" \
	    "$TMP/normal_$f.csv"
done

# A name needing quotes is quoted the way Python's csv module does.
python3 - "$data/normal.json" >"$TMP/quoted.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["endpoints"][0]["name"] = 'a,"b"'
json.dump(d, sys.stdout)
PY
lt-report --format csv "$TMP/quoted.json" >"$TMP/quoted.csv"
check "a name with a comma and quotes is quoted" \
    grep -q '^GET,"a,""b""",274,' "$TMP/quoted.csv"
# History: "Total Average Content Size" is cumulative to each second, as
# Locust's (the timeline carries bytes per second); an aggregate without
# them (older lt-agg, or merged with one) falls back to the run's average.
python3 - >"$TMP/bytes.ndjson" <<'PY'
import json
for s, b in ((0, 100), (1, 300), (2, 300)):
    for k in range(2):
        print(json.dumps({"type": "req", "ts": 1000.0 + s + 0.1 * k, "name": "/x",
            "method": "GET", "url": "http://127.0.0.1:1/x", "status": 200,
            "ok": True, "error": None, "latency_ms": 1.0, "ttfb_ms": 0.5,
            "connect_ms": 0.0, "bytes": b, "user": 0}))
PY
lt-agg <"$TMP/bytes.ndjson" >"$TMP/bytes.json" 2>/dev/null
check "the aggregate's timeline has bytes per second" \
    test "$(jq -c '[.timeline[].bytes]' "$TMP/bytes.json")" = "[200,600,600]"
lt-report --csv "$TMP/by" "$TMP/bytes.json"
check_eq "history: cumulative average content size per second" \
    "$(tail -n +2 "$TMP/by_stats_history.csv" | awk -F, '{ print $NF }' | tr -d '\r' | tr '\n' ' ')" \
    "100.0 200.0 233.33333333333334 "
jq 'del(.timeline[].bytes)' "$TMP/bytes.json" >"$TMP/nobytes.json"
lt-report --csv "$TMP/nb" "$TMP/nobytes.json"
check_eq "history without bytes per second: the run's average" \
    "$(tail -n +2 "$TMP/nb_stats_history.csv" | awk -F, '{ print $NF }' | tr -d '\r' | sort -u)" \
    "233.33333333333334"
lt-agg --merge "$TMP/bytes.json" "$TMP/nobytes.json" >"$TMP/merged.json" 2>/dev/null
check_eq "merged with an aggregate without bytes: none written" \
    "$(jq -c '[.timeline[] | has("bytes")] | unique' "$TMP/merged.json")" "[false]"
lt-agg --merge "$TMP/bytes.json" "$TMP/bytes.json" >"$TMP/merged2.json" 2>/dev/null
check_eq "merged: bytes per second add up" \
    "$(jq -c '[.timeline[].bytes]' "$TMP/merged2.json")" "[400,1200,1200]"
done_testing
