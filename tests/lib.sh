# tests/lib.sh - shared helpers for pipeline tests (sourced, not run).
#
# A pipeline test is a bash script in tests/pipe/ that runs the real
# programs and prints TAP lines through ok/not_ok.  It must finish on its
# own: each script runs under a hard timeout in tests/run.sh, and every
# process it starts is registered with track_pid so that cleanup kills
# exactly those PIDs and no other.
#
# Environment (set by tests/run.sh, defaults for running a script alone):
#   LT_BIN     directory holding lt-run, lt-agg, lt-report, lt-fanout
#   LT_TARGET  path of the target server fixture
#   LT_TOP     the project's top directory
set -u

LT_TOP=${LT_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
LT_BIN=${LT_BIN:-$LT_TOP/bin}
LT_TARGET=${LT_TARGET:-$LT_TOP/build/lt-target}
export LT_TOP LT_BIN LT_TARGET
PATH=$LT_BIN:$PATH

TAP_N=0
TAP_FAILED=0
TRACKED_PIDS=""
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lt-test.XXXXXX")

ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $*"
}

not_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $* (${BASH_SOURCE[1]##*/}:${BASH_LINENO[0]})"
}

# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() {
	local what=$1
	shift
	if "$@"; then
		ok "$what"
	else
		TAP_N=$((TAP_N + 1))
		TAP_FAILED=$((TAP_FAILED + 1))
		echo "not ok $TAP_N - $what (${BASH_SOURCE[1]##*/}:${BASH_LINENO[0]})"
	fi
}

# check_eq DESCRIPTION GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		TAP_N=$((TAP_N + 1))
		TAP_FAILED=$((TAP_FAILED + 1))
		echo "not ok $TAP_N - $1 (${BASH_SOURCE[1]##*/}:${BASH_LINENO[0]})"
		echo "#   got:  $2"
		echo "#   want: $3"
	fi
}

# skip DESCRIPTION REASON
skip() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1 # SKIP $2"
}

track_pid() {
	TRACKED_PIDS="$TRACKED_PIDS $1"
}

# cleanup: SIGTERM to every tracked process, up to 10 s for them to go
# (a server writes its counts at SIGTERM), then SIGKILL to any left, so
# that a stuck helper cannot hold the script until the suite's timeout.
cleanup() {
	local p i alive
	for p in $TRACKED_PIDS; do
		kill "$p" 2>/dev/null
	done
	for i in $(seq 1 100); do
		alive=""
		for p in $TRACKED_PIDS; do
			if kill -0 "$p" 2>/dev/null &&
			    ! ps -o stat= -p "$p" 2>/dev/null | grep -q '^Z'; then
				alive="$alive $p"
			fi
		done
		[ -n "$alive" ] || break
		sleep 0.1
	done
	for p in $alive; do
		echo "# cleanup: pid $p ignored SIGTERM for 10 s; SIGKILL" >&2
		kill -KILL "$p" 2>/dev/null
	done
	for p in $TRACKED_PIDS; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

# start_target [ARGS...]: starts the fixture on a free port of 127.0.0.1,
# sets TARGET_PID, TARGET_PORT and TARGET_URL.  Its stdout goes to
# $TMP/target.out (the exit report), stderr to $TMP/target.err.
start_target() {
	local portfile=$TMP/target.port.$$.$RANDOM i
	"$LT_TARGET" -p 0 --port-file "$portfile" "$@" \
	    >"$TMP/target.out" 2>"$TMP/target.err" &
	TARGET_PID=$!
	track_pid "$TARGET_PID"
	for i in $(seq 1 100); do
		if [ -s "$portfile" ]; then
			TARGET_PORT=$(cat "$portfile")
			TARGET_URL="http://127.0.0.1:$TARGET_PORT"
			return 0
		fi
		sleep 0.05
	done
	echo "# target server did not start: $(cat "$TMP/target.err")"
	return 1
}

# start_faultsrv NAME [ARGS...]: starts tests/pipe/faultsrv.py (a server
# that misbehaves by path) on a free port of 127.0.0.1; sets FS_PID and
# FS_PORT.  Its counts go to $TMP/NAME.counts at SIGTERM (fs_count).
start_faultsrv() {
	local name=$1 i
	shift
	rm -f "$TMP/$name.port" "$TMP/$name.counts"
	python3 "$LT_TOP/tests/pipe/faultsrv.py" --port-file "$TMP/$name.port" \
	    --counts "$TMP/$name.counts" "$@" 2>"$TMP/$name.err" &
	FS_PID=$!
	track_pid "$FS_PID"
	for i in $(seq 1 200); do
		if [ -s "$TMP/$name.port" ]; then
			FS_PORT=$(cat "$TMP/$name.port")
			return 0
		fi
		sleep 0.05
	done
	echo "# fault server did not start: $(cat "$TMP/$name.err")"
	return 1
}

# fs_count NAME PID KEY: stops the fault server PID (unless it is gone)
# and prints its count for KEY (a path, or auth:PATH).
fs_count() {
	kill "$2" 2>/dev/null
	wait "$2" 2>/dev/null
	jq -r --arg k "$3" '.[$k] // 0' "$TMP/$1.counts" 2>/dev/null || echo 0
}

# target_count PATH: stops the target started by start_target and prints
# how many requests it counted for PATH.
target_count() {
	local st i
	kill "$TARGET_PID"
	wait "$TARGET_PID" 2>/dev/null
	st=$?
	# Called as $(target_count ...), this is a subshell: wait cannot wait
	# for its parent's child and returns at once (127).  Poll until the
	# target has written its counts or is gone (a zombie has written).
	for i in $(seq 1 400); do
		[ -s "$TMP/target.out" ] && break
		kill -0 "$TARGET_PID" 2>/dev/null || break
		case $(ps -o stat= -p "$TARGET_PID" 2>/dev/null) in Z*) break ;; esac
		sleep 0.05
	done
	if [ ! -s "$TMP/target.out" ]; then
		# say why on the TAP stream: the check that follows fails
		echo "# target: no counts (exit status $st): $(tr '\n' ' ' <"$TMP/target.err" | cut -c1-400)" >&2
	fi
	jq -r --arg p "$1" '.paths[$p] // 0' "$TMP/target.out"
}

# netns_usable: whether a network namespace can be made and a process run
# in it (ip netns add, then exec).  `ip netns add` alone proves nothing: in
# a root whose / is not a mount point it works but `ip netns exec` fails on
# "mount --make-rslave /".  A test needing namespaces probes with this and
# skips with $NETNS_WHY as the reason when it fails.
netns_usable() {
	local ns=lt-probe-$$-$RANDOM
	NETNS_WHY=
	if ! command -v ip >/dev/null 2>&1; then
		NETNS_WHY="ip (iproute2) not installed"
		return 1
	fi
	if [ "$(id -u)" != 0 ]; then
		NETNS_WHY="network namespaces need root"
		return 1
	fi
	if ! ip netns add "$ns" 2>"$TMP/netns.err"; then
		NETNS_WHY="ip netns add failed: $(head -n 1 "$TMP/netns.err")"
		return 1
	fi
	if ! ip netns exec "$ns" ip link set lo up 2>"$TMP/netns.err"; then
		NETNS_WHY="ip netns exec failed: $(head -n 1 "$TMP/netns.err")"
		ip netns del "$ns" 2>/dev/null
		return 1
	fi
	ip netns del "$ns"
}

# nreq FILE: the number of req events in FILE.
nreq() { grep -c '"type":"req"' "$1"; }

# per_worker FILE: req events per "worker" tag in FILE, as "0:30 1:30 ".
per_worker() {
	jq -r 'select(.type == "req") | .worker' "$1" | sort | uniq -c |
	    awk '{ printf "%s:%s ", $2, $1 }'
}

# free_port: a TCP port on 127.0.0.1 that was free a moment ago.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# tls_site: a self-signed certificate ($TMP/cert.pem, $TMP/key.pem for
# CN localhost), a document root $TMP/www with index.html, and a free
# port in $port, for the tests that start nginx with TLS.
tls_site() {
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" \
	    -out "$TMP/cert.pem" -days 1 -subj /CN=localhost >/dev/null 2>&1
	mkdir -p "$TMP/www"
	echo hello >"$TMP/www/index.html"
	chmod 755 "$TMP" "$TMP/www"
	port=$(free_port)
}

# start_nginx PROBE_URL: writes $TMP/nginx.conf, the lines of its http
# block read from standard input (log formats, servers) inside what every
# test's nginx needs (no daemon, its pid, error log and temporary paths
# under $TMP), starts nginx and waits until PROBE_URL answers.
start_nginx() {
	local probe=$1 i
	{
		cat <<CONF
daemon off;
worker_processes 1;
pid $TMP/nginx.pid;
error_log $TMP/error.log;
events { worker_connections 1024; }
http {
	client_body_temp_path $TMP/body;
	proxy_temp_path $TMP/proxy;
	fastcgi_temp_path $TMP/fastcgi;
	uwsgi_temp_path $TMP/uwsgi;
	scgi_temp_path $TMP/scgi;
CONF
		cat
		echo "}"
	} >"$TMP/nginx.conf"
	nginx -e "$TMP/error.log" -p "$TMP" -c "$TMP/nginx.conf" &
	track_pid $!
	for i in $(seq 1 100); do
		curl -ks -o /dev/null "$probe" && return 0
		sleep 0.05
	done
	echo "# nginx did not answer at $probe: $(tail -n 3 "$TMP/error.log" | tr '\n' ' ')"
	return 1
}

# fanout_cluster WDIR N OUT ARGS...: a coordinator listening on a free port
# of 127.0.0.1 (lt-fanout -q --listen ... --expect-workers N ARGS), its
# events to OUT and its stderr to OUT.err, and N workers started in WDIR,
# worker I with --index I --of N (stderr to OUT.wI.err).  Waits for all:
# CO_RC is the coordinator's exit status, W_RC the first failing worker's,
# else 0.
fanout_cluster() {
	local wdir=$1 n=$2 out=$3 url co i p rc wp=""
	shift 3
	url=tcp://127.0.0.1:$(free_port)
	lt-fanout -q --listen "$url" --expect-workers "$n" \
	    --expect-workers-max-wait 60s "$@" >"$out" 2>"$out.err" &
	co=$!
	track_pid "$co"
	for ((i = 0; i < n; i++)); do
		(cd "$wdir" && exec lt-fanout worker --connect "$url" \
		    --index "$i" --of "$n") 2>"$out.w$i.err" &
		wp="$wp $!"
		track_pid $!
	done
	wait "$co"
	CO_RC=$?
	W_RC=0
	for p in $wp; do
		wait "$p"
		rc=$?
		[ "$W_RC" -eq 0 ] && W_RC=$rc
	done
	return 0
}

# done_testing: prints the plan; the script's exit status tells failure.
done_testing() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}
