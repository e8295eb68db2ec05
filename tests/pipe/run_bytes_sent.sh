#!/usr/bin/env bash
# run_bytes_sent.sh - bytes sent counted at the server: the sum of lt-run's
# "bytes_sent" equals the sum of nginx's $request_length (request line,
# headers and body) over GETs, a followed redirect and POSTs with bodies
# on both sides of libcurl's 64 KiB inline limit, and the aggregate's and
# the report's totals equal it.  Also: 0 when nothing was sent, absent on
# exec tasks.  Skipped without nginx.
. "$(dirname "$0")/../lib.sh"

for tool in nginx python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		skip "bytes sent against nginx" "$tool not installed"
		done_testing
		exit 0
	fi
done
port=$(free_port)
mkdir -p "$TMP/www"
echo hello >"$TMP/www/index.html"
chmod 755 "$TMP" "$TMP/www"
# /p hands the body on to /sink, so nginx reads it and counts it in
# $request_length (a "return" alone would discard it uncounted)
start_nginx "http://127.0.0.1:$port/probe" <<CONF || exit 1
	log_format len '\$request_length \$request_method \$uri';
	access_log $TMP/access.log len;
	client_max_body_size 10m;
	server {
		listen 127.0.0.1:$port;
		root $TMP/www;
		location = /r { return 302 /index.html; }
		location = /p { proxy_pass http://127.0.0.1:$port/sink; }
		location = /sink { access_log off; return 200 "ok\n"; }
	}
CONF
# the probes are logged too, maybe late: left out by their path
log() { grep -v ' /probe$' "$TMP/access.log"; }

head -c 3000 /dev/zero | tr '\0' s >"$TMP/small.txt"
head -c 100000 /dev/zero | tr '\0' b >"$TMP/big.txt"
cat >"$TMP/s.lt" <<LT
user A
  sequence
    GET /index.html
    GET /r
    POST /p json {"user": "u\${user}", "n": 12345}
    POST /p form a=1&b=two
    POST /p body @$TMP/small.txt
    POST /p body @$TMP/big.txt
    POST /p json {"expect": true}
      header Expect: 100-continue
    POST /p
LT
lt-run -q -f "$TMP/s.lt" -H "http://127.0.0.1:$port" -u 2 -r 100 -i 4 \
    >"$TMP/e.ev" 2>"$TMP/err"
check_eq "lt-run exits 0" "$?" 0
check_eq "32 requests, all ok" \
    "$(jq -s '[.[] | select(.type == "req" and .ok)] | length' "$TMP/e.ev")" 32
# nginx logs a request when it has answered it; lt-run has its answers
for i in $(seq 1 100); do
	[ "$(log | wc -l)" -ge 36 ] && break
	sleep 0.05
done
check_eq "nginx logged 36 requests (4 redirects)" \
    "$(log | wc -l)" 36
sum=$(jq -s '[.[] | select(.type == "req") | .bytes_sent] | add' "$TMP/e.ev")
want=$(log | awk '{ s += $1 } END { print s }')
check_eq "sum of bytes_sent is nginx's sum of \$request_length" "$sum" "$want"
check_eq "GETs (a redirect followed counts both requests)" \
    "$(jq -s '[.[] | select(.type == "req" and .method == "GET") | .bytes_sent] | add' "$TMP/e.ev")" \
    "$(log | awk '$2 == "GET" { s += $1 } END { print s }')"
check_eq "POSTs" \
    "$(jq -s '[.[] | select(.type == "req" and .method == "POST") | .bytes_sent] | add' "$TMP/e.ev")" \
    "$(log | awk '$2 == "POST" { s += $1 } END { print s }')"
check "bodies and headers counted: over 4 x 103000" [ "$sum" -gt 412000 ]
check_eq "the 100 kB body: body plus headers, once" \
    "$(jq -r 'select(.type == "req" and .bytes_sent > 100000 and .bytes_sent < 100400) | .url' "$TMP/e.ev" | wc -l)" 4

lt-agg "$TMP/e.ev" >"$TMP/a.json"
check_eq "aggregate total" "$(jq .total.bytes_sent "$TMP/a.json")" "$want"
check_eq "aggregate timeline" \
    "$(jq '[.timeline[].bytes_sent] | add' "$TMP/a.json")" "$want"
lt-report --no-charts "$TMP/a.json" >"$TMP/r.md"
# | | Aggregated | received | per request | per second | sent | per second |
got=$(awk -F'|' '/^## Bytes received and sent/ { on = 1 }
    on && $3 ~ /Aggregated/ { gsub(/ /, "", $7); sub(/\(.*/, "", $7); print $7; exit }' \
    "$TMP/r.md")
check_eq "report's total bytes sent" "$got" "$want"

# nothing sent: a refused connection
closed=$(free_port)
printf 'user A\n  task POST /p json {"a": 1}\n' >"$TMP/c.lt"
lt-run -q -f "$TMP/c.lt" -H "http://127.0.0.1:$closed" -i 3 >"$TMP/c.ev" 2>/dev/null
check_eq "refused connection: bytes_sent 0" \
    "$(jq -c 'select(.type == "req") | [.ok, .bytes_sent]' "$TMP/c.ev" | sort -u)" \
    '[false,0]'
# exec tasks send no HTTP request: no bytes_sent, not even from output json
cat >"$TMP/x.lt" <<'LT'
user A
  exec sh -c "echo '{\"bytes_sent\":5,\"proto\":\"x\"}'"
    output json
LT
lt-run -q -f "$TMP/x.lt" -i 2 >"$TMP/x.ev" 2>/dev/null
check_eq "exec task: no bytes_sent" \
    "$(jq -c 'select(.type == "req") | [.ok, .proto, has("bytes_sent")]' "$TMP/x.ev" | sort -u)" \
    '[true,"x",false]'
lt-agg "$TMP/x.ev" | lt-report --no-charts >"$TMP/x.md"
check "report says bytes sent were not recorded" \
    grep -q 'bytes sent were not recorded' "$TMP/x.md"
done_testing
