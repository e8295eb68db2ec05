#!/usr/bin/env bash
# agg_openmetrics.sh - lt-agg's Prometheus expositions: strict parse of
# both formats with hostile endpoint names, the live stream and live file,
# and a real prometheus-pushgateway on 127.0.0.1 fed by
# contrib/prometheus/lt-pushgateway: push each interval and the final
# aggregate, read back /api/v1/metrics, compare the numbers.
. "$(dirname "$0")/../lib.sh"

PUSH=$LT_TOP/contrib/prometheus/lt-pushgateway
OMCHECK="python3 $LT_TOP/tests/pipe/omcheck.py"
omcheck() { $OMCHECK "$@" >/dev/null; }

# hostile names: quote, backslash, newline, a fake sample and "# EOF"
python3 - >"$TMP/hostile.ndjson" <<'PY'
import json
names = ['/a"b', 'back\\slash', 'new\nline', '/ü/日本', '{x="1"} 5\n# EOF', 'z}"}']
for i, n in enumerate(names):
    print(json.dumps({"type": "req", "ts": 1700000000 + i, "name": n,
                      "method": "GET", "status": 200, "ok": True,
                      "latency_ms": 1.5 * (i + 1), "bytes": 10}))
PY
# bytes that are not UTF-8 (the event scanner passes them through)
printf '{"type":"req","ts":1700000000,"name":"bad\xff\xfeutf","method":"GET","status":200,"ok":true,"latency_ms":3}\n' >"$TMP/raw.ndjson"
lt-agg --format openmetrics "$TMP/raw.ndjson" >"$TMP/raw.om"
check "invalid UTF-8 becomes U+FFFD, the exposition stays UTF-8" omcheck "$TMP/raw.om"
check "the replaced name" grep -qF 'name="bad��utf"' "$TMP/raw.om"
lt-agg --format openmetrics "$TMP/hostile.ndjson" >"$TMP/h.om"
check "openmetrics parses strictly" omcheck "$TMP/h.om" openmetrics
$OMCHECK "$TMP/h.om" >"$TMP/h.samples" 2>&1
got=$(jq -sc '[.[] | select(.name == "lt_requests_total") | .labels.name] | sort' "$TMP/h.samples")
want=$(jq -sc '[.[].name] | sort' "$TMP/hostile.ndjson")
check_eq "hostile names round-trip through the escaping" "$got" "$want"
check_eq "one # EOF line" "$(grep -c '^# EOF$' "$TMP/h.om")" 1
lt-agg --format prometheus "$TMP/hostile.ndjson" >"$TMP/h.prom"
check "prometheus 0.0.4 parses strictly" omcheck "$TMP/h.prom" prometheus
check "0.0.4 types the _total sample" grep -qx '# TYPE lt_requests_total counter' "$TMP/h.prom"
lt-agg --format bogus "$TMP/hostile.ndjson" 2>/dev/null
check_eq "unknown format is a usage error" "$?" 2
lt-agg --live-output - "$TMP/hostile.ndjson" >/dev/null 2>&1
check_eq "--live-output - without -o is a usage error" "$?" 2

# the buckets agree with the histogram: of the hostile names, only the 1.5 ms request is <= 2.5 ms
got=$(jq -s 'map(select(.name == "lt_latency_seconds_bucket" and .labels.le == "0.0025") | .value) | add' "$TMP/h.samples")
check_eq "le=0.0025 counts the 1.5 ms request only" "$got" 1
got=$(jq -s 'map(select(.name == "lt_latency_seconds_sum") | .value * 1000000) | add | round' "$TMP/h.samples")
check_eq "_sum adds up to the latencies (31.5 ms)" "$got" 31500

# a run with a live exposition on stdout, one per interval
start_target || exit 1
printf 'user U\n  wait constant 0.01\n  task GET /products\n  task GET /items/${random 1 3} name /items/{id}\n' >"$TMP/s.lt"
lt-run -q -f "$TMP/s.lt" -u 2 -t 3s -H "$TARGET_URL" \
    | lt-agg -q --every 500ms --live-format prometheus --live-output - \
        -o "$TMP/run.json" >"$TMP/live.prom"
check_eq "live run exit status" "$?" 0
n=$(grep -c '^# EOF$' "$TMP/live.prom")
check "several live expositions ($n)" test "$n" -ge 3
# the last exposition's totals are the aggregate's
awk 'BEGIN{RS="# EOF\n"} {last=$0} END{printf "%s# EOF\n", last}' "$TMP/live.prom" >"$TMP/last.prom"
check "last live exposition parses" omcheck "$TMP/last.prom" prometheus
$OMCHECK "$TMP/last.prom" prometheus >"$TMP/last.samples"
got=$(jq -sc 'map(select(.name == "lt_requests_total")) | map({(.labels.name): .value}) | add' "$TMP/last.samples")
want=$(jq -c '.endpoints | map({(.name): (.requests | tonumber + 0.0)}) | add' "$TMP/run.json")
check_eq "last live counters equal the aggregate" "$got" "$want"

# live file: replaced at each interval, always whole
lt-run -q -f "$TMP/s.lt" -u 1 -t 2s -H "$TARGET_URL" \
    | lt-agg -q --every 300ms --live-format openmetrics --live-output "$TMP/live.om" >/dev/null
check "live file is a whole exposition" omcheck "$TMP/live.om" openmetrics
check "no temporary file left" test ! -e "$TMP/live.om.tmp"

# a real Pushgateway
if ! command -v prometheus-pushgateway >/dev/null; then
	skip "pushgateway" "prometheus-pushgateway not installed (install-deps.sh --test)"
	done_testing
	exit
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
prometheus-pushgateway --web.listen-address="127.0.0.1:$port" \
    --persistence.file="$TMP/pg.data" >"$TMP/pg.log" 2>&1 &
track_pid $!
PG=http://127.0.0.1:$port
for i in $(seq 1 100); do
	curl -fs "$PG/-/ready" >/dev/null 2>&1 && break
	sleep 0.1
done
check "pushgateway is ready" curl -fs "$PG/-/ready" -o /dev/null

lt-run -q -f "$TMP/s.lt" -u 2 -t 3s -H "$TARGET_URL" \
    | lt-agg -q --every 500ms --live-format prometheus --live-output - \
        -o "$TMP/run2.json" \
    | "$PUSH" -i "lt 1" "$PG" 'nightly/shop' 2>"$TMP/push.err"
check_eq "live pushes succeed" "$?" 0
n=$(sed -n 's/^lt-pushgateway: \([0-9]*\) push.*/\1/p' "$TMP/push.err")
check "pushed each interval ($n pushes)" test "${n:-0}" -ge 3
curl -fsS "$PG/api/v1/metrics" >"$TMP/pg.json"
sel='.data[] | select(.labels.job == "nightly/shop" and .labels.instance == "lt 1")'
got=$(jq -c "[$sel | .lt_requests_total.metrics[] | {(.labels.name): (.value | tonumber)}] | add" "$TMP/pg.json")
want=$(jq -c '.endpoints | map({(.name): .requests}) | add' "$TMP/run2.json")
check_eq "pushgateway holds the final interval's counters" "$got" "$want"
check_eq "counters arrive typed" "$(jq -r "$sel | .lt_requests_total.type" "$TMP/pg.json")" COUNTER

# the final aggregate, pushed once, hostile names included
lt-agg -q --merge --format prometheus "$TMP/run2.json" "$TMP/run.json" \
    | "$PUSH" "$PG" merged 2>/dev/null
lt-agg -q --merge "$TMP/run2.json" "$TMP/run.json" >"$TMP/merged.json"
curl -fsS "$PG/api/v1/metrics" >"$TMP/pg.json"
sel='.data[] | select(.labels.job == "merged")'
got=$(jq -c "[$sel | .lt_latency_seconds.metrics[] | {(.labels.name): [(.count | tonumber), (.sum | tonumber), (.buckets[\"+Inf\"] | tonumber)]}] | add" "$TMP/pg.json")
want=$(jq -c '.endpoints | map({(.name): [.hist.count, (.hist.sum_us / 1000000), .hist.count]}) | add' "$TMP/merged.json")
check_eq "histogram count, sum and +Inf read back" "$got" "$want"
"$PUSH" "$PG" hostile <"$TMP/h.prom" 2>/dev/null
curl -fsS "$PG/api/v1/metrics" >"$TMP/pg.json"
got=$(jq -c '[.data[] | select(.labels.job == "hostile") | .lt_requests_total.metrics[].labels.name] | sort' "$TMP/pg.json")
want=$(jq -sc '[.[].name] | sort' "$TMP/hostile.ndjson")
check_eq "hostile names read back from the pushgateway" "$got" "$want"
"$PUSH" "http://127.0.0.1:1" x <"$TMP/h.prom" 2>/dev/null
check_eq "a failed push exits 3" "$?" 3
done_testing
