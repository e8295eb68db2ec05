#!/usr/bin/env bash
# agg_window.sh - issue 12: lt-agg --since/--until (Locust's --reset-stats):
# a time window from the run start over live or stored events; the figures
# are those of the events inside it, rates are over the window.
. "$(dirname "$0")/../lib.sh"
jqe() { jq -e "$@" >/dev/null; }
cd "$TMP" || exit 1

t0=1764400000
awk -v n=3000 -v seed=4 -v eps=3 -v rate=100 -v users=1 -v wait=1 \
    -v t0=$t0 -f "$LT_TOP/tests/pipe/agg_gen.awk" >ev.nd
lt-agg ev.nd >all.json
lt-agg --since 10s --until 20s ev.nd >win.json
check_eq "--since 10s --until 20s: exit 0" "$?" 0
# the same events picked by jq (run events kept)
jq -c --argjson a $((t0 + 10)) --argjson b $((t0 + 20)) \
    'select(.type == "run" or (.ts >= $a and .ts < $b))' ev.nd >picked.nd
lt-agg picked.nd >picked.json
# (rates aside: the picked run still spans the whole run)
f='del(.run, .input, .endpoints[].seq, .endpoints[].rps, .endpoints[].fps, .total.rps, .total.fps, .classes[]?.seq, .classes[]?.rps)'
check "the window's figures are those of the events inside it" \
    [ "$(jq -S "$f" win.json)" = "$(jq -S "$f" picked.json)" ]
check "1000 requests in the window, 10 seconds of timeline" \
    jqe '.total.requests == 1000 and (.timeline | length) == 10' win.json
check "rates over the window: duration 10 s, 100 requests/s" \
    jqe '.run.duration_s == 10 and .total.rps == 100' win.json
check "the window and what it left out are recorded" \
    jqe '.run.window.since_s == 10 and .run.window.until_s == 20 and .run.window.outside > 2000' win.json
check "drops outside the window are left out too" \
    jqe '.run.dropped < ($all[0].run.dropped)' --slurpfile all all.json win.json
lt-agg --since 25s ev.nd >since.json
check "--since alone: to the end" \
    jqe '.total.requests == 500 and .run.duration_s == 5.5' since.json
lt-agg --until 5s ev.nd >until.json
check "--until alone: from the start" jqe '.total.requests == 500' until.json
# a stored, compressed log works the same
gzip -c ev.nd >ev.nd.gz
lt-agg --since 10s --until 20s ev.nd.gz >wgz.json
check "a stored gzipped log: the same window" \
    [ "$(jq -S 'del(.input)' wgz.json)" = "$(jq -S 'del(.input)' win.json)" ]
# without a run start event, the first event is the start
grep -v '"type":"run"' ev.nd | lt-agg --since 10s --until 20s >norun.json
check "no run event: counted from the first event" \
    jqe '.total.requests == 1000' norun.json
check "no window: no window member" jqe '.run | has("window") | not' all.json
lt-agg --since 5x ev.nd >/dev/null 2>bad.err
check_eq "bad time: exit 2" "$?" 2
lt-agg --since 20s --until 10s ev.nd >/dev/null 2>bad2.err
check_eq "--until before --since: exit 2" "$?" 2
lt-agg --merge --since 10s all.json >/dev/null 2>bad3.err
check_eq "--since with --merge: exit 2" "$?" 2
check "says why" grep -q 'read events, not aggregates' bad3.err
done_testing
