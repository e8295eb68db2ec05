#!/usr/bin/env bash
# agg_classes.sh - per user class statistics ("classes", lt-aggregate(5))
# from a real lt-run with two classes against lt-target: counts agree with
# the events, --merge of two halves equals the aggregate of the whole,
# --since/--until apply, a bad member is rejected on read, and lt-report
# shows the User classes table with the hostile class name escaped.
. "$(dirname "$0")/../lib.sh"

if [ ! -x "$LT_BIN/lt-run" ] || [ ! -x "$LT_TARGET" ]; then
	skip "user classes from lt-run" "lt-run or lt-target not built"
	done_testing
	exit
fi
start_target || exit 1
cat >"$TMP/s.lt" <<'LT'
user Browser weight 1
  wait constant 0.002
  task GET /ok
  task GET /bytes?n=300
user Api<b>&*x* weight 1
  wait constant 0.002
  task GET /ok
  task GET /status?code=500
LT
lt-run -q -f "$TMP/s.lt" -H "$TARGET_URL" -u 4 -r 1000 -t 3s >"$TMP/e.ev" \
    2>"$TMP/run.err"
check_eq "lt-run: exit 0 or 1 (failures)" "$(($? <= 1))" 1
n=$(nreq "$TMP/e.ev")
check "lt-run made requests ($n)" test "$n" -gt 20
check_eq "lt-run: both classes made requests" \
    "$(jq -r 'select(.type=="req") | .class' "$TMP/e.ev" | sort -u | wc -l)" 2

lt-agg "$TMP/e.ev" -o "$TMP/all.json"
check_eq "lt-agg: exit 0" "$?" 0
# requests and failures per class, from the events and from the aggregate
jq -rs '[.[] | select(.type=="req")] | group_by(.class)[] |
    [.[0].class, length, ([.[] | select(.ok == false)] | length),
     ([.[] | .bytes // 0] | add)] | map(tostring) | join(" ")' \
    "$TMP/e.ev" >"$TMP/want"
jq -r '.classes[] | "\(.name) \(.requests) \(.failures) \(.bytes)"' \
    "$TMP/all.json" >"$TMP/got"
check "classes: requests, failures, bytes as in the events" \
    cmp -s "$TMP/want" "$TMP/got"
check "classes: hist count = requests (none interrupted)" \
    jq -e '[.classes[] | .hist.count == .requests] | all' "$TMP/all.json"
check "classes: requests add up to the total" \
    jq -e '([.classes[].requests] | add) == .total.requests' "$TMP/all.json"
check "Api class failed, Browser did not" jq -e \
    '(.classes[] | select(.name=="Browser") | .failures) == 0 and
     (.classes[] | select(.name=="Api<b>&*x*") | .failures) > 0' \
    "$TMP/all.json"

# --merge of the two halves == the whole
h=$(($(wc -l <"$TMP/e.ev") / 2))
head -n "$h" "$TMP/e.ev" >"$TMP/a.ev"
tail -n +"$((h + 1))" "$TMP/e.ev" >"$TMP/b.ev"
lt-agg "$TMP/a.ev" -o "$TMP/a.json" && lt-agg "$TMP/b.ev" -o "$TMP/b.json" &&
    lt-agg --merge "$TMP/a.json" "$TMP/b.json" -o "$TMP/m.json"
check_eq "merge of halves: exit 0" "$?" 0
check "merge of halves: classes equal the whole's (hists, percentiles)" \
    cmp -s <(jq -S '.classes | map(del(.seq, .rps))' "$TMP/all.json") \
    <(jq -S '.classes | map(del(.seq, .rps))' "$TMP/m.json")
check "merge of halves: rps equal too (same run span)" \
    cmp -s <(jq -S '[.classes[].rps]' "$TMP/all.json") \
    <(jq -S '[.classes[].rps]' "$TMP/m.json")
check "merge of halves: the whole document equal but for seq" \
    cmp -s <(jq -S 'del(.classes[].seq)' "$TMP/all.json") \
    <(jq -S 'del(.classes[].seq)' "$TMP/m.json")

# --since/--until apply to the classes
lt-agg --since 1 --until 2 "$TMP/e.ev" -o "$TMP/w.json"
check_eq "window: exit 0" "$?" 0
check "window: fewer class requests than the whole" jq -e -n \
    --slurpfile a "$TMP/all.json" --slurpfile w "$TMP/w.json" \
    '([$w[0].classes[].requests] | add) < ([$a[0].classes[].requests] | add)'
check "window: class requests add up to the window's total" \
    jq -e '([.classes[].requests] | add) == .total.requests' "$TMP/w.json"

# read back with validation
jq '.classes[0].failures = .classes[0].requests + 1' "$TMP/all.json" \
    >"$TMP/bad1.json"
lt-agg --merge "$TMP/bad1.json" -o /dev/null 2>"$TMP/err"
check_eq "more failures than requests: exit 2" "$?" 2
check "more failures than requests: named" \
    grep -q 'classes\[0\]\.failures: more than requests' "$TMP/err"
jq '.classes[1].name = .classes[0].name' "$TMP/all.json" >"$TMP/bad2.json"
lt-agg --merge "$TMP/bad2.json" -o /dev/null 2>"$TMP/err"
check "repeated class name rejected" \
    grep -q 'classes\[1\]\.name: repeated' "$TMP/err"
jq '.classes[0].hist = "x"' "$TMP/all.json" >"$TMP/bad3.json"
lt-report --format md "$TMP/bad3.json" >/dev/null 2>"$TMP/err"
check "lt-report: a bad class histogram rejected" \
    grep -q 'classes\[0\]\.hist' "$TMP/err"
jq 'del(.classes)' "$TMP/all.json" >"$TMP/old.json"
lt-report --format md "$TMP/old.json" >"$TMP/old.md"
check_eq "an aggregate without classes: exit 0" "$?" 0
check "an aggregate without classes: no User classes section" \
    sh -c "! grep -q 'User classes' '$TMP/old.md'"

# at most 100 named classes; the rest fold into one "(other)" entry.  The
# halves fold the same names as the whole (a part that folded a class the
# whole keeps cannot unfold it: lt-agg(1)).
awk 'BEGIN { for (i = 0; i < 630; i++)
	printf "{\"type\":\"req\",\"ts\":%d.%03d,\"method\":\"GET\",\"name\":\"/\",\"latency_ms\":%d,\"ok\":%s,\"class\":\"c%d\"}\n",
	    1000 + int(i / 100), i % 100, 1 + i % 37, i % 7 ? "true" : "false", i % 105 }' \
    >"$TMP/cap.ev"
lt-agg "$TMP/cap.ev" -o "$TMP/cap.json"
check_eq "cap: 100 named classes and (other)" \
    "$(jq -c '[(.classes | map(select(.folded | not)) | length),
        (.classes[-1] | [.name, .folded, .requests])]' "$TMP/cap.json")" \
    '[100,["(other)",true,30]]'
check "cap: requests add up to the total" \
    jq -e '([.classes[].requests] | add) == .total.requests' "$TMP/cap.json"
head -n 315 "$TMP/cap.ev" | lt-agg -o "$TMP/ca.json"
tail -n +316 "$TMP/cap.ev" | lt-agg -o "$TMP/cb.json"
lt-agg --merge "$TMP/ca.json" "$TMP/cb.json" -o "$TMP/cm.json"
check "cap: merge of halves equals the whole" \
    cmp -s <(jq -S 'del(.classes[].seq)' "$TMP/cap.json") \
    <(jq -S 'del(.classes[].seq)' "$TMP/cm.json")
lt-report --format md "$TMP/cap.json" >"$TMP/cap.md"
check "cap: the report says classes were folded" \
    grep -q 'beyond the first 100 are counted together as (other)' "$TMP/cap.md"

# the report
lt-report "$TMP/all.json" -o "$TMP/rep" 2>"$TMP/err"
check_eq "lt-report: exit 0" "$?" 0
check "report.md: User classes table" grep -q '^## User classes' \
    "$TMP/rep/report.md"
check "report.md: the class name escaped" grep -qF \
    '| Api\<b\>\&\*x\* |' "$TMP/rep/report.md"
check "index.html: the class name escaped" grep -qF \
    '<th scope="row">Api&lt;b&gt;&amp;*x*</th>' "$TMP/rep/index.html"
check "index.html: no raw <b> from the class name" \
    sh -c "! grep -qF 'Api<b>' '$TMP/rep/index.html'"
check "index.html: the table" grep -q '<table id="t-classes">' \
    "$TMP/rep/index.html"
done_testing
