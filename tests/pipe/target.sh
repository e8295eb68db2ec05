#!/usr/bin/env bash
# tests/pipe/target.sh - the target server fixture (lt-target) through real
# HTTP: every endpoint with curl, keep-alive, pipelining and protocol
# errors over bash's /dev/tcp, seeded delays, and the request counts it
# prints on SIGTERM, which must match what this script sent exactly.
. "$(dirname "$0")/../lib.sh"

# sent PATH [N]: records N (1) more requests sent to the main server for
# PATH, in a file because requests are often made in subshells.
sent() {
	local i
	for i in $(seq 1 "${2:-1}"); do
		echo "$1" >>"$TMP/sent"
	done
}

# get PATH [CURL ARGS...]: body of a GET, counted.
get() {
	local p=$1
	shift
	sent "${p%%\?*}"
	curl -s --max-time 20 "$@" "$U$p"
}

# code PATH [CURL ARGS...]: HTTP status of a request, counted.
code() {
	local p=$1
	shift
	sent "${p%%\?*}"
	curl -s --max-time 20 -o /dev/null -w '%{http_code}' "$@" "$U$p"
}

# raw BYTES: sends printf-escaped BYTES on a new connection and prints
# what comes back until the server closes it (at most 10 s).
raw() {
	exec 3<>"/dev/tcp/127.0.0.1/$TARGET_PORT" || return 1
	printf '%b' "$1" >&3
	timeout 10 cat <&3
	exec 3<&-
}

# start_extra NAME ARGS...: another server; sets EXTRA_PID, EXTRA_URL.
start_extra() {
	local name=$1 i
	shift
	"$LT_TARGET" -q -p 0 --port-file "$TMP/$name.port" "$@" \
	    >"$TMP/$name.out" 2>"$TMP/$name.err" &
	EXTRA_PID=$!
	track_pid "$EXTRA_PID"
	for i in $(seq 1 100); do
		if [ -s "$TMP/$name.port" ]; then
			EXTRA_URL="http://127.0.0.1:$(cat "$TMP/$name.port")"
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# ---- options ----------------------------------------------------------
man=$LT_TOP/share/man/man1/lt-target.1
help=$("$LT_TARGET" --help)
check "--help exits 0 and shows the usage" \
    grep -q '^usage: lt-target' <<<"$help"
manText=$(mandoc -Tascii "$man" 2>/dev/null | col -b)
missing=""
for o in $(grep -o -- '--[a-z][a-z-]*' <<<"$help" | sort -u); do
	grep -q -- "$o" <<<"$manText" || missing="$missing $o"
done
check_eq "every long option of --help is in lt-target(1)" "$missing" ""
check "--version prints the version" \
    grep -q '^lt-target [0-9]' <<<"$("$LT_TARGET" --version)"
"$LT_TARGET" --host 0.0.0.0 -p 0 2>/dev/null
check_eq "--host refuses non-loopback addresses (exit 2)" "$?" 2
"$LT_TARGET" --bogus 2>/dev/null
check_eq "an unknown option is a usage error (exit 2)" "$?" 2

# ---- start ------------------------------------------------------------
if ! start_target --seed 7 --counts-file "$TMP/counts.json"; then
	not_ok "lt-target starts"
	done_testing
	exit 1
fi
U=$TARGET_URL
check "port file holds just a port number" \
    grep -qx '[0-9][0-9]*' <<<"$TARGET_PORT"
check "stderr says where it listens" \
    grep -qx "listening on http://127.0.0.1:$TARGET_PORT" "$TMP/target.err"

# ---- simple endpoints -------------------------------------------------
check_eq "GET / answers a small body" "$(get /)" "hello from lt-target"
check_eq "GET /ok" "$(get /ok)" "ok"
check_eq "unknown path is 404" "$(code /no/such/path)" 404
hdr=$(get / -I)
check "HEAD / has a Content-Length and no body" \
    grep -qi '^Content-Length: 21' <<<"$hdr"
check_eq "/status?code=418" "$(code '/status?code=418')" 418
check_eq "/status?code=503" "$(code '/status?code=503')" 503
check_eq "/status?code=204 has no body" \
    "$(get '/status?code=204' -w '%{http_code}:%{size_download}')" "204:0"
check_eq "/status?code=99 is 400" "$(code '/status?code=99')" 400

# ---- keep-alive -------------------------------------------------------
sent / 1
sent /ok 2
sent /json 1
n=$(curl -s -o /dev/null -o /dev/null -o /dev/null -o /dev/null \
    -w '%{num_connects}\n' "$U/" "$U/ok" "$U/ok" "$U/json" |
    awk '{ s += $1 } END { print s }')
check_eq "4 URLs in one curl reuse one connection" "$n" 1
sent /close 1
sent /ok 1
out=$(curl -s -w ' %{num_connects}' "$U/close" "$U/ok")
check_eq "/close answers, then the next request reconnects" "$out" \
    "closing
 1ok
 1"

# ---- pipelining and raw protocol --------------------------------------
sent /ok
sent /delay
sent /items/7
resp=$(raw 'GET /ok HTTP/1.1\r\nHost: t\r\n\r\nGET /delay?ms=30 HTTP/1.1\r\nHost: t\r\n\r\nGET /items/7 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n' |
    tr -d '\r')
check_eq "3 pipelined requests in one write: 3 answers" \
    "$(grep -c '^HTTP/1.1 200 OK' <<<"$resp")" 3
check_eq "pipelined answers come in request order (a delay in between)" \
    "$(grep -E '^(ok|\{)' <<<"$resp" | tr '\n' ' ')" \
    'ok {"delay_ms":30.000} {"id":7,"name":"item 7","price":555.33} '
sent /ok 100
batch=$(for i in $(seq 1 99); do printf 'GET /ok HTTP/1.1\\r\\n\\r\\n'; done)
resp=$(raw "${batch}GET /ok HTTP/1.1\r\nConnection: close\r\n\r\n")
check_eq "100 pipelined requests: 100 answers" \
    "$(grep -c '^ok' <<<"$resp")" 100
sent /ok
resp=$(raw 'GET /ok HTTP/1.0\r\n\r\n' | tr -d '\r')
check "HTTP/1.0 answer ends with close" \
    grep -q '^Connection: close' <<<"$resp"
sent /ok 2
resp=$(raw 'GET /ok HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /ok HTTP/1.0\r\n\r\n' |
    tr -d '\r')
check_eq "HTTP/1.0 keep-alive serves a second request" \
    "$(grep -c '^ok' <<<"$resp")" 2
check "HTTP/1.0 keep-alive is acknowledged" \
    grep -q '^Connection: keep-alive' <<<"$resp"
resp=$(raw 'HELLO WORLD\r\n\r\n')
check "garbage gets 400" grep -q '^HTTP/1.1 400' <<<"$resp"
resp=$(raw 'GET /ok HTTP/2.0\r\n\r\n')
check "HTTP/2.0 on this port gets 505" grep -q '^HTTP/1.1 505' <<<"$resp"
resp=$(raw 'GET /ok HTTP/1.1\r\nBad Header: x\r\n\r\n')
check "a space in a header name gets 400" grep -q '^HTTP/1.1 400' <<<"$resp"
big=$(head -c 20000 /dev/zero | tr '\0' a)
check_eq "a 20 KB header gets 431" \
    "$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $big" "$U/ok")" 431
# A head that is rejected is not counted; a bad body after a good head is.
resp=$(raw 'POST /echo HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n')
check "Content-Length with chunked gets 400" \
    grep -q '^HTTP/1.1 400' <<<"$resp"
sent /echo
resp=$(raw 'POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: 1\r\n\r\n' |
    tr -d '\r' | tail -n 1)
check_eq "chunked request body with an extension and a trailer" \
    "$(jq -r .body <<<"$resp")" "Wikipedia"
sent /echo
resp=$(raw 'POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')
check "a bad chunk size gets 400" grep -q '^HTTP/1.1 400' <<<"$resp"

# ---- bodies -----------------------------------------------------------
head -c 2000000 /dev/zero >"$TMP/2mb"
check_eq "a 2 MB body gets 413" \
    "$(code /echo --data-binary @"$TMP/2mb")" 413
check_eq "a 2 MB chunked body gets 413" \
    "$(code /echo -H 'Transfer-Encoding: chunked' --data-binary @"$TMP/2mb")" 413
head -c 300000 /dev/zero | tr '\0' b >"$TMP/300k"
out=$(get /echo -H 'Expect: 100-continue' --data-binary @"$TMP/300k" |
    jq -r '.body | length')
check_eq "a 300 KB body after 100-continue is read whole" "$out" 300000
out=$(get /echo -H 'Transfer-Encoding: chunked' --data-binary @"$TMP/300k" |
    jq -r '.body | length')
check_eq "a 300 KB chunked body is read whole" "$out" 300000
out=$(get /bytes?n=100000 | tr -d x | wc -c)
check_eq "/bytes?n=100000 is 100000 x" "$out" 0
check_eq "/bytes?n=100000 size" "$(get /bytes?n=100000 | wc -c)" 100000
check_eq "/bytes?n=70000000 (over the cap) is 400" \
    "$(code '/bytes?n=70000000')" 400
check_eq "/bytes?n=5000000 streams 5 MB" \
    "$(get '/bytes?n=5000000' | wc -c)" 5000000

# ---- echo -------------------------------------------------------------
e=$(get '/echo?a=1&b=two' -X PUT -H 'X-Test: yes' -H 'X-Test: again' \
    --data-binary 'hello "world"')
check_eq "/echo method" "$(jq -r .method <<<"$e")" PUT
check_eq "/echo path" "$(jq -r .path <<<"$e")" /echo
check_eq "/echo query" "$(jq -r .query <<<"$e")" 'a=1&b=two'
check_eq "/echo joins repeated headers" "$(jq -r '.headers["x-test"]' <<<"$e")" \
    'yes, again'
check_eq "/echo body" "$(jq -r .body <<<"$e")" 'hello "world"'

# ---- delays -----------------------------------------------------------
t=$(get '/delay?ms=200' -o /dev/null -w '%{time_total}')
check "/delay?ms=200 takes at least 0.19 s ($t)" \
    awk -v t="$t" 'BEGIN { exit !(t >= 0.19) }'
check_eq "/delay?dist=bogus is 400" "$(code '/delay?dist=bogus&mean=1')" 400
check_eq "/delay?ms=x is 400" "$(code '/delay?ms=x')" 400
check_eq "/delay min > max is 400" \
    "$(code '/delay?dist=uniform&min=5&max=1')" 400
# Two servers with the same seed draw the same delays, another seed not.
draws() {
	local i
	for i in $(seq 1 "$2"); do
		curl -s "$1/delay?$3" | jq -r .delay_ms
	done
}
start_extra seedA --seed 42 && a=$(draws "$EXTRA_URL" 5 'dist=exp&mean=3')
start_extra seedB --seed 42 && b=$(draws "$EXTRA_URL" 5 'dist=exp&mean=3')
start_extra seedC --seed 43 && c=$(draws "$EXTRA_URL" 5 'dist=exp&mean=3')
check "exp delays were drawn" test -n "$a"
check_eq "same seed, same delays" "$b" "$a"
check "another seed, other delays" test "$c" != "$a"
u=$(draws "$EXTRA_URL" 40 'dist=uniform&min=2&max=4')
check "40 uniform delays all in [2, 4]" awk '
    $1 < 2 || $1 > 4 { bad = 1 } END { exit bad || NR != 40 }' <<<"$u"
x=$(draws "$EXTRA_URL" 200 'dist=exp&mean=1')
check "200 exp delays have a mean near 1 ms" awk '
    { s += $1 } END { m = s / NR; exit !(NR == 200 && m > 0.7 && m < 1.4) }' \
    <<<"$x"
nrm=$(draws "$EXTRA_URL" 40 'dist=normal&mean=2&sd=1&min=0.5&max=3')
check "40 clamped normal delays in [0.5, 3]" awk '
    $1 < 0.5 || $1 > 3 { bad = 1 } END { exit bad || NR != 40 }' <<<"$nrm"

# ---- login and bearer tokens --------------------------------------------
tok=$(get /login -H 'Content-Type: application/json' \
    -d '{"user":"alice","password":"secret"}' | jq -r .token)
check "login gives a token" test -n "$tok" -a "$tok" != null
tok2=$(get /login -d 'user=alice&password=secret' | jq -r .token)
check_eq "a form login gives the same token" "$tok2" "$tok"
check_eq "a wrong password is 401" \
    "$(code /login -d '{"user":"alice","password":"nope"}')" 401
check_eq "a malformed login body is 400" "$(code /login -d '{"user":')" 400
check_eq "GET /login is 405" "$(code /login)" 405
check_eq "/secure without a token is 401" "$(code /secure)" 401
check_eq "/secure with a forged token is 401" \
    "$(code /secure -H 'Authorization: Bearer lt1.626f62.0123456789abcdef')" 401
check_eq "/secure with the token names its user" \
    "$(get /secure -H "Authorization: Bearer $tok" | jq -r .user)" alice
check_eq "/secure/* with the token is 200" \
    "$(code /secure/a/b -H "Authorization: Bearer $tok")" 200

# ---- cookies ----------------------------------------------------------
jar=$TMP/jar
get '/cookie/set?name=sess&value=abc123' -c "$jar" >/dev/null
check_eq "a set cookie is sent back and checked" \
    "$(code '/cookie/check?name=sess&value=abc123' -b "$jar")" 200
check_eq "a missing cookie is 403" \
    "$(code '/cookie/check?name=sess&value=abc123')" 403
check_eq "a wrong cookie value is 403" \
    "$(code '/cookie/check?name=sess&value=zzz' -b "$jar")" 403
check_eq "/cookie/echo returns the Cookie header" \
    "$(get /cookie/echo -b 'a=1; b=2')" 'a=1; b=2'
check_eq "a bad cookie name is 400" "$(code '/cookie/set?name=a;b&value=1')" 400

# ---- streams ----------------------------------------------------------
h=$(get '/chunked?n=5&size=10' -D - -o "$TMP/chunked")
check "/chunked uses chunked transfer coding" \
    grep -qi '^Transfer-Encoding: chunked' <<<"$h"
check_eq "/chunked?n=5&size=10 decodes to 50 bytes" \
    "$(wc -c <"$TMP/chunked")" 50
check_eq "/chunked?n=3&size=100000&ms=10 decodes to 300000 bytes" \
    "$(get '/chunked?n=3&size=100000&ms=10' | wc -c)" 300000
s=$(get '/sse?n=5&ms=20' -N -D "$TMP/sse.h")
check_eq "/sse?n=5 sends 5 events" "$(grep -c '^data: ' <<<"$s")" 5
check_eq "/sse events count from 0" "$(grep '^data: ' <<<"$s" | tail -n 1)" \
    'data: {"i":4}'
check "/sse is text/event-stream" \
    grep -qi '^Content-Type: text/event-stream' "$TMP/sse.h"
sent /sse 2
n=$(curl -s -o /dev/null -o /dev/null -w '%{num_connects}\n' \
    "$U/sse?n=2&ms=1" "$U/sse?n=2&ms=1" | awk '{ s += $1 } END { print s }')
check_eq "the connection is reused after an event stream" "$n" 1

# ---- failures ---------------------------------------------------------
sent /reset
curl -s --max-time 20 -o /dev/null -w '%{http_code}' "$U/reset" >"$TMP/rc"
rc=$?
check "/reset makes the client fail (curl exit $rc)" \
    test "$rc" -eq 52 -o "$rc" -eq 56
check_eq "/reset gives no status" "$(cat "$TMP/rc")" 000
sent /stall
curl -s --max-time 1 -o /dev/null "$U/stall"
check_eq "/stall never answers (curl times out: 28)" "$?" 28
check_eq "the server still answers after a stall and a reset" \
    "$(get /ok)" ok

# ---- JSON data --------------------------------------------------------
j=$(get '/json?n=5')
check_eq "/json?n=5 has 5 items" "$(jq length <<<"$j")" 5
check_eq "/json ids count from 1" "$(jq -c '[.[].id]' <<<"$j")" '[1,2,3,4,5]'
check_eq "/json items have a price" "$(jq 'all(.[]; .price > 0)' <<<"$j")" true
check_eq "/items/9" "$(get /items/9 | jq -c '[.id, .name]')" '[9,"item 9"]'
check_eq "/items/x is 404" "$(code /items/x)" 404
check_eq "/products lists 20" "$(get /products | jq length)" 20
check_eq "/products/3" "$(get /products/3 | jq -r .name)" "product 3"
check_eq "GET /cart" "$(get /cart)" '{"items":[]}'
check_eq "POST /checkout counts orders" \
    "$(get /checkout -X POST; get /checkout -X POST)" \
    '{"order":1}
{"order":2}'
check_eq "GET /checkout is 405" "$(code /checkout)" 405

# ---- IPv6 -------------------------------------------------------------
if start_extra v6 --host ::1; then
	v6=${EXTRA_URL##*:}
	check_eq "--host ::1 serves on [::1]" \
	    "$(curl -s -g "http://[::1]:$v6/ok")" ok
else
	skip "--host ::1 serves on [::1]" "no IPv6 loopback"
fi

# ---- other servers: SIGINT, -q, a taken port ---------------------------
if start_extra sigint; then
	curl -s "$EXTRA_URL/ok" "$EXTRA_URL/items/1" "$EXTRA_URL/ok" >/dev/null
	kill -INT "$EXTRA_PID"
	wait "$EXTRA_PID"
	check_eq "SIGINT: exit status 0" "$?" 0
	check_eq "SIGINT: the counts are printed" "$(cat "$TMP/sigint.out")" \
	    '{"total":3,"paths":{"/items/1":1,"/ok":2}}'
	check_eq "-q prints nothing on stderr" "$(cat "$TMP/sigint.err")" ""
else
	not_ok "a server for SIGINT starts"
fi
"$LT_TARGET" -q -p "$TARGET_PORT" >/dev/null 2>"$TMP/taken.err"
check_eq "a taken port is a runtime error (exit 3)" "$?" 3
check "... reported once with the address" \
    grep -qx "lt-target: 127.0.0.1 port $TARGET_PORT: Address already in use" \
    "$TMP/taken.err"

# ---- counts -----------------------------------------------------------
sent /counts
live=$(curl -s "$U/counts")
check_eq "/counts counts itself" "$(jq '.paths["/counts"]' <<<"$live")" 1
check_eq "/counts total is the sum of its paths" \
    "$(jq '.total == ([.paths[]] | add)' <<<"$live")" true

want=$(jq -R . "$TMP/sent" | jq -cS -s '
    { total: length, paths: (group_by(.) | map({ (.[0]): length }) | add) }')

kill -TERM "$TARGET_PID"
wait "$TARGET_PID"
check_eq "SIGTERM: exit status 0" "$?" 0
check_eq "SIGTERM: the counts on stdout match every request sent" \
    "$(jq -cS . "$TMP/target.out")" "$want"
check_eq "--counts-file holds the same counts" \
    "$(jq -cS . "$TMP/counts.json")" "$want"
check_eq "stdout is one line" "$(wc -l <"$TMP/target.out")" 1

done_testing
