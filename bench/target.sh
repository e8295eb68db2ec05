#!/usr/bin/env bash
# bench/target.sh - requests/s of lt-target against nginx on the same job.
#
# Both servers answer GET / with the same small body; each is pinned to
# CPU 1 and wrk (one thread, 50 connections, keep-alive) to CPU 0, so the
# ratio compares the servers and not the scheduler.  nginx runs from a
# generated configuration in a temporary directory (daemon off, one
# worker, access log off) and is stopped by its PID.  Prints a table:
# server, requests/s, ratio to nginx.
#
# Environment: LT_TARGET (default build/lt-target), BENCH_SECONDS (5),
# BENCH_CONNS (50).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
target=${LT_TARGET:-$top/build/lt-target}
secs=${BENCH_SECONDS:-5}
conns=${BENCH_CONNS:-50}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lt-bench-target.XXXXXX")
pids=""

cleanup() {
	local p
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	for p in $pids; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

for tool in wrk nginx taskset curl python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "bench/target.sh: skipped: $tool not installed" >&2
		exit 0
	fi
done
[ -x "$target" ] || { echo "bench/target.sh: $target not built" >&2; exit 3; }

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_port() {
	local i
	for i in $(seq 1 100); do
		curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0
		sleep 0.05
	done
	return 1
}

# rps URL: requests/s that wrk measured; 0 when any answer was not 2xx.
rps() {
	taskset -c 0 wrk -t1 -c"$conns" -d"${secs}s" "$1" 2>&1 | awk '
	    /Non-2xx/ { bad = 1 }
	    /^Requests\/sec:/ { r = $2 }
	    END { print (bad ? 0 : r + 0) }'
}

# lt-target
taskset -c 1 "$target" -q -p 0 --port-file "$tmp/lt.port" >/dev/null &
pids="$pids $!"
for i in $(seq 1 100); do
	[ -s "$tmp/lt.port" ] && break
	sleep 0.05
done
lt_port=$(cat "$tmp/lt.port")
wait_port "$lt_port" || { echo "bench/target.sh: lt-target did not start" >&2; exit 3; }

# nginx: serves the same body as a static file.
mkdir -p "$tmp/www"
curl -s "http://127.0.0.1:$lt_port/" >"$tmp/www/index.html"
chmod 755 "$tmp" "$tmp/www"
chmod 644 "$tmp/www/index.html"
ng_port=$(free_port)
cat >"$tmp/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $tmp/body;
	proxy_temp_path $tmp/proxy;
	fastcgi_temp_path $tmp/fastcgi;
	uwsgi_temp_path $tmp/uwsgi;
	scgi_temp_path $tmp/scgi;
	default_type text/plain;
	keepalive_requests 1000000;
	server {
		listen 127.0.0.1:$ng_port;
		root $tmp/www;
		location / { index index.html; }
	}
}
CONF
taskset -c 1 nginx -e "$tmp/error.log" -p "$tmp" -c "$tmp/nginx.conf" &
pids="$pids $!"
wait_port "$ng_port" || {
	echo "bench/target.sh: nginx did not start: $(cat "$tmp/error.log")" >&2
	exit 3
}

lt=$(rps "http://127.0.0.1:$lt_port/")
ng=$(rps "http://127.0.0.1:$ng_port/")

echo "# GET / ($(wc -c <"$tmp/www/index.html") byte body), wrk -t1 -c$conns -d${secs}s on CPU 0, server on CPU 1"
printf '%-12s %12s %8s\n' server requests/s ratio
awk -v lt="$lt" -v ng="$ng" 'BEGIN {
	printf "%-12s %12.0f %8.2f\n", "nginx", ng, 1
	printf "%-12s %12.0f %8.2f\n", "lt-target", lt, (ng > 0 ? lt / ng : 0)
}'
