#!/usr/bin/env bash
# bench/llm.sh - lt-run holding many concurrent streamed answers against
# lt-target's OpenAI-compatible endpoint, beside a Python asyncio client
# (aiohttp, bench/llm_client.py) doing the same work.
#
# BENCH_STREAMS (1000) users each ask for a chat completion of
# BENCH_TOKENS (100) tokens, 50 ms apart after a TTFT of 100 ms, with
# usage, BENCH_REQS (2 x streams) requests in all; lt-run measures each
# stream token by token (`stream openai`), the Python client parses
# every event with json.loads and times it.  The client runs on CPU 0,
# the target on CPU 1.  Reported: tokens received, CPU time (user+sys)
# per received token, peak RSS, and for lt-run the memory per stream:
# (peak RSS at BENCH_STREAMS streams - peak RSS at 10) / (streams - 10).
#
# Environment: LT_BIN, LT_TARGET, BENCH_STREAMS, BENCH_TOKENS, BENCH_REQS.
set -u

. "$(dirname "$0")/lib.sh"
bench_init llm
bindir=${LT_BIN:-$top/bin}
target=${LT_TARGET:-$top/build/lt-target}
streams=${BENCH_STREAMS:-1000}
tokens=${BENCH_TOKENS:-100}
reqs=${BENCH_REQS:-$((2 * streams))}
need_tools taskset curl python3 /usr/bin/time
[ -x "$target" ] || bench_fail "$target not built"
[ -x "$bindir/lt-run" ] || bench_fail "lt-run not built"
ulimit -n "$(ulimit -Hn)" 2>/dev/null
start_lt_target "$target"
q="ttft=100&itl=50&tokens=$tokens"
url="http://127.0.0.1:$lt_port/v1/chat/completions?$q"

cat >"$tmp/llm.lt" <<LT
user Bench
  task POST /v1/chat/completions?$q name chat
    json {"model": "bench", "stream": true, "stream_options": {"include_usage": true}, "messages": [{"role": "user", "content": "one two three"}]}
    stream openai timeout 30s
LT

# run_lt USERS REQUESTS: prints "tokens cpu_s rss_kb failures"
run_lt() {
	/usr/bin/time -f '%U %S %M' -o "$tmp/time" taskset -c 0 \
	    "$bindir/lt-run" -q -f "$tmp/llm.lt" -H "http://127.0.0.1:$lt_port" \
	    -u "$1" -r 100000 -i "$2" -o "$tmp/ev.ndjson" || return 1
	local tok fail
	tok=$(grep -o '"output_tokens":[0-9]*' "$tmp/ev.ndjson" | cut -d: -f2 |
	    awk '{ s += $1 } END { print s + 0 }')
	fail=$(grep -c '"ok":false' "$tmp/ev.ndjson")
	echo "$tok $(awk '{ print $1 + $2, $3 }' "$tmp/time") $fail"
}

echo "$streams concurrent streams of $tokens tokens (50 ms apart), $reqs requests"
read -r lt_tok lt_cpu lt_rss lt_fail <<<"$(run_lt "$streams" "$reqs")"
read -r _ _ small_rss _ <<<"$(run_lt 10 10)"
printf '%-22s %10s %12s %14s %10s %8s\n' client tokens "cpu (s)" "cpu/token (us)" "rss (MB)" failed
printf '%-22s %10d %12.2f %14.2f %10.1f %8d\n' lt-run "$lt_tok" "$lt_cpu" \
    "$(awk -v c="$lt_cpu" -v t="$lt_tok" 'BEGIN { print t ? c * 1e6 / t : 0 }')" \
    "$(awk -v r="$lt_rss" 'BEGIN { print r / 1024 }')" "$lt_fail"
# Debian's aiohttp lives in the system Python, whatever python3 is first
# in PATH.
py=/usr/bin/python3
[ -x "$py" ] || py=python3
if "$py" -c 'import aiohttp' 2>/dev/null; then
	out=$(/usr/bin/time -f '%U %S %M' -o "$tmp/time" taskset -c 0 \
	    "$py" "$top/bench/llm_client.py" "$url" "$streams" "$reqs")
	read -r _ py_tok py_fail <<<"$out"
	read -r py_cpu py_rss <<<"$(awk '{ print $1 + $2, $3 }' "$tmp/time")"
	printf '%-22s %10d %12.2f %14.2f %10.1f %8d\n' "python aiohttp" \
	    "$py_tok" "$py_cpu" \
	    "$(awk -v c="$py_cpu" -v t="$py_tok" 'BEGIN { print t ? c * 1e6 / t : 0 }')" \
	    "$(awk -v r="$py_rss" 'BEGIN { print r / 1024 }')" "$py_fail"
	awk -v a="$lt_cpu" -v b="$lt_tok" -v c="$py_cpu" -v d="$py_tok" \
	    'BEGIN { if (a > 0 && b > 0 && d > 0)
		printf "python/lt-run CPU per token: %.1fx\n", (c / d) / (a / b) }'
else
	echo "python aiohttp: skipped (python3-aiohttp not installed)"
fi
awk -v a="$lt_rss" -v b="$small_rss" -v n="$streams" 'BEGIN {
	printf "lt-run memory per stream: %.1f KB ((%d - %d KB) / %d)\n",
	    (a - b) / (n - 10), a, b, n - 10 }'
