#!/usr/bin/env bash
# run_secret.sh - credentials stay where they belong (issue 11 section 3,
# issue 12): -H credentials go only to -H's origin and survive a step's
# own auth basic (counted at the servers), userinfo never reaches events
# or stderr, "secret" values and Authorization-like headers are masked
# in failure messages.
. "$(dirname "$0")/../lib.sh"

if ! command -v python3 >/dev/null; then
	skip "secrets" "python3 missing"
	done_testing
	exit
fi

# -H credentials: relative URLs and absolute URLs of the same origin get
# them; an absolute URL to another port does not.
start_faultsrv a || exit 1
A_PID=$FS_PID A=$FS_PORT
start_faultsrv b || exit 1
B_PID=$FS_PID B=$FS_PORT
lt-run -q -f - -H "http://joe:hunter2@127.0.0.1:$A" -i 3 \
    >"$TMP/origin.ev" 2>"$TMP/origin.err" <<LT
sequence
  GET /rel
  GET http://127.0.0.1:$A/same
  GET http://127.0.0.1:$B/other
LT
check_eq "origin: run exits 0" "$?" 0
check_eq "origin: relative URL got credentials (3 of 3)" \
    "$(fs_count a "$A_PID" auth:/rel)" 3
check_eq "origin: absolute URL of -H's origin got them (3 of 3)" \
    "$(fs_count a "$A_PID" auth:/same)" 3
check_eq "origin: other port received its requests" \
    "$(fs_count b "$B_PID" /other)" 3
check_eq "origin: other port got no credentials" \
    "$(fs_count b "$B_PID" auth:/other)" 0
check "origin: no password in events or stderr" \
    bash -c "! grep -q hunter2 '$TMP/origin.ev' '$TMP/origin.err'"

# A step's own auth basic, then -H's credentials again on every later
# request (it used to set them to NULL): 92 requests, checked at the
# server.
start_faultsrv c || exit 1
lt-run -q -f - -H "http://joe:hunter2@127.0.0.1:$FS_PORT" -i 46 \
    >"$TMP/restore.ev" <<'LT'
sequence
  GET /own
    auth basic ann secret2
  GET /later
LT
check_eq "auth restore: 92 requests" "$(nreq "$TMP/restore.ev")" 92
check_eq "auth restore: all 46 later requests carry Authorization" \
    "$(fs_count c "$FS_PID" auth:/later)" 46
check_eq "auth restore: so do the 46 own-auth ones" \
    "$(fs_count c "$FS_PID" auth:/own)" 46

# Userinfo in an absolute scenario URL: not in url, name, nor stderr.
start_faultsrv d || exit 1
lt-run -f - -i 2 >"$TMP/ui.ev" 2>"$TMP/ui.err" <<LT
GET http://u:PASSW0RD@127.0.0.1:$FS_PORT/ui
LT
check_eq "userinfo: requests made" "$(nreq "$TMP/ui.ev")" 2
check_eq "userinfo: url without it" \
    "$(jq -r 'select(.type=="req") | .url' "$TMP/ui.ev" | sort -u)" \
    "http://127.0.0.1:$FS_PORT/ui"
check_eq "userinfo: name without it" \
    "$(jq -r 'select(.type=="req") | .name' "$TMP/ui.ev" | sort -u)" \
    "http://127.0.0.1:$FS_PORT/ui"
check "userinfo: not on stderr (summary table)" \
    bash -c "! grep -q PASSW0RD '$TMP/ui.err' && grep -q /ui '$TMP/ui.err'"
check "userinfo: not in the event stream" \
    bash -c "! grep -q PASSW0RD '$TMP/ui.ev'"
kill "$FS_PID"

# A bad -H URL is echoed without its password.
echo 'GET /' | lt-run -f - -H 'http://joe:hunter2@127.0.0.1:1/x?q' \
    >/dev/null 2>"$TMP/bad.err"
check_eq "bad -H: usage error" "$?" 2
check "bad -H: message names the URL without the password" \
    bash -c "grep -q \"'http://127.0.0.1:1/x?q'\" '$TMP/bad.err' &&
    ! grep -q hunter2 '$TMP/bad.err'"

# A scenario error quoting a line with a URL leaves its password out.
echo 'GET http://joe:hunter2@127.0.0.1:1/x bogus' | lt-run -f - -i 1 \
    >/dev/null 2>"$TMP/parse.err"
check_eq "parse error: usage error" "$?" 2
check "parse error: quotes the line without the password" \
    bash -c "grep -q \"'GET http://127.0.0.1:1/x'\" '$TMP/parse.err' &&
    ! grep -q hunter2 '$TMP/parse.err'"

# "secret": an environment value in a URL and a captured value are
# masked in url and error; Authorization-like headers in header checks.
start_target || exit 1
API_KEY=SEKRET42 lt-run -q -f - -H "$TARGET_URL" -i 1 >"$TMP/sec.ev" <<'LT'
secret tok API_KEY
sequence
  GET /echo?key=${env API_KEY}
    save tok json .query
    expect json .query == nope
  GET /echo?again=${tok} name again
    expect json .query == nope
LT
check_eq "secret: 2 requests" "$(nreq "$TMP/sec.ev")" 2
check "secret: environment value nowhere in the events" \
    bash -c "! grep -q SEKRET42 '$TMP/sec.ev'"
check_eq "secret: masked in the url" \
    "$(jq -r 'select(.type=="req") | .url' "$TMP/sec.ev" | head -n 1)" \
    "$TARGET_URL/echo?key=***"
check_eq "secret: captured value masked in the check message" \
    "$(jq -r 'select(.name=="again") | .error' "$TMP/sec.ev")" \
    'check: json .query is "again=key%3D***", want "nope"'

start_faultsrv e || exit 1
lt-run -q -f - -H "http://127.0.0.1:$FS_PORT" -i 1 >"$TMP/hdr.ev" <<'LT'
sequence
  GET /authhdr name auth
    expect header Authorization == Bearer other
  GET /authhdr name token
    expect header X-Api-Token ~ ^nope
  GET /authhdr name plain
    expect header Content-Length == 3
LT
check_eq "secret: Authorization value masked" \
    "$(jq -r 'select(.name=="auth") | .error' "$TMP/hdr.ev")" \
    'check: header Authorization is "***", want "***"'
check_eq "secret: X-Api-Token value masked" \
    "$(jq -r 'select(.name=="token") | .error' "$TMP/hdr.ev")" \
    'check: header X-Api-Token "***" does not match "^nope"'
check_eq "secret: other header values still shown" \
    "$(jq -r 'select(.name=="plain") | .error' "$TMP/hdr.ev")" \
    'check: header Content-Length is "2", want "3"'
check_eq "secret: the compared value masked in the checks' names" \
    "$(jq -r 'select(.type=="req") | .checks | keys[]' "$TMP/hdr.ev")" \
    "header Authorization == ***
header X-Api-Token ~ ***
header Content-Length == 3"
check "secret: the scenario's literal token is nowhere in the events" \
    bash -c "! grep -q 'Bearer other' '$TMP/hdr.ev'"

# --show-secrets turns masking off for what lt-run records and prints,
# with a warning; the same from a --config file.
start_target || exit 1
cat >"$TMP/show.lt" <<LT
secret tok API_KEY
sequence
  GET http://u:PASSW0RD@127.0.0.1:$FS_PORT/authhdr
    expect header Authorization == nope
  GET $TARGET_URL/echo?key=\${env API_KEY}
    save tok json .query
    expect json .query == nope
LT
API_KEY=SEKRET42 lt-run -f "$TMP/show.lt" -i 1 --show-secrets \
    >"$TMP/show.ev" 2>"$TMP/show.err"
check_eq "show-secrets: 2 requests" "$(nreq "$TMP/show.ev")" 2
check_eq "show-secrets: url and name keep user:pass@" \
    "$(jq -r 'select(.type=="req" and (.url|test("authhdr"))) |
    .url + " " + .name' "$TMP/show.ev")" \
    "http://u:PASSW0RD@127.0.0.1:$FS_PORT/authhdr http://u:PASSW0RD@127.0.0.1:$FS_PORT/authhdr"
check_eq "show-secrets: checks named as written" \
    "$(jq -r 'select(.type=="req" and (.url|test("authhdr"))) | .checks | keys[]' "$TMP/show.ev")" \
    "header Authorization == nope"
check "show-secrets: Authorization value in the check message" \
    bash -c "jq -r 'select(.type==\"req\") | .error' '$TMP/show.ev' |
    grep -q 'Authorization is \"Bearer abc123xyz' &&
    ! grep -qF '***' '$TMP/show.ev'"
check_eq "show-secrets: secret value in the url" \
    "$(jq -r 'select(.type=="req" and (.url|test("echo"))) | .url' "$TMP/show.ev")" \
    "$TARGET_URL/echo?key=SEKRET42"
check_eq "show-secrets: secret value in the check message" \
    "$(jq -r 'select(.type=="req" and (.url|test("echo"))) | .error' "$TMP/show.ev")" \
    'check: json .query is "key=SEKRET42", want "nope"'
check_eq "show-secrets: one warning line on stderr" \
    "$(grep -c 'lt-run: --show-secrets: ' "$TMP/show.err")" 1
check "show-secrets: summary on stderr has the userinfo" \
    grep -q 'u:PASSW0RD@' "$TMP/show.err"
API_KEY=SEKRET42 lt-run -q -f "$TMP/show.lt" -i 1 \
    >"$TMP/hide.ev" 2>"$TMP/hide.err"
check "show-secrets: without it, masked and no warning" \
    bash -c "! grep -q 'PASSW0RD\|SEKRET42\|abc123xyz' '$TMP/hide.ev' &&
    ! grep -q show-secrets '$TMP/hide.err'"
printf 'show-secrets = true\n' >"$TMP/show.conf"
API_KEY=SEKRET42 lt-run -q -f "$TMP/show.lt" -i 1 --config "$TMP/show.conf" \
    >"$TMP/conf.ev" 2>"$TMP/conf.err"
check "show-secrets: from --config too" \
    bash -c "grep -q 'u:PASSW0RD@' '$TMP/conf.ev' &&
    grep -q SEKRET42 '$TMP/conf.ev' && grep -q show-secrets '$TMP/conf.err'"
kill "$FS_PID"
done_testing
