#!/usr/bin/env bash
# bench/lt-run.sh - lt-run against wrk and Locust (FastHttpUser).
#
# Part 1, per server (nginx, then lt-target), the same load three ways:
# 50 connections/users, keep-alive, no think time, GET /, for
# BENCH_SECONDS: `wrk -t1 -c50`, `lt-run -u 50` writing every event to a
# file, and `locust --headless -u 50 -r 50` with bench/locustfile.py.
# The generator runs on CPU 0, the server on CPU 1 (taskset).  Reported:
# requests completed, requests/s, CPU time (user+sys from /usr/bin/time)
# per request, median latency, and ratios to wrk.
#
# Part 2: 10,000 users with think time `between 1 2` against nginx (an
# offered load of about 6,700 requests/s): lt-run's peak RSS per user
# (peak RSS at 10,000 users minus peak RSS at 10 users, divided by the
# difference), and the achieved rate against the offered one; Locust's
# RSS per user at BENCH_LOCUST_USERS (1000) users for comparison.
#
# Part 1 runs BENCH_ROUNDS times, the three tools in turn each round, so
# each ratio compares runs made seconds apart, and the table gives medians:
# one run on this shared VM can be off by a third.
#
# Environment: LT_BIN, LT_TARGET, BENCH_SECONDS (10), BENCH_ROUNDS (3),
# BENCH_MANY (10000),
# BENCH_LOCUST_USERS (1000; 0 skips Locust in part 2), BENCH_SKIP_LOCUST.
set -u

. "$(dirname "$0")/lib.sh"
bench_init run
bindir=${LT_BIN:-$top/bin}
target=${LT_TARGET:-$top/build/lt-target}
secs=${BENCH_SECONDS:-10}
rounds=${BENCH_ROUNDS:-3}
many=${BENCH_MANY:-10000}
lusers=${BENCH_LOCUST_USERS:-1000}
need_tools wrk nginx taskset curl python3 /usr/bin/time
[ -x "$target" ] || bench_fail "$target not built"
[ -x "$bindir/lt-run" ] || bench_fail "lt-run not built"
have_locust=1
command -v locust >/dev/null 2>&1 || have_locust=0
[ -z "${BENCH_SKIP_LOCUST:-}" ] || have_locust=0
ulimit -n "$(ulimit -Hn)" 2>/dev/null

# --- servers --------------------------------------------------------
start_lt_target "$target"
start_nginx 25000 "worker_rlimit_nofile 30000;" "keepalive_timeout 120s;" \
    " backlog=16384"

cat >"$tmp/bench.lt" <<'LT'
user Bench
  task GET /
LT
cat >"$tmp/think.lt" <<'LT'
user Bench
  wait between 1 2
  task GET /
LT

# to_ms VALUE-WITH-UNIT (wrk prints 1.23ms, 812.00us, 1.01s)
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0
		if (v ~ /us$/) n /= 1000
		else if (v ~ /ms$/) n = n
		else if (v ~ /s$/) n *= 1000
		printf "%.3f", n
	}'
}

# cpu FILE: user+sys seconds written by /usr/bin/time -f '%U %S %M'
cpu() { awk '{ print $1 + $2 }' "$1"; }
rss_kb() { awk '{ print $3 }' "$1"; }

# Results: one line per run in $tmp/results: server tool reqs secs cpu med
run_wrk() {
	local url=$1 name=$2 out
	out=$(/usr/bin/time -f '%U %S %M' -o "$tmp/time" taskset -c 0 \
	    wrk -t1 -c50 -d"${secs}s" --latency "$url" 2>&1)
	local reqs med
	reqs=$(echo "$out" | awk '/requests in/ { print $1 }')
	med=$(to_ms "$(echo "$out" | awk '$1 == "50%" { print $2 }')")
	echo "$round $name wrk $reqs $secs $(cpu "$tmp/time") $med" >>"$tmp/results"
}

run_lt() {
	local url=$1 name=$2 reqs med
	/usr/bin/time -f '%U %S %M' -o "$tmp/time" taskset -c 0 \
	    "$bindir/lt-run" -q -f "$tmp/bench.lt" -H "$url" -u 50 -r 1000 \
	    -t "${secs}s" -o "$tmp/ev.ndjson" || return
	reqs=$(grep -c '"type":"req"' "$tmp/ev.ndjson")
	med=$(grep -o '"latency_ms":[0-9.]*' "$tmp/ev.ndjson" | cut -d: -f2 \
	    | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	echo "$round $name lt-run $reqs $secs $(cpu "$tmp/time") $med" >>"$tmp/results"
}

run_locust() {
	local url=$1 name=$2 reqs med
	[ "$have_locust" = 1 ] || return 0
	(cd "$tmp" && /usr/bin/time -f '%U %S %M' -o "$tmp/time" taskset -c 0 \
	    locust -f "$top/bench/locustfile.py" --headless -u 50 -r 50 \
	    -t "${secs}s" -H "$url" --csv "$tmp/loc" --only-summary \
	    >/dev/null 2>&1)
	read -r reqs med < <(python3 - "$tmp/loc_stats.csv" <<'PY'
import csv, sys
for row in csv.DictReader(open(sys.argv[1])):
    if row["Name"] == "Aggregated":
        print(row["Request Count"], row["Median Response Time"])
PY
)
	echo "$round $name locust ${reqs:-0} $secs $(cpu "$tmp/time") ${med:-0}" >>"$tmp/results"
}

: >"$tmp/results"
for round in $(seq "$rounds"); do
	for server in nginx lt-target; do
		if [ "$server" = nginx ]; then
			url="http://127.0.0.1:$ng_port/"
		else
			url="http://127.0.0.1:$lt_port/"
		fi
		run_wrk "$url" "$server"
		run_lt "${url%/}" "$server"
		run_locust "${url%/}" "$server"
	done
done

# One line per round and run: round server tool reqs secs cpu med.  The
# table gives each figure's median over the rounds, and each ratio's
# median over the rounds' side-by-side ratios (range in the notes below).
echo "# GET /, 50 connections or users, no think time, ${secs}s x $rounds" \
    "rounds; generator on CPU 0, server on CPU 1; medians"
awk '
function median(list,    a, n, i, j, t) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function range(list,    a, n, i, lo, hi) {
	n = split(list, a, " ")
	lo = hi = a[1]
	for (i = 2; i <= n; i++) {
		if (a[i] + 0 < lo + 0) lo = a[i]
		if (a[i] + 0 > hi + 0) hi = a[i]
	}
	return sprintf("%.2f-%.2f", lo, hi)
}
$4 <= 0 {
	failed[++nf] = sprintf("# round %d: %s against %s completed no " \
	    "request, left out", $1, $3, $2)
	next
}
{
	r = $1; key = $2 SUBSEP $3
	if (!(key in seen)) { seen[key] = 1; order[++n] = key }
	rps[r, key] = $5 ? $4 / $5 : 0
	us[r, key] = $6 * 1e6 / $4
	med[r, key] = $7
	N[key] = N[key] " " $4
	R[key] = R[key] " " rps[r, key]
	U[key] = U[key] " " us[r, key]
	M[key] = M[key] " " $7
	if ($1 > rounds) rounds = $1
}
END {
	printf "%-10s %-7s %9s %9s %10s %8s %8s %8s %8s\n", "server", "tool", \
	    "requests", "req/s", "cpu_us/req", "med_ms", "rps/wrk", \
	    "cpu/wrk", "med/wrk"
	for (i = 1; i <= n; i++) {
		key = order[i]
		split(key, k, SUBSEP)
		w = k[1] SUBSEP "wrk"
		qr = qu = qm = ""
		for (r = 1; r <= rounds; r++) {
			if (!((r, key) in us) || !((r, w) in us))
				continue
			if (rps[r, w] > 0) qr = qr " " rps[r, key] / rps[r, w]
			if (us[r, w] > 0) qu = qu " " us[r, key] / us[r, w]
			if (med[r, w] > 0) qm = qm " " med[r, key] / med[r, w]
		}
		printf "%-10s %-7s %9d %9.0f %10.1f %8.3f %8.2f %8.2f %8.2f\n", \
		    k[1], k[2], median(N[key]), median(R[key]), median(U[key]), \
		    median(M[key]), median(qr), median(qu), median(qm)
		if (k[2] != "wrk")
			note[i] = sprintf("# %s %s over %d rounds: rps/wrk %s, " \
			    "cpu/wrk %s, med/wrk %s", k[1], k[2], split(qu, t, " "), \
			    range(qr), range(qu), range(qm))
		l = k[1] SUBSEP "lt-run"
		if (k[2] == "locust") {
			ql = ""
			for (r = 1; r <= rounds; r++)
				if ((r, key) in us && (r, l) in us)
					ql = ql " " us[r, key] / us[r, l]
			if (ql != "")
				loc[i] = sprintf("# %s: Locust uses %.1fx the CPU per " \
				    "request of lt-run (rounds: %s)", k[1], median(ql), \
				    range(ql))
		}
	}
	for (i = 1; i <= n; i++) {
		if (i in note) print note[i]
		if (i in loc) print loc[i]
	}
	for (i = 1; i <= nf; i++)
		print failed[i]
}' "$tmp/results"

# --- many users -----------------------------------------------------
many_secs=$((secs + 5))
echo
echo "# $many users, wait between 1 2 s (offered ~$((many * 2 / 3)) req/s), ${many_secs}s, nginx"
/usr/bin/time -f '%U %S %M' -o "$tmp/time10" taskset -c 0 \
    "$bindir/lt-run" -q -f "$tmp/think.lt" -H "http://127.0.0.1:$ng_port" \
    -u 10 -r 1000 -t "${many_secs}s" -o /dev/null
/usr/bin/time -f '%U %S %M' -o "$tmp/timeN" taskset -c 0 \
    "$bindir/lt-run" -q -f "$tmp/think.lt" -H "http://127.0.0.1:$ng_port" \
    -u "$many" -r "$many" -t "${many_secs}s" -o "$tmp/many.ndjson" \
    2>"$tmp/many.err"
cat "$tmp/many.err" >&2
m_reqs=$(grep -c '"type":"req"' "$tmp/many.ndjson")
m_fail=$(grep -c '"ok":false' "$tmp/many.ndjson")
rss10=$(rss_kb "$tmp/time10")
rssN=$(rss_kb "$tmp/timeN")
# Steady state: requests between 3 s after the start and 1 s before the end.
steady=$(grep -o '"type":"req","ts":[0-9.]*' "$tmp/many.ndjson" \
    | cut -d: -f3 | sort -n | awk -v d="$many_secs" '
	NR == 1 { t0 = $1 }
	{ t[NR] = $1 }
	END {
		n = 0
		for (i = 1; i <= NR; i++)
			if (t[i] >= t0 + 3 && t[i] < t0 + d - 1) n++
		printf "%.0f", n / (d - 4)
	}')
m_mean=$(grep -o '"latency_ms":[0-9.]*' "$tmp/many.ndjson" | cut -d: -f2 \
    | awk '{ s += $1 } END { printf "%.1f", NR ? s / NR : 0 }')
m_cpu=$(cpu "$tmp/timeN")
printf '%-8s %8s %10s %12s %12s %10s %10s %8s %8s\n' tool users peak_rss_kb \
    kb_per_user offered_rps steady_rps failures mean_ms cpu_s
awk -v u="$many" -v a="$rss10" -v b="$rssN" -v s="$steady" -v f="$m_fail" \
    -v m="$m_mean" -v c="$m_cpu" 'BEGIN {
	printf "%-8s %8d %10d %12.1f %12.0f %10d %10d %8s %8s\n", "lt-run", \
	    u, b, (b - a) / (u - 10), u / 1.5, s, f, m, c
}'
if [ "$have_locust" = 1 ] && [ "$lusers" -gt 0 ]; then
	(cd "$tmp" && LT_BENCH_WAIT=1 /usr/bin/time -f '%U %S %M' \
	    -o "$tmp/timeL1" taskset -c 0 locust -f "$top/bench/locustfile.py" \
	    --headless -u 10 -r 10 -t "${many_secs}s" \
	    -H "http://127.0.0.1:$ng_port" --only-summary >/dev/null 2>&1)
	(cd "$tmp" && LT_BENCH_WAIT=1 /usr/bin/time -f '%U %S %M' \
	    -o "$tmp/timeL" taskset -c 0 locust -f "$top/bench/locustfile.py" \
	    --headless -u "$lusers" -r "$lusers" -t "${many_secs}s" \
	    -H "http://127.0.0.1:$ng_port" --csv "$tmp/locmany" \
	    --only-summary >/dev/null 2>&1)
	l_reqs=$(python3 - "$tmp/locmany_stats.csv" <<'PY'
import csv, sys
for row in csv.DictReader(open(sys.argv[1])):
    if row["Name"] == "Aggregated":
        print(row["Requests/s"])
PY
)
	awk -v u="$lusers" -v a="$(rss_kb "$tmp/timeL1")" \
	    -v b="$(rss_kb "$tmp/timeL")" -v r="${l_reqs:-0}" 'BEGIN {
		printf "%-8s %8d %10d %12.1f %12.0f %10.0f %10s\n", "locust", \
		    u, b, (b - a) / (u - 10), u / 1.5, r, "-"
	}'
fi
