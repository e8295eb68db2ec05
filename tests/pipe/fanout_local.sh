#!/usr/bin/env bash
# fanout_local.sh - lt-fanout -w N against lt-target: one worker counts
# like lt-run; N workers split -u, -i and fixed counts exactly, keep class
# proportions, fire exactly lt-run's open-model schedule between them, and
# the merged stream's requests equal the target's own counts.
. "$(dirname "$0")/../lib.sh"
# spools, sockets and private directories of lt-fanout stay in $TMP
export TMPDIR=$TMP

start_target || exit 1
printf 'user A\n  task GET /ok\n' >"$TMP/s.lt"

lt-run -q -f "$TMP/s.lt" -H "$TARGET_URL" -u 3 -r 100 -i 40 --seed 5 >"$TMP/r.ev"
lt-fanout -q -w 1 -f "$TMP/s.lt" -H "$TARGET_URL" -u 3 -r 100 -i 40 \
    --seed 5 >"$TMP/f1.ev"
check_eq "exit status 0" "$?" 0
check_eq "1 worker: as many requests as lt-run -i 40" "$(nreq "$TMP/f1.ev")" \
    "$(nreq "$TMP/r.ev")"
check_eq "every event tagged with its worker (or all: run-wide users)" \
    "$(jq -r '.worker' "$TMP/f1.ev" | sort -u | tr '\n' ' ')" "0 all "
check_eq "worker events: joined, started, finished" \
    "$(jq -r 'select(.type == "worker") | .state' "$TMP/f1.ev" | tr '\n' ' ')" \
    "joined started finished "
lt-agg "$TMP/f1.ev" >"$TMP/f1.json" 2>"$TMP/f1.agg"
check_eq "lt-agg takes the merged stream whole" "$?" 0
check_eq "the stream keeps lt-run's run events" \
    "$(jq -r 'select(.type == "run") | .phase' "$TMP/f1.ev" | tr '\n' ' ')" \
    "start end "

# 3 workers, 200 iterations: 67 + 67 + 66.
lt-fanout -q -w 3 -f "$TMP/s.lt" -H "$TARGET_URL" -u 7 -r 100 -i 200 \
    >"$TMP/f3.ev"
check_eq "3 workers: exit status 0" "$?" 0
check_eq "3 workers: -i 200 gives 200 requests" "$(nreq "$TMP/f3.ev")" 200
check_eq "-i split 67/67/66 by worker" \
    "$(per_worker "$TMP/f3.ev")" "0:67 1:67 2:66 "
check_eq "user ids unique across workers" \
    "$(jq -r 'select(.type == "req") | "\(.worker) \(.user)"' "$TMP/f3.ev" \
    | sort -u | awk '{ print $2 }' | sort | uniq -d | wc -l)" 0

# Classes: weights 3:1 and a fixed count of 3 over 4 workers.
cat >"$TMP/c.lt" <<'LT'
user A weight 3
  task GET /ok?c=a
user B weight 1
  task GET /ok?c=b
user F count 3
  task GET /ok?c=f
LT
lt-fanout -q -w 4 -f "$TMP/c.lt" -H "$TARGET_URL" -u 11 -r 1000 -t 2s \
    --seed 9 >"$TMP/c.ev"
check_eq "classes over 4 workers: fixed 3, then 6:2 for weights 3:1" \
    "$(jq -s -r '[.[] | select(.type == "users" and .worker != "all")]
	| group_by(.worker) | map(max_by(.count) | .classes)
	| reduce .[] as $c ({}; .A += $c.A | .B += $c.B | .F += $c.F)
	| "\(.F) \(.A) \(.B)"' "$TMP/c.ev")" "3 6 2"
check_eq "run-wide users events (worker \"all\") sum the workers" \
    "$(jq -s -r '[.[] | select(.type == "users" and .worker == "all")]
	| max_by(.count) | "\(.count) \(.classes.F) \(.classes.A) \(.classes.B)"' "$TMP/c.ev")" \
    "11 3 6 2"
lt-agg "$TMP/c.ev" >"$TMP/c.json"
check_eq "lt-agg reads the merged stream: its users peak is the run's" \
    "$(jq -r '[.timeline[]?.users // empty] | max' "$TMP/c.json")" 11
lt-run -q -f "$TMP/c.lt" -H "$TARGET_URL" -u 11 -r 1000 -t 1s --seed 9 \
    >"$TMP/c1.ev"
check_eq "-u 11 split 3/3/3/2 (peak users event per worker)" \
    "$(jq -s -r '[.[] | select(.type == "users" and .worker != "all")]
	| group_by(.worker) | map("\(.[0].worker):\(map(.count) | max)")
	| join(" ")' "$TMP/c.ev")" \
    "0:3 1:3 2:3 3:2"
check_eq "lt-run alone has the same class counts" \
    "$(jq -s -r '[.[] | select(.type == "users")] | max_by(.count) | .classes
	| "\(.F) \(.A) \(.B)"' "$TMP/c1.ev")" "3 6 2"

# Open model: the union of the workers' arrivals is lt-run's schedule.
# A worker's first arrival is its stripe I of N; its later ones are at
# multiples of N / rate after it, so arrival number = I + N * round((ts -
# first) * rate / N); the distance to that grid is checked separately.
sched() { # FILE RATE WORKERS: the arrival numbers, one per line, sorted
	jq -s -r --argjson r "$2" --argjson n "$3" '
	    [.[] | select(.type == "req")] | group_by(.worker // 0) | .[]
	    | (map(.ts) | min) as $f | .[]
	    | (.worker // 0) + $n * ((.ts - $f) * $r / $n | round)' "$1" | sort -n
}
offgrid() { # FILE RATE WORKERS: arrivals more than 1/4 period off the grid
	jq -s -r --argjson r "$2" --argjson n "$3" '
	    [.[] | select(.type == "req")] | group_by(.worker // 0) | .[]
	    | (map(.ts) | min) as $f | .[]
	    | ((.ts - $f) * $r / $n) as $x
	    | select(($x - ($x | round)) | fabs > 0.25 / $n)' "$1" | wc -l
}
# A pool of 60 users for 60 arrivals: none is ever dropped for want of
# an idle user, however slow the machine.
lt-run -q -f "$TMP/s.lt" -H "$TARGET_URL" --rate 40 -u 60 -i 60 >"$TMP/o1.ev"
lt-fanout -q -w 3 -f "$TMP/s.lt" -H "$TARGET_URL" --rate 40 -u 60 -i 60 \
    >"$TMP/o3.ev"
sched "$TMP/o1.ev" 40 1 >"$TMP/o1.k"
sched "$TMP/o3.ev" 40 3 >"$TMP/o3.k"
check_eq "open model: lt-run fires arrivals 0..59" \
    "$(tr '\n' ' ' <"$TMP/o1.k")" "$(seq 0 59 | tr '\n' ' ')"
check "open model: 3 workers fire the same arrivals, none twice" \
    cmp -s "$TMP/o1.k" "$TMP/o3.k"
check_eq "each worker fires every 3rd arrival: on a 75 ms grid" \
    "$(offgrid "$TMP/o3.ev" 40 3)" 0
d=$(jq -s -r '[.[] | select(.type == "req")] | group_by(.worker)
	| map(map(.ts) | min) | (.[1] - .[0]) * 1000 | round' "$TMP/o3.ev")
check "worker 1's first arrival ${d} ms after worker 0's (25 ms; the start barrier allows 0..100)" \
    test "$d" -ge 0 -a "$d" -le 100

# Poisson arrivals: every worker draws lt-run's gaps (same --seed) and
# fires its stripe, so worker I's arrivals, relative to its first, are
# lt-run's arrivals I, I+3, ... relative to arrival I (to 1 ms).
lt-run -q -f "$TMP/s.lt" -H "$TARGET_URL" --rate 40 --arrival poisson \
    -u 60 -i 60 --seed 7 >"$TMP/p1.ev"
lt-fanout -q -w 3 -f "$TMP/s.lt" -H "$TARGET_URL" --rate 40 \
    --arrival poisson -u 60 -i 60 --seed 7 >"$TMP/p3.ev"
rel() { # FILE WORKERS: "stripe ms" per arrival, relative to the stripe's first
	jq -s -r --argjson n "$2" '
	    [.[] | select(.type == "req")]
	    | if $n == 1 then sort_by(.ts) | to_entries
		| map({w: (.key % 3), ts: .value.ts}) else map({w: .worker, ts})
	      end
	    | group_by(.w) | .[] | (map(.ts) | min) as $f | .[]
	    | "\(.w) \((.ts - $f) * 1000)"' "$1" | sort -k1,1n -k2,2g
}
rel "$TMP/p1.ev" 1 >"$TMP/p1.k"
rel "$TMP/p3.ev" 3 >"$TMP/p3.k"
check_eq "poisson: lt-run fires 60 arrivals" "$(wc -l <"$TMP/p1.k")" 60
check_eq "poisson: 3 workers fire 60 arrivals" "$(wc -l <"$TMP/p3.k")" 60
check_eq "poisson: each worker's arrivals are lt-run's every 3rd (1 ms)" \
    "$(paste -d ' ' "$TMP/p1.k" "$TMP/p3.k" | awk '$1 != $3 ||
	$2 - $4 > 1 || $4 - $2 > 1' | wc -l)" 0
check "poisson: the gaps are not constant (25 ms apart)" \
    test "$(awk '{ print int($2 / 75 + 0.5) * 75 - $2 }' "$TMP/p1.k" \
	| awk '$1 > 5 || $1 < -5' | wc -l)" -gt 10

# A closed event output stops the run, as with lt-run: exit 0.
lt-fanout -w 2 -f "$TMP/s.lt" -H "$TARGET_URL" -u 2 -t 60s 2>"$TMP/h.err" \
    | head -n 3 >/dev/null
check_eq "| head: the run stops, exit 0" "${PIPESTATUS[0]}" 0
check "| head: the summary says why" grep -q 'stopped (event output closed)' "$TMP/h.err"

# An event output that fails (a full disk) ends the run: exit 3, the
# cause said, and within bounds (nng_close of NNG 1.5.2 once hung here in
# about one run in fifteen; lt-fanout gives up on it after 5 s).
for i in 1 2 3; do
	timeout -k 5 40 lt-fanout -w 2 -u 10 -r 100 --exec true -o /dev/full \
	    2>"$TMP/full.err" >/dev/null
	echo "$?"
done >"$TMP/full.rc"
check_eq "-o /dev/full: exit 3 each time, none hung" \
    "$(tr '\n' ' ' <"$TMP/full.rc")" "3 3 3 "
check "-o /dev/full: the cause is said" \
    grep -q 'lt-fanout: event output: No space left on device' "$TMP/full.err"

# A scenario that cannot load: exit 2 with its file and line, and the
# -o file is left as it was (the run never started).
printf 'keep me\n' >"$TMP/keep.ev"
printf 'user A\n  task GET /x\n  bogus line\n' >"$TMP/bad.lt"
lt-fanout -w 2 -f "$TMP/bad.lt" -H "$TARGET_URL" -o "$TMP/keep.ev" 2>"$TMP/bad.err"
check_eq "a bad scenario: exit 2" "$?" 2
check "a bad scenario: named with its line" grep -q 'bad.lt:3:3: expected a task' "$TMP/bad.err"
check_eq "a bad scenario: the -o file is untouched" "$(cat "$TMP/keep.ev")" "keep me"
lt-fanout -w 2 -f "$TMP/nosuch.lt" -H "$TARGET_URL" -o "$TMP/keep.ev" 2>/dev/null
check_eq "a missing scenario: exit 2, the -o file untouched" \
    "$? $(cat "$TMP/keep.ev")" "2 keep me"

# --exec: any command writing events; it sees its segment.
lt-fanout -q -w 2 --exec 'printf "{\"type\":\"note\",\"seg\":\"%s\"}\n" "$LT_SEGMENT"' \
    >"$TMP/x.ev"
check_eq "--exec runs the command in each worker with LT_SEGMENT" \
    "$(jq -r 'select(.type == "note") | "\(.worker)=\(.seg)"' "$TMP/x.ev" | sort | tr '\n' ' ')" \
    "0=0/2 1=1/2 "
lt-fanout -q -w 2 --exec 'exit 1' >/dev/null
check_eq "exit status is the workers' worst" "$?" 1
lt-fanout -w 2 -u 3 2>"$TMP/u.err" >/dev/null
check_eq "no scenario: usage error" "$?" 2
lt-fanout -w 2 -f "$TMP/s.lt" --segment 0/2 2>/dev/null >/dev/null
check_eq "--segment is lt-fanout's: usage error" "$?" 2
check_eq "no spool, socket or private directory left behind" \
    "$(ls -d "$TMP"/lt-fanout* 2>/dev/null)" ""
done_testing
