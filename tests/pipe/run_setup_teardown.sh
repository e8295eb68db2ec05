#!/usr/bin/env bash
# run_setup_teardown.sh - the test's setup and teardown blocks
# (lt-scenario(5); Locust's test_start/test_stop, k6's setup/teardown):
# run once per test, before the users start and after they stopped, also
# with -j 2 and when -t ends the run; what setup saves and sets every user
# and the teardown read.
. "$(dirname "$0")/../lib.sh"

start_target || exit 1
cd "$TMP" || exit 1
cat >s.lt <<LT
host $TARGET_URL
setup
  POST /login json {"user": "admin", "password": "secret"}
    expect status 200
    save token json .token
  set ds ds\${random 1 1000000}
user A
  GET /secure/orders
    auth bearer \${token}
    expect status 200
  GET /d/\${ds}
    name /d
    expect status 404
teardown
  DELETE /cleanup/\${ds}
    expect status 404
LT

lt-run -q -f s.lt -u 4 -r 100 -i 40 --seed 5 >ev 2>err
check_eq "the run: exit 0" "$?" 0
check_eq "no warning" "$(cat err)" ""
jq -c 'select(.type == "req")' ev >req
check_eq "setup ran once, first" "$(head -n 1 req | jq -r '"\(.class) \(.name) \(.user)"')" \
    "setup /login -1"
check_eq "teardown ran once, last" "$(tail -n 1 req | jq -r '"\(.class) \(.method)"')" \
    "teardown DELETE"
check_eq "one setup and one teardown request" \
    "$(jq -r 'select(.class == "setup" or .class == "teardown") | .class' req | sort | tr '\n' ' ')" \
    "setup teardown "
check_eq "every user used the token setup saved (40 iterations, none failed)" \
    "$(jq -r 'select(.class == "A") | .ok' req | sort | uniq -c | awk '{ print $1, $2 }')" \
    "40 true"
ds=$(jq -r 'select(.name == "/d") | .url' req | sed 's|.*/d/||' | sort -u)
check "the users read one value set by setup ($ds)" \
    sh -c "echo '$ds' | grep -Eqx 'ds[0-9]+'"
check_eq "the teardown read it too" \
    "$(jq -r 'select(.class == "teardown") | .url' req | sed 's|.*/cleanup/||')" "$ds"
lt-agg <ev >agg.json
check_eq "lt-agg counts them as requests" "$(jq -r '.total.requests' agg.json)" 42

lt-run -q -f s.lt -u 4 -r 100 -i 40 -j 2 >ev2 2>err
check_eq "-j 2: exit 0" "$?" 0
check_eq "-j 2: setup and teardown once each, all ok" \
    "$(jq -r 'select(.type == "req") | "\(.class) \(.ok)"' ev2 | sort | uniq -c | awk '{ print $1, $2, $3 }' | tr '\n' ' ')" \
    "40 A true 1 setup true 1 teardown true "

lt-run -q -f s.lt -u 2 -r 100 -t 1s >ev3 2>err
check_eq "-t 1s: exit 0" "$?" 0
check_eq "-t 1s: the teardown still ran, last" \
    "$(jq -r 'select(.type == "req") | .class' ev3 | tail -n 1)" teardown

printf 'host %s\nsetup\n  GOT /x\nGET /\n' "$TARGET_URL" >bad.lt
lt-run -q -f bad.lt -i 1 >/dev/null 2>err
check_eq "a bad setup step: exit 2" "$?" 2
check "a bad setup step: file:line:col" grep -q "bad.lt:3:3: expected" err
printf 'setup\n  POST /login\nGET %s/\n' "$TARGET_URL" >nohost.lt
lt-run -q -f nohost.lt -i 1 >/dev/null 2>err
check_eq "a relative setup URL without a host: exit 2" "$?" 2
check "... names it" grep -q "nohost.lt:2: no host .* class setup" err

# The example of lt-scenario(5) runs as written (host rewritten).
sed -n '/^A token and a data set made once/,/^\.Ed/p' \
    "$LT_TOP/share/man/man5/lt-scenario.5" | sed -e '1,/^\.Bd/d' -e '$d' \
    -e "s|http://127.0.0.1:8080|$TARGET_URL|" >man.lt
check "the man page example is there" grep -q '^setup' man.lt
lt-run -q -f man.lt -u 2 -i 10 >ev4 2>err
check_eq "the man page example: exit 0" "$?" 0
check_eq "the man page example: setup and teardown ran" \
    "$(jq -r 'select(.type == "req" and .user == -1) | .class' ev4 | tr '\n' ' ')" \
    "setup teardown "

kill "$TARGET_PID"
wait "$TARGET_PID" 2>/dev/null
check_eq "the target saw one login per run (4 runs)" \
    "$(jq -r '.paths["/login"]' "$TMP/target.out")" 4
done_testing
