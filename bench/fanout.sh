#!/usr/bin/env bash
# bench/fanout.sh - lt-fanout's relay capacity and what fanning out buys.
#
# Usage: bench/fanout.sh [N]   (default 1000000 stored events)
# 1. Relay: workers replay a stored event file with --exec 'cat FILE', so
#    the coordinator's events/s (spool, batches, acks, tagging, output)
#    is measured without a load generator, beside `cat FILE | cat`
#    moving the same bytes through a pipe.  1 and 2 workers.
# 2. Load: requests/s against lt-target (GET /ok, 20 users, 5 s) of
#    lt-run, lt-run -j 2, lt-fanout -w 1 and lt-fanout -w 2.
# 3. --ship agg: coordinator CPU at growing request rates (flat).
# Wall seconds, best of three; on a shared 2-core machine the ratios are
# the result.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_init fanout
n=${1:-1000000}
bin=${LT_BIN:-$PWD/bin}
[ -x "$bin/lt-fanout" ] || make -s all
ev=$tmp/events.ndjson
awk -v n="$n" -v seed=1 -v eps=20 -v rate=5000 -v users=1 \
    -f tests/pipe/agg_gen.awk >"$ev"
lines=$(wc -l <"$ev")
bytes=$(wc -c <"$ev")

now() { date +%s.%N; }
wall() { # best of three wall seconds of a command (stdout discarded)
	local i t0 t1 s b=""
	for i in 1 2 3; do
		t0=$(now)
		"$@" >/dev/null
		t1=$(now)
		s=$(awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.3f", a - b }')
		if [ -z "$b" ] || awk -v s="$s" -v b="$b" 'BEGIN { exit !(s < b) }'; then
			b=$s
		fi
	done
	echo "$b"
}
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.2f M", n / s / 1e6 }'; }

pipe_cat() { cat "$ev" | cat >/dev/null; }
# relay N: events/s of N workers replaying the file, from the first
# worker's start to the last one's end (the start barrier left out)
relay() {
	local i r b=""
	for i in 1 2 3; do
		r=$("$bin/lt-fanout" -q -w "$1" --spool-dir "$tmp" \
		    --exec "cat $ev" | grep -F '"type":"worker"' | jq -s -r \
		    '(map(select(.state == "started")) | min_by(.ts).ts) as $a
		    | (map(select(.state == "finished")) | max_by(.ts).ts) as $b
		    | (map(select(.state == "finished")) | map(.events) | add)
		      as $n | "\($n / ($b - $a)) \($b - $a)"')
		if [ -z "$b" ] || awk -v r="${r% *}" -v b="${b% *}" 'BEGIN { exit !(r > b) }'; then
			b=$r
		fi
	done
	echo "$b"
}
t_cat=$(wall pipe_cat)
r1=$(relay 1)
r2=$(relay 2)
echo "relay: $lines events ($((bytes / lines)) bytes each) per worker, best of 3"
echo
echo "| path | s | events/s |"
echo "|---|---:|---:|"
echo "| \`cat FILE | cat\` | $t_cat | $(rate "$lines" "$t_cat") |"
echo "| lt-fanout -w 1 --exec 'cat FILE' | $(printf %.3f "${r1#* }") | $(rate "${r1% *}" 1) |"
echo "| lt-fanout -w 2 --exec 'cat FILE' | $(printf %.3f "${r2#* }") | $(rate "${r2% *}" 1) |"
echo

port=$(free_port)
"$top/build/lt-target" -p "$port" >/dev/null 2>&1 &
pids="$pids $!"
sleep 0.5
printf 'user A\n  task GET /ok\n' >"$tmp/s.lt"
reqs() { # command...: requests/s of its event stream
	local t0 t1 n
	t0=$(now)
	n=$("$@" 2>/dev/null | grep -c '"type":"req"')
	t1=$(now)
	awk -v n="$n" -v a="$t1" -v b="$t0" 'BEGIN { printf "%.0f", n / (a - b) }'
}
args="-q -f $tmp/s.lt -H http://127.0.0.1:$port -u 20 -r 1000 -t 5s"
echo "load: GET /ok, 20 users, 5 s, requests/s over the whole command"
echo
echo "| generator | req/s |"
echo "|---|---:|"
echo "| lt-run | $(reqs "$bin/lt-run" $args) |"
echo "| lt-run -j 2 | $(reqs "$bin/lt-run" -j 2 $args) |"
echo "| lt-fanout -w 1 | $(reqs "$bin/lt-fanout" -w 1 $args) |"
echo "| lt-fanout -w 2 | $(reqs "$bin/lt-fanout" -w 2 $args) |"

# 3. --ship agg: the coordinator's own CPU (utime + stime from
# /proc/PID/stat, its children not counted) for 2 workers at open-model
# rates growing 4x: workers aggregate, the coordinator only keeps each
# worker's latest document, so its CPU should stay flat.
cpu_agg() { # RATE SHIP: "achieved-req/s coordinator-cpu-s"
	local pid st cpu=0 hz out=$tmp/agg.json
	hz=$(getconf CLK_TCK)
	"$bin/lt-fanout" -q -w 2 --ship "$2" -f "$tmp/s.lt" \
	    -H "http://127.0.0.1:$port" -u 50 -r 1000 --rate "$1" -t 5s \
	    >"$out" 2>/dev/null &
	pid=$!
	while st=$(cat "/proc/$pid/stat" 2>/dev/null); do
		# fields after the ")" of comm: utime is the 12th, stime 13th
		cpu=$(echo "${st##*) }" | awk -v hz="$hz" '{ printf "%.2f", ($12 + $13) / hz }')
		sleep 0.1
	done
	wait "$pid" 2>/dev/null
	if [ "$2" = events ]; then
		echo "$(grep -c '"type":"req"' "$out") $cpu"
	else
		echo "$(jq -r '.total.requests' "$out") $cpu"
	fi
}
echo
echo "--ship agg: coordinator CPU, 2 workers, 5 s, open model"
echo
echo "| --rate | requests | coordinator CPU s, --ship agg | --ship events |"
echo "|---:|---:|---:|---:|"
for r in 500 2000 8000; do
	set -- $(cpu_agg "$r" agg) $(cpu_agg "$r" events)
	echo "| $r | $1 | $2 | $4 |"
done
