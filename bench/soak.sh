#!/usr/bin/env bash
# bench/soak.sh - lt-run held at a steady rate for a long time: does it
# leak?  lt-target on 127.0.0.1 (CPU 1), lt-run (CPU 0) in the open model
# at SOAK_RATE iterations/s (a fixed offered load, whatever the latency)
# for SOAK_SECONDS, its events written to /dev/null.  Every
# SOAK_INTERVAL seconds lt-run's RSS (VmRSS) and open file descriptors
# are sampled from /proc.  Reported: the table of samples and the growth
# from the baseline (the second sample, after warm-up; the first when
# there are fewer than three) to the last.  Target: flat within 1%
# (exit 1 when RSS or fds grow more).
#
# Environment: LT_BIN, LT_TARGET, SOAK_SECONDS (600), SOAK_RATE (500),
# SOAK_USERS (50, the open model's pool), SOAK_INTERVAL (10).
set -u

. "$(dirname "$0")/lib.sh"
bench_init soak
bindir=${LT_BIN:-$top/bin}
target=${LT_TARGET:-$top/build/lt-target}
secs=${SOAK_SECONDS:-600}
rate=${SOAK_RATE:-500}
users=${SOAK_USERS:-50}
every=${SOAK_INTERVAL:-10}
need_tools taskset awk
[ -x "$target" ] || bench_fail "$target not built"
[ -x "$bindir/lt-run" ] || bench_fail "lt-run not built"

taskset -c 1 "$target" -q -p 0 --port-file "$tmp/port" >/dev/null \
    2>"$tmp/target.err" &
pids="$pids $!"
for _ in $(seq 1 100); do
	[ -s "$tmp/port" ] && break
	sleep 0.05
done
[ -s "$tmp/port" ] || bench_fail "lt-target did not start"
url=http://127.0.0.1:$(cat "$tmp/port")

echo 'GET /' | taskset -c 0 "$bindir/lt-run" -q -f - -H "$url" \
    --rate "$rate" -u "$users" -t "${secs}s" -o /dev/null &
run=$!
pids="$pids $run"

printf '%8s %10s %6s\n' "t_s" "rss_kb" "fds" | tee "$tmp/samples"
t=0
while [ "$t" -lt "$secs" ]; do
	sleep "$every"
	t=$((t + every))
	[ -r "/proc/$run/status" ] || break
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$run/status")
	fds=$(ls "/proc/$run/fd" 2>/dev/null | wc -l)
	[ -n "$rss" ] || break
	printf '%8d %10d %6d\n' "$t" "$rss" "$fds" | tee -a "$tmp/samples"
done
wait "$run"
rc=$?
[ "$rc" -eq 0 ] || bench_fail "lt-run exited $rc"

awk -v rate="$rate" -v secs="$secs" '
NR > 1 { t[++n] = $1; rss[n] = $2; fds[n] = $3 }
END {
	if (n < 2) { print "soak: fewer than 2 samples"; exit 1 }
	b = n >= 3 ? 2 : 1
	gr = (rss[n] - rss[b]) * 100 / rss[b]
	gf = (fds[n] - fds[b]) * 100 / fds[b]
	printf "soak: %d s at %d/s: RSS %d -> %d kB (%+.2f%%), " \
	    "fds %d -> %d (%+.2f%%) from t=%d s\n", secs, rate, rss[b],
	    rss[n], gr, fds[b], fds[n], gf, t[b]
	if (gr > 1 || gf > 1) { print "soak: GROWS (target: within 1%)"; exit 1 }
	print "soak: flat within 1%"
}' "$tmp/samples"
