#!/usr/bin/env bash
# run_h2_goaway.sh - HTTP/2 against nginx that closes each connection
# after keepalive_requests (here 100; nginx's default is 1000) with a
# GOAWAY: a server ending a connection that way is normal, and no request
# may fail because of it (issue 12: "reset: Connection died, tried 5
# times").  3,000 requests from 20 users multiplexed on one connection,
# so every GOAWAY finds streams in flight.  Skipped without nginx, openssl.
. "$(dirname "$0")/../lib.sh"

for tool in nginx openssl python3 curl; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		skip "HTTP/2 GOAWAY" "$tool not installed"
		done_testing
		exit 0
	fi
done
tls_site
start_nginx "https://127.0.0.1:$port/" <<CONF || exit 1
	log_format lt '\$request_method \$status \$http_user_agent';
	access_log $TMP/access.log lt;
	keepalive_requests 100;
	server {
		listen 127.0.0.1:$port ssl http2;
		ssl_certificate $TMP/cert.pem;
		ssl_certificate_key $TMP/key.pem;
		root $TMP/www;
	}
CONF
: >"$TMP/access.log"
# GET only: nginx answers a POST to a static file (405) before reading its
# body and resets the stream, which fails a request now and then whatever
# keepalive_requests is; that is not what this test is about.
printf 'user A\n  task GET /\n  task GET /?q=1\n' >"$TMP/s.lt"
url="https://127.0.0.1:$port"

timeout 120 lt-run -q -f "$TMP/s.lt" -H "$url" -u 20 -r 1000 -i 3000 \
    --insecure --http2 >"$TMP/h.ev" 2>"$TMP/err"
check_eq "the run: exit 0" "$?" 0
check_eq "3000 requests over HTTP/2, none failed" \
    "$(jq -r 'select(.type == "req") | "\(.ok) \(.http)"' "$TMP/h.ev" | sort | uniq -c | awk '{ print $1, $2, $3 }')" \
    "3000 true 2"
jq -r 'select(.type == "req" and .ok == false) | .error' "$TMP/h.ev" |
    sort | uniq -c | head -5 | sed "s/^/# /"
conns=$(grep -c '"new_conn":true' "$TMP/h.ev")
check "nginx closed connections after 100 requests ($conns connections)" \
    test "$conns" -ge 25
check_eq "nginx answered every request once" \
    "$(grep -vc '^GET 200 curl' "$TMP/access.log")" 3000
done_testing
