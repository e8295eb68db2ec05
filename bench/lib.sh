# bench/lib.sh - shared helpers for the bench/*.sh scripts (sourced, not
# run: bench/run.sh skips it).  A temporary directory and the PIDs a
# script started, both cleaned up at exit (only those PIDs are killed);
# tool checks that skip a benchmark; C benchmark programs built against
# build/liblt.a; lt-target and nginx on 127.0.0.1, pinned to CPU 1,
# serving the same GET / body, so that a generator on CPU 0 compares the
# servers and not the scheduler.

# bench_init NAME: sets top, tmp (lt-bench-NAME.XXXXXX) and pids, and
# removes both at exit.
bench_init() {
	bench_script=bench/$(basename "$0")
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/lt-bench-$1.XXXXXX")
	pids=""
	trap bench_cleanup EXIT
}

bench_cleanup() {
	local p
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	for p in $pids; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}

# bench_fail MESSAGE: one line on stderr, status 3.
bench_fail() {
	echo "$bench_script: $*" >&2
	exit 3
}

# need_tools TOOL...: the benchmark is skipped (status 0) without them.
need_tools() {
	local tool
	for tool in "$@"; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			echo "$bench_script: skipped: $tool not installed" >&2
			exit 0
		fi
	done
}

# bench_cc NAME [LIBS...]: builds bench/NAME_bench.c with liblt and
# jansson into $tmp/NAME_bench.
bench_cc() {
	local name=$1
	shift
	[ -f "$top/build/liblt.a" ] || make -s -C "$top" build/liblt.a
	cc -std=c11 -D_GNU_SOURCE -O2 -I"$top/lib" \
	    $(pkg-config --cflags jansson) -o "$tmp/${name}_bench" \
	    "$top/bench/${name}_bench.c" "$top/build/liblt.a" \
	    $(pkg-config --libs jansson) "$@"
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_port PORT: 0 once GET / answers (5 s at most).
wait_port() {
	local i
	for i in $(seq 1 100); do
		curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0
		sleep 0.05
	done
	return 1
}

# start_lt_target TARGET: runs it on CPU 1; sets lt_port.
start_lt_target() {
	local i
	taskset -c 1 "$1" -q -p 0 --port-file "$tmp/lt.port" >/dev/null &
	pids="$pids $!"
	for i in $(seq 1 100); do
		[ -s "$tmp/lt.port" ] && break
		sleep 0.05
	done
	lt_port=$(cat "$tmp/lt.port" 2>/dev/null)
	wait_port "$lt_port" || bench_fail "lt-target did not start"
}

# start_nginx CONNS [MAIN] [HTTP] [LISTEN]: nginx on CPU 1 (daemon off,
# one worker, CONNS worker connections, access log off) serving lt-target's
# GET / body as a static file; MAIN and HTTP are extra directives for the
# main and http contexts, LISTEN extra listen parameters.  Needs lt_port;
# sets ng_port.
start_nginx() {
	mkdir -p "$tmp/www"
	curl -s "http://127.0.0.1:$lt_port/" >"$tmp/www/index.html"
	chmod 755 "$tmp" "$tmp/www"
	chmod 644 "$tmp/www/index.html"
	ng_port=$(free_port)
	cat >"$tmp/nginx.conf" <<CONF
daemon off;
worker_processes 1;
${2:-}
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events { worker_connections $1; }
http {
	access_log off;
	client_body_temp_path $tmp/body;
	proxy_temp_path $tmp/proxy;
	fastcgi_temp_path $tmp/fastcgi;
	uwsgi_temp_path $tmp/uwsgi;
	scgi_temp_path $tmp/scgi;
	default_type text/plain;
	keepalive_requests 1000000;
	${3:-}
	server {
		listen 127.0.0.1:$ng_port${4:-};
		root $tmp/www;
		location / { index index.html; }
	}
}
CONF
	taskset -c 1 nginx -e "$tmp/error.log" -p "$tmp" -c "$tmp/nginx.conf" &
	pids="$pids $!"
	wait_port "$ng_port" ||
	    bench_fail "nginx did not start: $(cat "$tmp/error.log")"
}
