#!/usr/bin/env bash
# har2lt.sh - contrib/har/har2lt on HAR 1.2 fixtures as Chromium and
# Firefox write them (tests/data/har/): requests in start order as one
# sequence, think time from the gaps, static assets and third-party hosts
# filtered by option, header rules, secrets left out unless asked; the
# scenarios it writes run against the bundled target with lt-run.
. "$(dirname "$0")/../lib.sh"

jqe() { jq -e "$@" >/dev/null; }

H2L=$LT_TOP/contrib/har/har2lt
D=$LT_TOP/tests/data/har
reqs() { grep -E '^    (GET|HEAD|POST|PUT|DELETE|PATCH|OPTIONS|TRACE) ' "$1" | sed 's/^ *//' | paste -sd'|'; }

"$H2L" "$D/chromium.har" >"$TMP/c.lt"
check_eq "chromium: exit 0" "$?" 0
check_eq "chromium: document and XHRs in order, static and third-party out" \
    "$(reqs "$TMP/c.lt")" "GET /|GET /products?n=5&token=REDACTED|POST /echo|GET /items/42"
check_eq "chromium: gaps become sleeps (parallel requests none)" \
    "$(grep -o 'sleep .*' "$TMP/c.lt" | paste -sd' ')" "sleep 1.95 sleep 1.47"
check "no pseudo-header, no hop-by-hop or browser noise" \
    test -z "$(grep -iE 'header (:|host|content-length|accept-encoding|sec-|upgrade-insecure)' "$TMP/c.lt")"
for s in chromium-session-cookie chromium-bearer-secret chromium-api-key-secret s3cr3t-query hunter2; do
	check "secret $s is not copied" test -z "$(grep -F "$s" "$TMP/c.lt")"
done
check "JSON body compacted, secret member REDACTED, \${ kept literal" \
    grep -qxF '      json {"user":"u1","password":"REDACTED","note":"$${not_a_template} \"q\""}' "$TMP/c.lt"
check "recorded statuses are expected" grep -q '^      expect status 200$' "$TMP/c.lt"

"$H2L" -s "$D/chromium.har" >"$TMP/cs.lt"
check_eq "-s keeps static assets" "$(reqs "$TMP/cs.lt" | tr '|' '\n' | grep -c static/)" 2
"$H2L" -A -s "$D/chromium.har" >"$TMP/ca.lt"
check_eq "-A keeps third-party hosts, as absolute URLs" \
    "$(reqs "$TMP/ca.lt" | tr '|' '\n' | grep -c '^GET http://127.0.0.1:9999/')" 2
"$H2L" -a 127.0.0.1:9999 "$D/chromium.har" >"$TMP/cb.lt"
check_eq "-a HOST keeps that host (its script stays static)" \
    "$(reqs "$TMP/cb.lt" | tr '|' '\n' | grep '9999' | paste -sd'|')" "GET http://127.0.0.1:9999/collect?e=view"
"$H2L" -S "$D/chromium.har" >"$TMP/cS.lt"
check "-S copies secrets" grep -qF 'header authorization: Bearer chromium-bearer-secret' "$TMP/cS.lt"
check "-S keeps secret query values" grep -qF 'GET /products?n=5&token=s3cr3t-query' "$TMP/cS.lt"
"$H2L" -k Cookie -d user-agent -d Referer "$D/chromium.har" >"$TMP/ck.lt"
check "-k keeps a header the rules drop" grep -qF 'header cookie: sid=chromium-session-cookie' "$TMP/ck.lt"
check "-d drops headers" test -z "$(grep -iE 'header (user-agent|referer)' "$TMP/ck.lt")"
"$H2L" -W -E "$D/chromium.har" >"$TMP/cw.lt"
check "-W -E: no sleep, no expect" test -z "$(grep -E 'sleep|expect' "$TMP/cw.lt")"
check_eq "-w 1.5 keeps only the longer gap" "$("$H2L" -w 1.5 "$D/chromium.har" | grep -c sleep)" 1
check_eq "-m caps a sleep" "$("$H2L" -m 1 "$D/chromium.har" | grep -o 'sleep .*' | paste -sd' ')" "sleep 1 sleep 1"

"$H2L" "$D/firefox.har" >"$TMP/f.lt"
check_eq "firefox: sorted by start (+01:00 offsets), data: and CONNECT out" \
    "$(reqs "$TMP/f.lt")" \
    "GET /cookie/set?name=sid&value=1|GET /cookie/check?name=sid|POST /login|GET /status?code=302|PUT /cart"
check "firefox: form body from the recording, password REDACTED" \
    grep -qxF '      form user=u&password=REDACTED' "$TMP/f.lt"
check "firefox: a raw body is one quoted word" \
    grep -qxF '      body "line one\nback\\slash \"quoted\" $${x}"' "$TMP/f.lt"
check "firefox: a recorded redirect is not followed" grep -q '^      redirects off$' "$TMP/f.lt"
check "firefox: conditional headers dropped" test -z "$(grep -i 'if-none-match' "$TMP/f.lt")"

# hostile recording: CR/LF in values, ${ in a URL, a header name with blanks
jq '.log.entries[0].request.headers += [{"name": "X-Evil", "value": "a\r\n    GET /evil"},
      {"name": "Bad Name:", "value": "v"}]
    | .log.entries[0].request.url = "http://127.0.0.1:8080/p?q=${x} y"' \
    "$D/chromium.har" >"$TMP/evil.har"
"$H2L" "$TMP/evil.har" >"$TMP/e.lt"
check_eq "CR/LF in a header value cannot add a request" \
    "$(reqs "$TMP/e.lt")" "GET /p?q=$\${x}%20y|GET /products?n=5&token=REDACTED|POST /echo|GET /items/42"
check "a header name keeps only token characters" grep -qF 'header BadName: v' "$TMP/e.lt"
echo '{"not": "a har"}' >"$TMP/x.har"
"$H2L" "$TMP/x.har" >/dev/null 2>"$TMP/x.err"
check_eq "not a HAR file: exit 2" "$?" 2
check "the message says why" grep -q 'not a HAR file' "$TMP/x.err"
"$H2L" -w abc "$D/chromium.har" >/dev/null 2>&1
check_eq "bad -w: exit 2" "$?" 2

# the scenarios run against the target
start_target || exit 1
lt-run -q -f "$TMP/c.lt" -H "$TARGET_URL" -u 1 -i 1 >"$TMP/c.ev"
check_eq "chromium scenario runs" "$?" 0
check_eq "chromium: every request ok, in order" \
    "$(jq -r 'select(.type == "req") | "\(.name) \(.ok)"' "$TMP/c.ev" | paste -sd'|')" \
    "/ true|/products?n=5&token=REDACTED true|/echo true|/items/42 true"
gap=$(jq -s 'map(select(.type == "req")) | .[1].ts - .[0].ts' "$TMP/c.ev")
check "the recorded think time is kept ($gap s >= 1.9)" jqe -n "$gap >= 1.9"
lt-run -q -f "$TMP/e.lt" -H "$TARGET_URL" -u 1 -i 1 >"$TMP/e.ev"
check_eq "the hostile recording's scenario runs too" "$?" 0
lt-run -q -f "$TMP/f.lt" -H "$TARGET_URL" -u 1 -i 1 >"$TMP/f.ev"
check_eq "firefox: only the login fails, its password being REDACTED" \
    "$(jq -r 'select(.type == "req" and .ok == false) | "\(.name) \(.status)"' "$TMP/f.ev")" "/login 401"
check "firefox: the cookie flows through lt's jar, not the recording" \
    jqe -s 'map(select(.type == "req" and .name == "/cookie/check?name=sid")) | .[0].ok' "$TMP/f.ev"
"$H2L" -S "$D/firefox.har" | lt-run -q -f - -H "$TARGET_URL" -u 1 -i 1 >"$TMP/fS.ev"
check_eq "firefox with -S: all ok" \
    "$(jq -s 'map(select(.type == "req" and .ok)) | length' "$TMP/fS.ev")" 5
done_testing
