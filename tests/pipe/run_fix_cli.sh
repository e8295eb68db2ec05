#!/usr/bin/env bash
# run_fix_cli.sh - regressions of lt-run's command line and HTTP engine
# (QA findings F1-F5, F16, F22, F29, F33): strict option values, the base
# URL, checks before -o is opened, closed standard fds, the redirect cap,
# http(s) only, stable error texts, credentials kept out of the events.
. "$(dirname "$0")/../lib.sh"

printf 'GET /ok\n' >"$TMP/ok.lt"

start_target || exit 1

# F2: every bad value is a usage error with a reason, and nothing is sent.
bad_value() { # OPTION VALUE NAME
	timeout 10 lt-run -q -f "$TMP/ok.lt" -H "$TARGET_URL" -t 1s "$1" "$2" \
	    >"$TMP/out" 2>"$TMP/err"
	check_eq "$1 $2: status 2" "$?" 2
	check "$1 $2: 'bad value '$2' for --$3: reason'" \
	    grep -q "^lt-run: bad value '$2' for --$3: [a-z]" "$TMP/err"
	check "$1 $2: no event" test ! -s "$TMP/out"
}
bad_value -u 0 users
bad_value -u 99999999999999999999 users
bad_value -u 1.5 users
bad_value -u -3 users
bad_value -r 0 spawn-rate
bad_value -r nan spawn-rate
bad_value -r inf spawn-rate
bad_value -r 0x10 spawn-rate
bad_value --rate inf rate
bad_value --rate nan rate
bad_value --rate 0 rate
bad_value -i 1.5 iterations
bad_value -i 0 iterations
bad_value -j 1.5 jobs
bad_value -j 0 jobs
bad_value --seed 99999999999999999999999 seed
bad_value --seed -1 seed
bad_value -t 1x run-time
bad_value --arrival often arrival
bad_value -t 0 run-time
bad_value --timeout 0 timeout
LT_USERS=1.5 lt-run -q -f "$TMP/ok.lt" -H "$TARGET_URL" -t 1s \
    >"$TMP/out" 2>"$TMP/err"
check_eq "LT_USERS=1.5: status 2" "$?" 2
check "LT_USERS=1.5: reason" \
    grep -q "LT_USERS: bad value '1.5' for --users: expected a whole" \
    "$TMP/err"

# F3, F16: the base URL: http(s) only, no query, no fragment.
for h in ftp://127.0.0.1 gopher://127.0.0.1 "scp://127.0.0.1/x" \
    "$TARGET_URL?x=1" "$TARGET_URL#f" notaurl; do
	timeout 10 lt-run -q -f "$TMP/ok.lt" -H "$h" -i 1 >"$TMP/out" \
	    2>"$TMP/err"
	check_eq "-H $h: status 2" "$?" 2
	check "-H $h: bad host URL" grep -q "^lt-run: bad host URL" "$TMP/err"
done

# None of the runs above sent anything.
kill "$TARGET_PID"
wait "$TARGET_PID" 2>/dev/null
check_eq "bad values and hosts: the target saw no request" \
    "$(jq -r .total "$TMP/target.out")" 0

start_target || exit 1

# F2: a shape may start at 0 users.
printf '0\n0.3 end\n' >"$TMP/zero.shape"
lt-run -q -f "$TMP/ok.lt" -H "$TARGET_URL" -u 0 --shape "$TMP/zero.shape" \
    >"$TMP/out" 2>"$TMP/err"
check_eq "-u 0 with a shape: status 0" "$?" 0
check "-u 0 with a shape: run end event" \
    grep -q '"phase":"end"' "$TMP/out"
# Fractions where they make sense are still fine.
lt-run -q -f "$TMP/ok.lt" -H "$TARGET_URL" -u 2 -r 0.5 --rate 2.5 -i 2 \
    --seed 18446744073709551615 >"$TMP/out" 2>"$TMP/err"
check_eq "-r 0.5 --rate 2.5, largest seed: status 0" "$?" 0

# F29: a usage error leaves an existing -o file alone.
lt-run -q -f "$TMP/ok.lt" -H "$TARGET_URL" -i 2 -o "$TMP/keep.ndjson"
cp "$TMP/keep.ndjson" "$TMP/keep.orig"
printf '5 10\nbogus\n' >"$TMP/bad.shape"
printf 'GOT /x\n' >"$TMP/bad.lt"
keep_case() { # DESC ARGS...
	local d=$1
	shift
	timeout 10 lt-run -q -i 1 "$@" -o "$TMP/keep.ndjson" 2>"$TMP/err"
	check_eq "$d: status 2" "$?" 2
	check "$d: -o file untouched" cmp -s "$TMP/keep.ndjson" "$TMP/keep.orig"
}
keep_case "bad host" -f "$TMP/ok.lt" -H notaurl
keep_case "ftp host" -f "$TMP/ok.lt" -H ftp://127.0.0.1
keep_case "bad shape file" -f "$TMP/ok.lt" -H "$TARGET_URL" \
    --shape "$TMP/bad.shape"
keep_case "bad scenario" -f "$TMP/bad.lt" -H "$TARGET_URL"
keep_case "bad value" -f "$TMP/ok.lt" -H "$TARGET_URL" -u 1.5
keep_case "-u 0" -f "$TMP/ok.lt" -H "$TARGET_URL" -u 0

# F33: with stderr closed, the summary does not land in the event file.
lt-run -f "$TMP/ok.lt" -H "$TARGET_URL" -i 3 -o "$TMP/ev.ndjson" 2>&-
check_eq "stderr closed: status 0" "$?" 0
check "stderr closed: every line of -o is JSON" \
    sh -c "jq -c . '$TMP/ev.ndjson' >/dev/null 2>&1"
check_eq "stderr closed: 3 req events" \
    "$(grep -c '"type":"req"' "$TMP/ev.ndjson")" 3
# ... nor with stdout and stdin closed: events still go to the file.
lt-run -q -f "$TMP/ok.lt" -H "$TARGET_URL" -i 2 -o "$TMP/ev2.ndjson" \
    <&- >&-
check_eq "stdin, stdout closed: 2 req events in -o" \
    "$(grep -c '"type":"req"' "$TMP/ev2.ndjson")" 2

# F16: credentials go to the server as basic auth, never into events.
# base64("user:p@w") = dXNlcjpwQHc=
printf 'GET /echo\n  expect body contains "dXNlcjpwQHc="\n' >"$TMP/auth.lt"
auth_url=${TARGET_URL/http:\/\//http://user:p%40w@}
lt-run -q -f "$TMP/auth.lt" -H "$auth_url" -i 2 >"$TMP/out" 2>"$TMP/err"
check_eq "-H user:pw@: status 0" "$?" 0
check_eq "-H user:pw@: both requests authenticated" \
    "$(grep -c '"ok":true' "$TMP/out")" 2
check "-H user:pw@: no credentials in the events" \
    sh -c "! grep -q 'user:\|p%40w\|p@w\|@127' '$TMP/out'"
check_eq "-H user:pw@: run host without credentials" \
    "$(jq -r 'select(.type=="run" and .phase=="start")|.host' "$TMP/out")" \
    "$TARGET_URL"
printf 'host %s\nGET /echo\n  expect body contains "dXNlcjpwQHc="\n' \
    "$auth_url" >"$TMP/auth2.lt"
lt-run -q -f "$TMP/auth2.lt" -i 1 >"$TMP/out" 2>"$TMP/err"
check "scenario host user:pw@: authenticated" grep -q '"ok":true' "$TMP/out"
check "scenario host user:pw@: no credentials in the events" \
    sh -c "! grep -q 'user:\|p%40w\|p@w\|@127' '$TMP/out'"

# F5: stable texts: the configured timeout, the connect errno.
printf 'GET /stall\n  timeout 200ms\n' >"$TMP/stall.lt"
lt-run -q -f "$TMP/stall.lt" -H "$TARGET_URL" -u 3 -r 100 -i 6 \
    >"$TMP/out" 2>"$TMP/err"
jq -r 'select(.type=="req")|.error' "$TMP/out" | sort -u >"$TMP/errs"
check_eq "timeouts: one stable text" "$(cat "$TMP/errs")" \
    "timeout: no response within 200 ms"
lt-run -q -f "$TMP/ok.lt" -H http://127.0.0.1:1 -i 3 >"$TMP/out" 2>"$TMP/err"
jq -r 'select(.type=="req")|.error' "$TMP/out" | sort -u >"$TMP/errs"
check_eq "connect refused: one stable text" "$(cat "$TMP/errs")" \
    "connect: connection refused"
# F4: a URL libcurl cannot use is a "request" failure, not "http".
printf 'GET http://127.0.0.1:99999/x\n' >"$TMP/badurl.lt"
lt-run -q -f "$TMP/badurl.lt" -i 1 >"$TMP/out" 2>"$TMP/err"
check "malformed URL: category request" \
    grep -q '"error":"request: ' "$TMP/out"

# F1, F3: a redirect loop stops at 50; redirects to other schemes fail.
if command -v python3 >/dev/null 2>&1; then
	cat >"$TMP/redir.py" <<'EOF'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        with open(sys.argv[1], "a") as f:
            f.write(self.path + "\n")
    def do_GET(self):
        loc = {"/loop": "/loop", "/file": "file:///etc/passwd",
               "/ftp": "ftp://127.0.0.1/x", "/hop": "/ok"}.get(self.path)
        if loc is None:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")
            return
        self.send_response(302)
        self.send_header("Location", loc)
        self.send_header("Content-Length", "0")
        self.end_headers()
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(str(s.server_address[1]))
import os
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
s.serve_forever()
EOF
	python3 "$TMP/redir.py" "$TMP/redir.log" "$TMP/redir.port" &
	track_pid $!
	for _ in $(seq 1 100); do
		[ -s "$TMP/redir.port" ] && break
		sleep 0.05
	done
	rurl="http://127.0.0.1:$(cat "$TMP/redir.port")"
	printf 'GET /loop\n' >"$TMP/loop.lt"
	timeout 20 lt-run -q -f "$TMP/loop.lt" -H "$rurl" -i 1 >"$TMP/out"
	check_eq "redirect loop: one failed request" \
	    "$(jq -r 'select(.type=="req")|.error' "$TMP/out")" \
	    "redirect: too many redirects (50)"
	check_eq "redirect loop: 51 requests on the wire" \
	    "$(grep -c '^/loop$' "$TMP/redir.log")" 51
	for p in /file /ftp; do
		printf 'GET %s\n' "$p" >"$TMP/scheme.lt"
		timeout 20 lt-run -q -f "$TMP/scheme.lt" -H "$rurl" -i 1 \
		    >"$TMP/out"
		check "redirect from $p: category redirect" grep -q \
		    '"error":"redirect: to a protocol other than http or https"' \
		    "$TMP/out"
	done
	printf 'GET /hop\n' >"$TMP/hop.lt"
	timeout 20 lt-run -q -f "$TMP/hop.lt" -H "$rurl" -i 1 >"$TMP/out"
	check "an http redirect is still followed" \
	    grep -q '"status":200,"ok":true' "$TMP/out"
else
	skip "no python3 for the redirect server"
fi

# F22: lt-run(1) SEE ALSO names only pages that exist.
man=$LT_TOP/share/man/man1/lt-run.1
sed -n '/^\.Sh SEE ALSO/,/^\.Sh /p' "$man" | awk '$1==".Xr"{print $2, $3}' \
    | tr -d ',' >"$TMP/seealso"
check "SEE ALSO is not empty" test -s "$TMP/seealso"
while read -r page sec; do
	check "SEE ALSO $page($sec) exists" \
	    test -f "$LT_TOP/share/man/man$sec/$page.$sec"
done <"$TMP/seealso"
check "EXAMPLES use only scenarios that exist" sh -c "
	cd '$LT_TOP' && for f in \$(sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' '$man' |
	    grep -o 'scenarios/[^ ]*'); do test -e \"\$f\" || exit 1; done"

done_testing
