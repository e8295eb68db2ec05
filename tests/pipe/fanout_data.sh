#!/usr/bin/env bash
# fanout_data.sh - a scenario's data file is shipped to cluster workers
# (and its include and body @file files)
# with it (content hash checked) and its rows are dealt out over the
# workers: no row used twice, and together the rows one lt-run uses.
. "$(dirname "$0")/../lib.sh"
export TMPDIR=$TMP

# ids: the path of each request is /id/ID, so the target counts each id
ids() { # FILE: "ID COUNT" of the target's counts, sorted
	jq -r '.paths | to_entries[] | select(.key | startswith("/id/"))
	    | "\(.key[4:]) \(.value)"' "$1" | sort
}
stop_target() {
	kill "$TARGET_PID"
	wait "$TARGET_PID" 2>/dev/null
}
mkdir -p "$TMP/coord/data" "$TMP/w"
seq -f 'u%04g' 1 500 >"$TMP/coord/data/ids.txt"
cat >"$TMP/coord/s.lt" <<'LT'
data ids data/ids.txt
user A
  task GET /id/${data ids}
LT

start_target || exit 1
lt-run -q -f "$TMP/coord/s.lt" -H "$TARGET_URL" -u 5 -r 100 -i 200 \
    >/dev/null
stop_target
ids "$TMP/target.out" >"$TMP/one.ids"
check_eq "lt-run -i 200 uses 200 ids" "$(wc -l <"$TMP/one.ids")" 200
check_eq "lt-run: ids u0001..u0200, each once" \
    "$(awk '{ print $1 }' "$TMP/one.ids" | md5sum)" \
    "$(seq -f 'u%04g' 1 200 | md5sum)"

# Cluster: 3 workers that cannot see the data file; it is shipped.
start_target || exit 1
fanout_cluster "$TMP/w" 3 "$TMP/c.ev" -f "$TMP/coord/s.lt" \
    -H "$TARGET_URL" -u 5 -r 100 -i 200
check_eq "3 workers over tcp: exit 0" "$CO_RC" 0
check_eq "workers: exit 0" "$W_RC" 0
stop_target
ids "$TMP/target.out" >"$TMP/three.ids"
check_eq "3 workers: no id used twice" \
    "$(awk '$2 != 1' "$TMP/three.ids" | wc -l)" 0
check_eq "3 workers: the ids lt-run uses, no more, no fewer" \
    "$(md5sum <"$TMP/three.ids")" "$(md5sum <"$TMP/one.ids")"
check_eq "ids dealt by worker: u0001 to 0, u0002 to 1, u0003 to 2" \
    "$(jq -r 'select(.type == "req") | "\(.worker) \(.url)"' "$TMP/c.ev" \
    | sort -k2 | head -3 | awk '{ printf "%s ", $1 }')" "0 1 2 "
check_eq "the workers' private copies are gone" \
    "$(find "$TMP" -path '*lt-fanout-w.*' | wc -l)" 0

# Local workers read the file where it is, and deal it out the same way.
start_target || exit 1
lt-fanout -q -w 2 -f "$TMP/coord/s.lt" -H "$TARGET_URL" -u 4 -r 100 \
    -i 200 >/dev/null
check_eq "-w 2: exit 0" "$?" 0
stop_target
ids "$TMP/target.out" >"$TMP/two.ids"
check_eq "-w 2: the ids lt-run uses, each once" \
    "$(md5sum <"$TMP/two.ids")" "$(md5sum <"$TMP/one.ids")"

# include and body @file files are shipped too: the workers have
# neither; the included file's body (named from its own directory) is
# echoed back by the target, and checked.
mkdir -p "$TMP/coord/inc" "$TMP/w2"
printf '{"marker":"shipped-body-7q"}' >"$TMP/coord/inc/body.json"
cat >"$TMP/coord/inc/tasks.lt" <<'LT'
user B
  task POST /echo
    body @body.json
    expect body contains shipped-body-7q
LT
printf 'include inc/tasks.lt\n' >"$TMP/coord/b.lt"
start_target || exit 1
fanout_cluster "$TMP/w2" 2 "$TMP/b.ev" -f "$TMP/coord/b.lt" \
    -H "$TARGET_URL" -u 2 -r 100 -i 20
check_eq "include + body @file over tcp: exit 0" "$CO_RC" 0
check_eq "workers: exit 0" "$W_RC" 0
check_eq "the target counted 20 POST /echo" "$(target_count /echo)" 20
check_eq "20 requests, each ok (the body echoed holds the marker)" \
    "$(jq -r 'select(.type == "req") | "\(.ok)"' "$TMP/b.ev" \
    | sort | uniq -c | awk '{ print $1, $2 }')" "20 true"
check_eq "both workers sent some" \
    "$(jq -r 'select(.type == "req") | .worker' "$TMP/b.ev" | sort -u \
    | tr '\n' ' ')" "0 1 "
check_eq "the workers' directory holds no copy" \
    "$(find "$TMP/w2" -type f | wc -l)" 0

# An included file outside the scenario's directory cannot be shipped.
printf 'include ../coord/inc/tasks.lt\n' >"$TMP/w/i.lt"
port=$(free_port)
lt-fanout -q --listen "tcp://127.0.0.1:$port" --expect-workers 1 \
    -f "$TMP/w/i.lt" -H "$TARGET_URL" -i 1 >/dev/null 2>"$TMP/i.err"
check_eq "an include outside the scenario's directory: exit 2" "$?" 2
check "and says why" grep -q 'include file.*not under the scenario' \
    "$TMP/i.err"

# A data file outside the scenario's directory cannot be shipped.
seq 1 3 >"$TMP/outside.txt"
printf 'data o ../outside.txt\nuser A\n  task GET /id/${data o}\n' \
    >"$TMP/coord/o.lt"
port=$(free_port)
lt-fanout -q --listen "tcp://127.0.0.1:$port" --expect-workers 1 \
    -f "$TMP/coord/o.lt" -H "$TARGET_URL" -i 1 >/dev/null 2>"$TMP/o.err"
check_eq "a data file outside the scenario's directory: exit 2" "$?" 2
check "and says why" grep -q 'not under the scenario' "$TMP/o.err"

done_testing
