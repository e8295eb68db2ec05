#!/usr/bin/env bash
# run_shape.sh - load shapes from a file, a command and a FIFO: the user
# counts follow the stages (users events), rate stages steer the open
# model, and the run ends with the shape ("end", or the command's exit).
. "$(dirname "$0")/../lib.sh"

start_target || exit 1
printf 'user A\n  wait constant 0.05\n  task GET /ok\n' >"$TMP/w.lt"
counts() {
	jq -r 'select(.type == "users") | .count' "$1" | uniq | tr '\n' ' '
}
# follows FILE STAGES: the users counts pass through STAGES in order and
# end with the last (a users event comes with every batch of a ramp, so
# the counts between stages show too).
follows() {
	counts "$1" | awk -v want="$2" 'BEGIN { n = split(want, w, " "); i = 1 }
	    { for (k = 1; k <= NF; k++) if (i <= n && $k == w[i]) i++ }
	    END { exit !(i > n && $NF == w[n]) }'
}

printf '# stages\n0 2 100\n0.5 4 100\n1s 1 100\n1.5 end\n' >"$TMP/stages"
lt-run -q -f "$TMP/w.lt" -H "$TARGET_URL" --shape "$TMP/stages" >"$TMP/f.ev"
check_eq "file: exit 0" "$?" 0
check "file: users follow the stages ($(counts "$TMP/f.ev"))" follows "$TMP/f.ev" "2 4 1 0"
check_eq "file: ended by the shape" \
    "$(tail -n 1 "$TMP/f.ev" | jq -r .reason)" shape

lt-run -q -f "$TMP/w.lt" -H "$TARGET_URL" \
    --shape 'echo 3 100; sleep 0.5; echo 1 100; sleep 0.5' >"$TMP/c.ev"
check "command: users follow its lines ($(counts "$TMP/c.ev"))" follows "$TMP/c.ev" "3 1 0"
check_eq "command: its exit ends the run" \
    "$(tail -n 1 "$TMP/c.ev" | jq -r .reason)" shape

# FIFO: steer a running test.
mkfifo "$TMP/ctl"
lt-run -q -f "$TMP/w.lt" -H "$TARGET_URL" --shape "$TMP/ctl" -t 20s \
    >"$TMP/p.ev" &
pid=$!
track_pid "$pid"
sleep 0.3
echo "5 1000" >"$TMP/ctl"
sleep 0.5
echo "2 1000" >"$TMP/ctl"
sleep 0.5
echo "end" >"$TMP/ctl"
wait "$pid"
check_eq "fifo: exit 0" "$?" 0
check "fifo: users follow the writes ($(counts "$TMP/p.ev"))" follows "$TMP/p.ev" "5 2 0"
check_eq "fifo: ended by the shape" \
    "$(tail -n 1 "$TMP/p.ev" | jq -r .reason)" shape

# Rate stages in the open model.
printf '0 rate 100\n1 rate 300\n2 end\n' >"$TMP/rates"
lt-run -q -f "$TMP/w.lt" -H "$TARGET_URL" --rate 100 -u 50 \
    --shape "$TMP/rates" >"$TMP/r.ev"
n=$(grep -c '"type":"req"' "$TMP/r.ev")
check "rate stages: ~100 + ~300 iterations ($n)" \
    awk -v n="$n" 'BEGIN { exit !(n >= 370 && n <= 430) }'

lt-run -q -f "$TMP/w.lt" -H "$TARGET_URL" --shape 'echo 2 100; sleep 0.3; exit 4' \
    >"$TMP/x.ev" 2>"$TMP/err"
check_eq "failing shape command: status 3" "$?" 3
check "failing shape command: message" \
    grep -q "shape command exited with status 4" "$TMP/err"
check_eq "failing shape command: run end reason error" \
    "$(tail -n 1 "$TMP/x.ev" | jq -r .reason)" error

printf '0 2 100\n' >"$TMP/noend"
lt-run -q -f "$TMP/w.lt" -H "$TARGET_URL" --shape "$TMP/noend" -i 20 \
    >/dev/null 2>"$TMP/err"
check "a shape file without end: a warning" grep -q "no end line" "$TMP/err"

printf '0 2\n1 bogus\n' >"$TMP/bad"
lt-run -q -f "$TMP/w.lt" -H "$TARGET_URL" --shape "$TMP/bad" >/dev/null \
    2>"$TMP/err"
check_eq "bad shape file: status 2" "$?" 2
check "bad shape file: file:line" grep -q "bad:2" "$TMP/err"

done_testing
