#!/usr/bin/env bash
# fanout_shape.sh - lt-fanout --shape: the shape runs on the coordinator
# and reaches every worker's lt-run (a FIFO) each heartbeat; the workers'
# users follow the steps, split as --segment splits -u, summed over the
# workers to the step.  A file, and a command whose untimed lines arrive
# during the run.
. "$(dirname "$0")/../lib.sh"
export TMPDIR=$TMP

start_target || exit 1
printf 'user A\n  wait constant 0.1\n  task GET /ok\n' >"$TMP/s.lt"
printf '0 4 100\n3 10 100\n6 2 100\n9 end\n' >"$TMP/st.shape"

# at T: the users of WORKER ("all": the run-wide sum) at T seconds after
# the start, from the last users event before it
at() { # FILE WORKER T
	jq -s -r --arg w "$2" --argjson t "$3" '
	    (map(select(.type == "worker" and .state == "started"))
	     | .[0].start_ms / 1000) as $t0
	    | [.[] | select(.type == "users" and "\(.worker)" == $w
	        and .ts <= $t0 + $t)] | last | .count // 0' "$1"
}
steps() { # FILE WORKER: its users at 2, 5 and 8 s
	echo "$(at "$1" "$2" 2) $(at "$1" "$2" 5) $(at "$1" "$2" 8)"
}

lt-fanout -q -w 3 -f "$TMP/s.lt" -H "$TARGET_URL" --shape "$TMP/st.shape" \
    >"$TMP/f.ev" 2>"$TMP/f.err"
check_eq "a stepped shape file over 3 workers: exit 0" "$?" 0
check_eq "run-wide users follow the steps 4, 10, 2" "$(steps "$TMP/f.ev" all)" \
    "4 10 2"
check_eq "worker 0's share: 2, 4, 1" "$(steps "$TMP/f.ev" 0)" "2 4 1"
check_eq "worker 1's share: 1, 3, 1" "$(steps "$TMP/f.ev" 1)" "1 3 1"
check_eq "worker 2's share: 1, 3, 0" "$(steps "$TMP/f.ev" 2)" "1 3 0"
check_eq "every worker's lt-run ended by the shape" \
    "$(jq -r 'select(.type == "run" and .phase == "end") | .reason' \
    "$TMP/f.ev" | sort | uniq -c | awk '{ print $1, $2 }')" "3 shape"
lt-run -q -f "$TMP/s.lt" -H "$TARGET_URL" --shape "$TMP/st.shape" \
    >"$TMP/r.ev"
check_eq "lt-run alone: the same peak" \
    "$(jq -s '[.[] | select(.type == "users") | .count] | max' "$TMP/r.ev")" \
    "$(jq -s '[.[] | select(.type == "users" and .worker == "all")
    | .count] | max' "$TMP/f.ev")"

# A command on the coordinator: untimed lines as they come, its exit
# ends the run.
lt-fanout -q -w 2 -f "$TMP/s.lt" -H "$TARGET_URL" \
    --shape 'echo 3 100; sleep 3; echo 6 100; sleep 3' \
    >"$TMP/c.ev" 2>"$TMP/c.err"
check_eq "a shape command over 2 workers: exit 0" "$?" 0
check_eq "run-wide users 3, then 6" \
    "$(at "$TMP/c.ev" all 2) $(at "$TMP/c.ev" all 5)" "3 6"
check_eq "the command's exit ended both workers' runs" \
    "$(jq -r 'select(.type == "run" and .phase == "end") | .reason' \
    "$TMP/c.ev" | sort | uniq -c | awk '{ print $1, $2 }')" "2 shape"

# Cluster: workers over tcp that have no copy of the shape.
port=$(free_port)
mkdir "$TMP/w"
lt-fanout -q --listen "tcp://127.0.0.1:$port" --expect-workers 2 \
    --expect-workers-max-wait 60s -f "$TMP/s.lt" -H "$TARGET_URL" \
    --shape "$TMP/st.shape" >"$TMP/t.ev" 2>"$TMP/t.err" &
co=$!
track_pid "$co"
for i in 0 1; do
	( cd "$TMP/w" && exec lt-fanout worker \
	    --connect "tcp://127.0.0.1:$port" ) 2>"$TMP/tw$i.err" &
	track_pid $!
done
wait "$co"
check_eq "cluster: exit 0" "$?" 0
check_eq "cluster: run-wide users follow the steps 4, 10, 2" \
    "$(steps "$TMP/t.ev" all)" "4 10 2"

printf '0 4 100\nbogus line\n' >"$TMP/bad.shape"
lt-fanout -q -w 2 -f "$TMP/s.lt" -H "$TARGET_URL" --shape "$TMP/bad.shape" \
    >/dev/null 2>"$TMP/b.err"
check_eq "a bad shape file: exit 2 before any worker starts" "$?" 2
check "and says where" grep -q 'bad.shape:2' "$TMP/b.err"

done_testing
