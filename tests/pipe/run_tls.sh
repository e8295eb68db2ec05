#!/usr/bin/env bash
# run_tls.sh - HTTPS against nginx with a self-signed certificate: a
# verification failure is a "tls" error, --insecure passes, --http2
# negotiates HTTP/2 (the event's "http":2).  Skipped without nginx or
# openssl.
. "$(dirname "$0")/../lib.sh"

for tool in nginx openssl python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		skip "TLS tests" "$tool not installed"
		done_testing
		exit 0
	fi
done
tls_site
start_nginx "https://127.0.0.1:$port/" <<CONF || exit 1
	access_log off;
	server {
		listen 127.0.0.1:$port ssl http2;
		ssl_certificate $TMP/cert.pem;
		ssl_certificate_key $TMP/key.pem;
		root $TMP/www;
	}
CONF
printf 'user A\n  task GET /\n' >"$TMP/s.lt"
url="https://127.0.0.1:$port"

lt-run -q -f "$TMP/s.lt" -H "$url" -u 2 -r 100 -i 4 >"$TMP/v.ev"
check_eq "self-signed: tls errors" \
    "$(jq -r 'select(.type == "req") | .error | split(":")[0]' "$TMP/v.ev" | sort -u)" tls

lt-run -q -f "$TMP/s.lt" -H "$url" -u 2 -r 100 -i 20 --insecure >"$TMP/i.ev"
check_eq "--insecure: 20 ok over HTTP/1.1" \
    "$(jq -r 'select(.type == "req") | "\(.ok) \(.http)"' "$TMP/i.ev" | sort | uniq -c | awk '{ print $1, $2, $3 }')" \
    "20 true null"

lt-run -q -f "$TMP/s.lt" -H "$url" -u 4 -r 100 -i 40 --insecure --http2 \
    >"$TMP/h.ev"
check_eq "--http2: 40 ok over HTTP/2" \
    "$(jq -r 'select(.type == "req") | "\(.ok) \(.http)"' "$TMP/h.ev" | sort | uniq -c | awk '{ print $1, $2, $3 }')" \
    "40 true 2"
check "--http2: users share one multiplexed connection" \
    test "$(grep -c '"new_conn":true' "$TMP/h.ev")" -le 2

done_testing
