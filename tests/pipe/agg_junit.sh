#!/usr/bin/env bash
# agg_junit.sh - lt-agg --junit: one test case per threshold and per
# baseline rule, failures with their message, hostile names escaped; the
# file validates against tests/data/junit-10.xsd with xmllint and parses
# with python3's XML parser to the same names and counts.
. "$(dirname "$0")/../lib.sh"

XSD=$LT_TOP/tests/data/junit-10.xsd
if ! command -v xmllint >/dev/null; then
	skip "junit" "xmllint not installed (libxml2-utils; install-deps.sh --test)"
	done_testing
	exit
fi

# events: a fast old night, a slower new one; names XML must escape,
# a control character XML 1.0 cannot carry, and an endpoint that is gone
ev() {	# ev FILE LATENCY_MS NAME...
	local f=$1 lat=$2
	shift 2
	python3 - "$lat" "$@" >"$f" <<'PY'
import json, sys
lat = float(sys.argv[1])
for i, n in enumerate(sys.argv[2:]):
    for k in range(20):
        print(json.dumps({"type": "req", "ts": 1700000000 + k * 0.1, "name": n,
                          "method": "GET", "status": 200, "ok": True,
                          "latency_ms": lat}))
PY
}
names=('/a"b<&>' "/c]]>'d" $'/ctl\x01x' '/ü')
ev "$TMP/old.ndjson" 10 "${names[@]}" /gone
ev "$TMP/new.ndjson" 50 "${names[@]}"
lt-agg -q "$TMP/old.ndjson" >"$TMP/old.json"
lt-agg -q --junit "$TMP/j.xml" -c 'p95<300ms' -c 'p95<20ms' \
    -c '/a"b<&>:requests>=20' -c '/nope<x>:p99<1s' \
    --baseline "$TMP/old.json" "$TMP/new.ndjson" >"$TMP/new.json"
check_eq "a failed threshold and a regression exit 1" "$?" 1
check "the file validates against junit-10.xsd" \
    xmllint --noout --schema "$XSD" "$TMP/j.xml" 2>/dev/null

python3 - "$TMP/j.xml" >"$TMP/summary" 2>&1 <<'PY'
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
for s in root.findall("testsuite"):
    cases = s.findall("testcase")
    fails = [c for c in cases if c.find("failure") is not None]
    skips = [c for c in cases if c.find("skipped") is not None]
    assert int(s.get("tests")) == len(cases), s.get("name")
    assert int(s.get("failures")) == len(fails), s.get("name")
    assert int(s.get("skipped", "0")) == len(skips), s.get("name")
    print(s.get("name"), len(cases), len(fails), len(skips))
    for c in fails:
        f = c.find("failure")
        assert f.get("message") and f.text == f.get("message")
        print(" FAIL", repr(c.get("name")), "|", f.get("message"))
    for c in skips:
        print(" SKIP", repr(c.get("name")))
assert int(root.get("tests")) == sum(int(s.get("tests")) for s in root)
PY
check_eq "python3 parses it and the counts agree" "$?" 0
check "thresholds: 4 cases, 2 failures" grep -qx 'thresholds 4 2 0' "$TMP/summary"
check "failed threshold message has value and limit" \
    grep -qF "FAIL 'p95<20ms' | FAIL p95<20ms: p95 = 50 ms (limit < 20 ms)" "$TMP/summary"
check "a missing endpoint fails with its name" \
    grep -qF "FAIL '/nope<x>:p99<1s' | FAIL /nope<x>:p99<1s: no endpoint /nope<x>" "$TMP/summary"
# baseline: total + 4 endpoints x 5 metrics, and one gone endpoint skipped
check "baseline: 26 cases, 1 skipped" grep -q '^baseline 26 [0-9]* 1$' "$TMP/summary"
check "a latency regression is a failure with old -> new" \
    grep -qF "FAIL 'GET /a\"b<&> p95_ms' | GET /a\"b<&> p95_ms regressed: 10 -> 50 (+400.0%), tolerance 10%" "$TMP/summary"
check "the control character became U+FFFD" grep -qF "'GET /ctl�x p50_ms'" "$TMP/summary"
check "the gone endpoint is skipped" grep -qF " SKIP 'GET /gone'" "$TMP/summary"
check "CDATA-like name is kept as text" grep -qF "GET /c]]>'d p99_ms" "$TMP/summary"

# bytes that are not UTF-8 in a name: U+FFFD, the file stays valid
printf '{"type":"req","ts":1700000000,"name":"bad\xff\xfex","method":"GET","status":200,"ok":true,"latency_ms":3}\n' >"$TMP/raw.ndjson"
lt-agg -q --junit "$TMP/raw.xml" -c 'p95<1s' --baseline "$TMP/old.json" "$TMP/raw.ndjson" >/dev/null
check "invalid UTF-8 in a name: the file validates" \
    xmllint --noout --schema "$XSD" "$TMP/raw.xml" 2>/dev/null
check "the replaced name" grep -qF 'name="GET bad��x"' "$TMP/raw.xml"

# without a baseline: only the thresholds suite; all passing
lt-agg -q --junit "$TMP/ok.xml" -c 'p95<300ms' "$TMP/new.ndjson" >/dev/null
check_eq "passing thresholds exit 0" "$?" 0
check "passing file validates" xmllint --noout --schema "$XSD" "$TMP/ok.xml" 2>/dev/null
check_eq "one suite, no failures" \
    "$(grep -c '<testsuite ' "$TMP/ok.xml") $(grep -c '<failure' "$TMP/ok.xml")" "1 0"
lt-agg -q --junit "$TMP/nodir/x.xml" -c 'p95<300ms' "$TMP/new.ndjson" >/dev/null 2>&1
check_eq "an unwritable --junit file is a runtime error" "$?" 3
# the schema is not a rubber stamp
sed 's/tests="4"/tests="four"/' "$TMP/j.xml" >"$TMP/bad.xml"
xmllint --noout --schema "$XSD" "$TMP/bad.xml" 2>/dev/null
check_eq "a non-numeric count fails the schema" "$?" 3
done_testing
