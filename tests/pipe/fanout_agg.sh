#!/usr/bin/env bash
# fanout_agg.sh - lt-fanout --ship agg: workers send per-second aggregates
# instead of events and the coordinator writes one aggregate, equal to
# lt-agg over the very events the workers generated (kept in their
# spools), and with the counts of --ship events | lt-agg for the same -i.
. "$(dirname "$0")/../lib.sh"

start_target || exit 1
cat >"$TMP/s.lt" <<'LT'
user A weight 2
  task GET /ok
user B weight 1
  task GET /missing
LT
mkdir "$TMP/sp"
lt-fanout -q -w 3 --ship agg --spool-dir "$TMP/sp" --keep-spool \
    -f "$TMP/s.lt" -H "$TARGET_URL" -u 6 -r 100 -i 3000 --seed 3 \
    >"$TMP/a.json"
check_eq "--ship agg: exit status 0" "$?" 0
check_eq "the output is one aggregate document" \
    "$(jq -s -r 'length, .[0].lt_aggregate' "$TMP/a.json" | tr '\n' ' ')" "1 1 "
check_eq "its total is -i 3000" "$(jq -r '.total.requests' "$TMP/a.json")" 3000
check_eq "3 spools kept" "$(ls "$TMP/sp" | grep -c '\.spool$')" 3
cat "$TMP"/sp/*.spool | lt-agg >"$TMP/b.json"
check_eq "lt-agg over the workers' own events reads them all" \
    "$(jq -r '.total.requests' "$TMP/b.json")" 3000
view() { # the endpoints' counts, statuses and histograms, and the total's
	jq -S '{e: [.endpoints[] | {method, name, requests, failures, bytes,
	    status, hist, ttfb_hist}], t: .total.hist, f: .failures}' "$1"
}
check_eq "endpoints, status codes and histograms equal bucket for bucket" \
    "$(view "$TMP/a.json" | md5sum)" "$(view "$TMP/b.json" | md5sum)"
check "the histograms are not empty" \
    test "$(jq '[.endpoints[].hist | tostring | length] | min' "$TMP/a.json")" -gt 20
check_eq "the whole documents are equal (run, timeline, failures)" \
    "$(jq -S 'del(.lt_version)' "$TMP/a.json" | md5sum)" \
    "$(jq -S 'del(.lt_version)' "$TMP/b.json" | md5sum)"

# The same run shipping events, through lt-agg: the same counts.
lt-fanout -q -w 3 -f "$TMP/s.lt" -H "$TARGET_URL" -u 6 -r 100 -i 3000 \
    --seed 3 | lt-agg >"$TMP/e.json"
counts() {
	jq -S -c '[.endpoints[] | {name, requests, failures, status}]' "$1"
}
check_eq "--ship events | lt-agg counts as --ship agg" \
    "$(counts "$TMP/e.json")" "$(counts "$TMP/a.json")"

# A longer run: several aggregates per worker, the last one wins.
rm -f "$TMP"/sp/*
lt-fanout -q -w 2 --ship agg --spool-dir "$TMP/sp" --keep-spool \
    -f "$TMP/s.lt" -H "$TARGET_URL" -u 4 -r 100 --rate 200 -t 3s --seed 4 \
    >"$TMP/l.json"
check_eq "3 s at 200/s: exit status 0" "$?" 0
cat "$TMP"/sp/*.spool | lt-agg >"$TMP/lb.json"
check "3 s at 200/s: hundreds of requests" \
    test "$(jq -r '.total.requests' "$TMP/l.json")" -gt 300
check_eq "3 s at 200/s: equal to lt-agg over the spools" \
    "$(view "$TMP/l.json" | md5sum)" "$(view "$TMP/lb.json" | md5sum)"

lt-fanout -q -w 2 --ship bogus -f "$TMP/s.lt" -H "$TARGET_URL" -i 1 \
    >/dev/null 2>"$TMP/u.err"
check_eq "--ship bogus: usage error" "$?" 2

done_testing
