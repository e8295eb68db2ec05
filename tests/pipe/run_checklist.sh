#!/usr/bin/env bash
# run_checklist.sh - every check is counted, passes and failures (k6's
# checks list), end to end: lt-run's "checks" in the events against what
# the server answered and the URLs asked, lt-agg's "checks" (and a merge
# of two halves), the "checks" threshold, the text table, OpenMetrics, and
# the report's Checks section.
. "$(dirname "$0")/../lib.sh"
jqe() { jq -e "$@" >/dev/null; }
cd "$TMP" || exit 1
start_target || exit 1
closed=$(free_port)

cat >c.lt <<SCN
host $TARGET_URL
expect latency < 60s

user U
  sequence
    GET /ok name ok
      expect status 200
      expect body ~ no-such-text
    GET /status?code=503 name s503
      expect status 2xx
      save v header Content-Type
      expect header Content-Type exists
    GET /items/\${random 1 2} name item
      expect json .id == 1
      expect json  .price   exists 
    GET /json?n=3 name arr
      expect json .[5] exists
      save first json .[0].id
    GET http://127.0.0.1:$closed/x name refused
      expect status 200
SCN

lt-run -f c.lt -u 2 -r 100 -i 60 --seed 7 >ev.nd 2>run.err
check_eq "lt-run ran the iterations" "$(nreq ev.nd)" 300
n_ok=$(target_count /ok) # stops the target; the rest from its report
tc() { jq -r --arg p "$1" '.paths[$p] // 0' target.out; }
n_st=$(tc /status)
n_json=$(tc /json)
n_item1=$(tc /items/1)
n_item2=$(tc /items/2)
check_eq "the server saw every request" "$n_ok $n_st $n_json $((n_item1 + n_item2))" "60 60 60 60"
check "both item ids were asked" [ "$n_item1" -gt 0 ] && [ "$n_item2" -gt 0 ]

# events: one "checks" object per response, labels as written
check "ok: labels as written, results" jqe -s '[.[] | select(.name == "ok")] | all(.checks == {"latency < 60s": true, "status 200": true, "body ~ no-such-text": false})' ev.nd
check "ok: the error is the first failure" jqe -s '[.[] | select(.name == "ok")] | all(.error == "check: body lacks match for /no-such-text/" or (.error | startswith("check: body")))' ev.nd
check "s503: status fails, the capture is not run, later checks are" jqe -s '[.[] | select(.name == "s503")] | all(.checks == {"latency < 60s": true, "status 2xx": false, "header Content-Type exists": true} and (.error | startswith("check: status 503")))' ev.nd
check "item: the id check passes exactly on the requests for /items/1" jqe -s '[.[] | select(.name == "item")] | all(.checks["json .id == 1"] == (.url | endswith("/items/1")))' ev.nd
check "item: blanks inside the line kept, ends trimmed" jqe -s '[.[] | select(.name == "item")] | all(.checks["json  .price   exists"] == true)' ev.nd
check "json: a failing capture-less check and a passing capture" jqe -s '[.[] | select(.name == "arr")] | all(.checks == {"latency < 60s": true, "json .[5] exists": false, "save first json .[0].id": true})' ev.nd
check "refused: no response, no checks" jqe -s '[.[] | select(.name == "refused")] | all(has("checks") | not) and length == 60' ev.nd

# the aggregate counts them, per endpoint and check
lt-agg ev.nd >agg.json 2>/dev/null
all=$(jq '[.checks[] | .passes + .fails] | add' agg.json)
ok_n=$(jq '[.checks[] | .passes] | add' agg.json)
check "lt-run's summary counts the same" grep -q "checks [0-9.]*% passed ($ok_n of $all)\$" run.err
pc() { jq -r --arg n "$1" --arg c "$2" '.checks[] | select(.name == $n and .check == $c) | "\(.passes) \(.fails)"' agg.json; }
check_eq "ok: status 200" "$(pc ok 'status 200')" "$n_ok 0"
check_eq "ok: body regex" "$(pc ok 'body ~ no-such-text')" "0 $n_ok"
check_eq "s503: status" "$(pc s503 'status 2xx')" "0 $n_st"
check_eq "s503: header, run after the failed status" "$(pc s503 'header Content-Type exists')" "$n_st 0"
check_eq "s503: capture not run, not counted" "$(pc s503 'save v header Content-Type')" ""
check_eq "item: passes are the server's /items/1 count" "$(pc item 'json .id == 1')" "$n_item1 $n_item2"
check_eq "json: capture" "$(pc arr 'save first json .[0].id')" "$n_json 0"
check_eq "inherited check on every answered request" "$(jq '[.checks[] | select(.check == "latency < 60s") | .passes] | add' agg.json)" 240
check "no checks for the refused endpoint" jqe '[.checks[] | select(.name == "refused")] | length == 0' agg.json
check "sorted by endpoint, then as written" jqe '[.checks[] | .name] == ([.checks[] | .name] | sort)' agg.json

# a merge of two halves equals the whole
head -n 150 ev.nd >a.nd
tail -n +151 ev.nd >b.nd
lt-agg a.nd >a.json 2>/dev/null
lt-agg b.nd >b.json 2>/dev/null
lt-agg --merge a.json b.json >m.json 2>/dev/null
check_eq "merge equals the whole" "$(jq -c .checks m.json)" "$(jq -c .checks agg.json)"

# at the caps.  ev P LO HI CHECKS: events for endpoints /P<LO>../P<HI>,
# three rounds, with two checks or none.
ev() {
	awk -v p="$1" -v lo="$2" -v hi="$3" -v chk="$4" 'BEGIN {
	for (r = 0; r < 3; r++) for (e = lo; e <= hi; e++) {
		c = chk ? sprintf(",\"checks\":{\"status 200\":true,\"json .id == %d\":%s}", e % 7, (e + r) % 3 ? "true" : "false") : ""
		printf "{\"type\":\"req\",\"ts\":%d.5,\"name\":\"/%s%d\",\"method\":\"GET\",\"status\":200,\"ok\":true,\"latency_ms\":1%s}\n", 1000 + r, p, e, c } }'
}
# the check cap: two parts of 600 pairs each; the whole has 1200
ev a 0 299 1 >cap1.nd
ev b 0 299 1 >cap2.nd
cat cap1.nd cap2.nd >cap.nd
for f in cap cap1 cap2; do lt-agg $f.nd >$f.json 2>/dev/null; done
lt-agg --merge cap1.json cap2.json >capm.json 2>/dev/null
check_eq "check cap: merge equals the whole" "$(jq -c .checks capm.json)" "$(jq -c .checks cap.json)"
check "check cap: 1000 named pairs and one folded" jqe '(.checks | length) == 1001 and .checks[-1].folded == true and ([.checks[] | select(.folded)] | length) == 1 and .checks[-1].passes + .checks[-1].fails == 600' cap.json
check "check cap: every evaluation counted" jqe '([.checks[] | .passes + .fails] | add) == 3600' cap.json
lt-report -o caprep cap.json 2>/dev/null
check "check cap: the report reads it and says so" grep -q "counted together as (other)" caprep/report.md
# the endpoint cap: 950 endpoints then 100 more with checks; the checks
# of the 50 folded endpoints are the "(other)" endpoint's
{ ev n 0 899 0; ev c 0 49 1; } >ep1.nd
ev c 50 149 1 >ep2.nd
cat ep1.nd ep2.nd >ep.nd
for f in ep ep1 ep2; do lt-agg $f.nd >$f.json 2>/dev/null; done
lt-agg --merge ep1.json ep2.json >epm.json 2>/dev/null
check_eq "endpoint cap: merge equals the whole" "$(jq -c .checks epm.json)" "$(jq -c .checks ep.json)"
check "endpoint cap: folded endpoints' checks are (other)'s" jqe '[.checks[] | select(.name == "(other)" and .method == "" and (.folded | not)) | .passes + .fails] | add == 300' ep.json

# thresholds on the pass rate (k6's checks: rate>...)
total=$(jq '[.checks[] | .passes + .fails] | add' agg.json)
passes=$(jq '[.checks[] | .passes] | add' agg.json)
lt-agg -c 'checks>99%' ev.nd >/dev/null 2>th.err
check_eq "checks>99% fails: exit 1" "$?" 1
want=$(awk -v p="$passes" -v t="$total" 'BEGIN { v = sprintf("%.3f", 100 * p / t); sub(/0+$/, "", v); sub(/\.$/, "", v); print v "%" }')
check "the FAIL line gives the rate" grep -q "FAIL checks>99%: checks = $want (limit > 99%)" th.err
lt-agg -c 'GET ok:checks>=50%' -c 'GET item:checks<100%' ev.nd >/dev/null 2>th2.err
check_eq "per endpoint rates: exit 0" "$?" 0
grep -v '"checks"' ev.nd | lt-agg -c 'checks>0' >/dev/null 2>th3.err
check_eq "no checks in the events: the threshold fails" "$?" 1
check "and says why" grep -q "no checks evaluated" th3.err

# text and OpenMetrics
lt-agg --format text ev.nd >txt.out 2>&1
check "text: total line" grep -q "^Checks: .*% passed ($passes of $total)" txt.out
check "text: a row per check" grep -qE "^0 +$n_ok +0.00%  GET ok: body ~ no-such-text$" txt.out
lt-agg --format openmetrics ev.nd >om.txt 2>/dev/null
check "openmetrics: pass and fail series" grep -q "^lt_checks_total{method=\"GET\",name=\"s503\",check=\"status 2xx\",result=\"fail\"} $n_st$" om.txt
check "openmetrics: valid" python3 "$LT_TOP/tests/pipe/omcheck.py" om.txt

# the report
lt-report -o rep agg.json 2>/dev/null
check "report: summary line" grep -q "^Checks: .*% passed ($passes of $total); 4 of 12 checks failed at least once" rep/report.md
sed -n '/^## Checks/,/^## /p' rep/report.md | grep '^| ' | tail -n +2 >rows.txt
check_eq "report: a row per check" "$(wc -l <rows.txt)" 12
check_eq "report: the 4 failing checks first" \
    "$(awk -F' [|] ' '{ print ($4 == "0" ? "pass" : "fail") }' rows.txt | uniq -c | awk '{ printf "%s %s;", $1, $2 }')" \
    "4 fail;8 pass;"
check "report: a passing check listed too" \
    bash -c "sed -n '/^## Checks/,/^## /p' rep/report.md | grep -q '^| GET arr | save first json .\\\\\\[0\\\\\\].id | $n_json | 0 | 100.00 |'"
check "html: the table" grep -q 'id="t-checks"' rep/index.html
done_testing
