#!/usr/bin/env bash
# faults.sh - the fault matrix (issue 11 sections 6 and 7): each fault a
# server on 127.0.0.1 can commit, and each local one (refused, bad DNS,
# full disk, closed pipe, signals with -j 2), asserting the error
# category lt-events(5) documents and exactly one event per request,
# counted at the server too where it can count.
. "$(dirname "$0")/../lib.sh"

if ! command -v python3 >/dev/null; then
	skip "fault matrix" "python3 missing"
	done_testing
	exit
fi

# categories FILE: the sorted distinct error categories of req events
# ("ok" for successes).
categories() {
	jq -r 'select(.type=="req") | (.error // "ok") | split(":")[0]' "$1" |
	    sort -u | tr '\n' ' ' | sed 's/ $//'
}

# fault PATH WANT N [LT-RUN ARGS...]: N requests (N users, one iteration
# each) to /PATH of a fresh fault server.
fault() {
	local path=$1 want=$2 n=$3 rc
	shift 3
	start_faultsrv "$path" || return 1
	printf 'GET /%s\n' "$path" |
	    lt-run -q -f - -H "http://127.0.0.1:$FS_PORT" -u "$n" -r 1000 \
	    -i "$n" "$@" >"$TMP/$path.ev" 2>"$TMP/$path.err"
	rc=$?
	check_eq "$path: exit status 0" "$rc" 0
	check_eq "$path: category $want" "$(categories "$TMP/$path.ev")" "$want"
	check_eq "$path: $n events" "$(nreq "$TMP/$path.ev")" "$n"
	check_eq "$path: one event per request the server saw" \
	    "$(nreq "$TMP/$path.ev")" "$(fs_count "$path" "$FS_PID" "/$path")"
}

# Responses libcurl refuses are http (lt-events(5)), not request.
fault garbage http 3
check_eq "garbage: message" \
    "$(jq -r 'select(.type=="req") | .error' "$TMP/garbage.ev" | sort -u)" \
    "http: no HTTP status line (garbage or HTTP/0.9)"
fault http09 http 3
fault bigheader http 3
check_eq "bigheader: not an out-of-memory message" \
    "$(jq -r 'select(.type=="req") | .error' "$TMP/bigheader.ev" | sort -u)" \
    "http: response header too large"
fault bigstatus http 3
fault hugeheaders ok 3
fault stall timeout 3 --timeout 1
fault closehdr reset 3
fault endless timeout 2 --timeout 1
fault slowloris timeout 2 --timeout 1

# The target dies with requests in flight on kept-alive connections:
# each is a reset, not libcurl's silent retry refused.
start_faultsrv die --die-after 4 || exit 1
lt-run -q -f - -H "http://127.0.0.1:$FS_PORT" -u 4 -r 1000 -i 4 \
    >"$TMP/die.ev" <<'LT'
sequence
  GET /ok
  GET /die
LT
check_eq "die: exit status 0" "$?" 0
check_eq "die: 8 events" "$(nreq "$TMP/die.ev")" 8
check_eq "die: the server had all 4 /die requests" \
    "$(fs_count die "$FS_PID" /die)" 4
# The kernel answers a request the dying server never read with a RST
# (libcurl: "Recv failure"), one it had read with a FIN: which one depends
# on timing, the category does not.
check_eq "die: each in-flight request is a reset" \
    "$(jq -r 'select(.type == "req" and (.url | endswith("/die"))) | .error' "$TMP/die.ev" |
        sed 's/:.*//' | sort | uniq -c | sed 's/^ *//')" \
    "4 reset"

# Refused: a port that was just closed.
start_faultsrv closed || exit 1
CLOSED=$FS_PORT
kill "$FS_PID"
wait "$FS_PID" 2>/dev/null
echo 'GET /x' | lt-run -q -f - -H "http://127.0.0.1:$CLOSED" -i 3 \
    >"$TMP/refused.ev"
check_eq "refused: exit status 0" "$?" 0
check_eq "refused: category connect" "$(categories "$TMP/refused.ev")" connect
check_eq "refused: 3 events" "$(nreq "$TMP/refused.ev")" 3

# Bad DNS (a name that fails locally, no query leaves the machine): as
# -H it stops the run before -o is opened, so an existing file keeps its
# bytes; as an absolute URL it fails each request with dns.
printf '{"keep":"me"}\n' >"$TMP/keep.ndjson"
cp "$TMP/keep.ndjson" "$TMP/keep.orig"
echo 'GET /' | lt-run -q -f - -H 'http://nosuch..invalid:1' \
    -o "$TMP/keep.ndjson" -i 1 2>"$TMP/dns.err"
check_eq "bad DNS -H: exit status 3" "$?" 3
check "bad DNS -H: -o file unchanged" cmp -s "$TMP/keep.ndjson" \
    "$TMP/keep.orig"
check "bad DNS -H: says why" grep -q "cannot resolve nosuch..invalid" \
    "$TMP/dns.err"
echo 'GET http://nosuch..invalid:1/x' |
    lt-run -q -f - -H "http://127.0.0.1:$CLOSED" -i 2 >"$TMP/dns.ev"
check_eq "bad DNS URL: category dns" "$(categories "$TMP/dns.ev")" dns
check_eq "bad DNS URL: 2 events" "$(nreq "$TMP/dns.ev")" 2

# Full disk: the write error ends the run, exit 3, no crash.
if [ -w /dev/full ]; then
	start_target || exit 1
	echo 'GET /ok' | lt-run -q -f - -H "$TARGET_URL" -u 2 -r 100 -t 5s \
	    -o /dev/full 2>"$TMP/full.err"
	check_eq "full disk: exit status 3" "$?" 3
	check "full disk: says so" grep -q "No space left" "$TMP/full.err"
	kill "$TARGET_PID"
else
	skip "full disk" "no writable /dev/full"
fi

# Closed pipe: the run ends at once, exit 0.
start_target || exit 1
SECONDS=0
echo 'GET /ok' | lt-run -q -f - -H "$TARGET_URL" -t 60s | head -n 1 \
    >/dev/null
check_eq "closed pipe: exit status 0" "${PIPESTATUS[1]}" 0
check "closed pipe: ended long before -t" test "$SECONDS" -lt 30

# Signals with -j 2: one event per request the target saw.
for sig in INT TERM; do
	start_target || exit 1
	lt-run -q -j 2 -f - -H "$TARGET_URL" -u 20 -r 1000 \
	    >"$TMP/sig$sig.ev" <<-'LT' &
	GET /delay?ms=50
	LT
	pid=$!
	track_pid "$pid"
	sleep 1.5
	kill -"$sig" "$pid"
	wait "$pid"
	check_eq "SIG$sig -j 2: exit status 0" "$?" 0
	check_eq "SIG$sig -j 2: one event per request the target saw" \
	    "$(nreq "$TMP/sig$sig.ev")" "$(target_count /delay)"
done

# users events at most every 100 ms per event loop, also at -r 5000
# (the last, written at the end, aside).
start_target || exit 1
echo 'GET /ok' | lt-run -q -f - -H "$TARGET_URL" -u 500 -r 5000 -t 1s \
    >"$TMP/users.ev"
jq -r 'select(.type=="users") | .ts' "$TMP/users.ev" | sed '$d' >"$TMP/uts"
check "users: at least 2 events" test "$(wc -l <"$TMP/uts")" -ge 2
check_eq "users: none within 90 ms of the previous" \
    "$(awk 'NR > 1 && $1 - p < 0.09 { n++ } { p = $1 } END { print n + 0 }' \
        "$TMP/uts")" 0
check_eq "users: the last one says 0 users are left" \
    "$(jq -r 'select(.type=="users") | .count' "$TMP/users.ev" | tail -n 1)" 0
kill "$TARGET_PID"
done_testing
