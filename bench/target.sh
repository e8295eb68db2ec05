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

. "$(dirname "$0")/lib.sh"
bench_init target
target=${LT_TARGET:-$top/build/lt-target}
secs=${BENCH_SECONDS:-5}
conns=${BENCH_CONNS:-50}
need_tools wrk nginx taskset curl python3
[ -x "$target" ] || bench_fail "$target not built"

# rps URL: requests/s that wrk measured; 0 when any answer was not 2xx.
rps() {
	taskset -c 0 wrk -t1 -c"$conns" -d"${secs}s" "$1" 2>&1 | awk '
	    /Non-2xx/ { bad = 1 }
	    /^Requests\/sec:/ { r = $2 }
	    END { print (bad ? 0 : r + 0) }'
}

start_lt_target "$target"
start_nginx 1024

lt=$(rps "http://127.0.0.1:$lt_port/")
ng=$(rps "http://127.0.0.1:$ng_port/")

echo "# GET / ($(wc -c <"$tmp/www/index.html") byte body), wrk -t1 -c$conns -d${secs}s on CPU 0, server on CPU 1"
printf '%-12s %12s %8s\n' server requests/s ratio
awk -v lt="$lt" -v ng="$ng" 'BEGIN {
	printf "%-12s %12.0f %8.2f\n", "nginx", ng, 1
	printf "%-12s %12.0f %8.2f\n", "lt-target", lt, (ng > 0 ? lt / ng : 0)
}'
