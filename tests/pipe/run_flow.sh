#!/usr/bin/env bash
# run_flow.sh - what simulated users do, checked against the target:
# weights, sequences, on_start login with a captured token, cookies per
# user, checks that fail requests, tags, templates and data files.
. "$(dirname "$0")/../lib.sh"

start_target || exit 1
H=$TARGET_URL
req() { grep '"type":"req"' "$1"; }

# Weights 3:1 (tasks) over 4,000 iterations: each within 5% of its share.
cat >"$TMP/w.lt" <<'LT'
user A
  task 3 GET /ok
  task 1 GET /bytes?n=1
LT
lt-run -q -f "$TMP/w.lt" -H "$H" -u 4 -r 100 -i 4000 --seed 7 >"$TMP/w.ev"
check_eq "4000 iterations, 4000 events" "$(req "$TMP/w.ev" | wc -l)" 4000
a=$(grep -c '"name":"/ok"' "$TMP/w.ev")
check "weight 3 of 4 within 5% (got $a of 4000)" \
    awk -v a="$a" 'BEGIN { exit !(a >= 2850 && a <= 3150) }'

# Class weights 1:1 with 40 users: 20 each (Locust's distribution).
cat >"$TMP/c.lt" <<'LT'
user Reader weight 1
  wait constant 0.05
  task GET /ok
user Writer weight 1
  wait constant 0.05
  task GET /ok
user Admin count 2
  wait constant 0.05
  task GET /ok
LT
lt-run -q -f "$TMP/c.lt" -H "$H" -u 42 -r 1000 -t 1s >"$TMP/c.ev"
check_eq "class counts: 2 fixed Admin, then 20 Reader, 20 Writer" \
    "$(jq -sc '[.[] | select(.type == "users")] | max_by(.count) | .classes' "$TMP/c.ev")" \
    '{"Reader":20,"Writer":20,"Admin":2}'

# A sequence runs its steps in order, then starts again.
cat >"$TMP/s.lt" <<'LT'
user A
  sequence
    GET /ok?step=1
    GET /ok?step=2
    GET /ok?step=3
LT
lt-run -q -f "$TMP/s.lt" -H "$H" -u 1 -i 5 >"$TMP/s.ev"
check_eq "sequence order over 5 iterations" \
    "$(req "$TMP/s.ev" | jq -r .url | sed 's/.*step=//' | tr -d '\n')" \
    123123123123123

# on_start logs in, saves the token; later requests use it.
cat >"$TMP/l.lt" <<'LT'
user Buyer
  on_start POST /login json {"user": "u${user}", "password": "secret"}
    expect status 200
    save token json .token
  task GET /secure
    header Authorization: Bearer ${token}
    expect status 200
    expect json .user == "u${user}"
LT
lt-run -q -f "$TMP/l.lt" -H "$H" -u 5 -r 1000 -i 100 >"$TMP/l.ev"
check_eq "5 logins" "$(grep -c '"name":"/login"' "$TMP/l.ev")" 5
check_eq "100 authorised requests, all ok" \
    "$(grep '"name":"/secure"' "$TMP/l.ev" | grep -c '"ok":true')" 100

# Cookies are per user: each sets its own value and gets only its own.
cat >"$TMP/k.lt" <<'LT'
user A
  on_start GET /cookie/set?name=who&value=u${user}
  task GET /cookie/check?name=who&value=u${user}
    expect status 200
LT
lt-run -q -f "$TMP/k.lt" -H "$H" -u 8 -r 1000 -i 200 >"$TMP/k.ev"
check_eq "200 cookie checks pass, per user" \
    "$(grep '/cookie/check' "$TMP/k.ev" | grep -c '"ok":true')" 200

# Checks fail requests with a reason; >= 400 fails unless expected.
cat >"$TMP/x.lt" <<'LT'
user A
  sequence
    GET /status?code=500
    GET /status?code=404
      expect status 404
    GET /ok
      expect body contains "no such text"
    GET /json?n=2
      expect json .[1].id == 2
LT
lt-run -q -f "$TMP/x.lt" -H "$H" -i 1 >"$TMP/x.ev"
check_eq "failures and reasons" \
    "$(req "$TMP/x.ev" | jq -r '"\(.ok) \(.error)"' | cut -c1-23)" \
    "false http: status 500
true null
false check: body lacks
true null"

# Transport failures have their category; a closed connection is
# replaced by a new one.
cat >"$TMP/r.lt" <<'LT'
user A
  sequence
    GET /reset
    GET /close
    GET /ok
    GET /delay?ms=2000
      timeout 100ms
LT
lt-run -q -f "$TMP/r.lt" -H "$H" -i 1 >"$TMP/r.ev"
check_eq "reset, close, timeout" \
    "$(req "$TMP/r.ev" | jq -r '"\(.ok) \(.error | tostring | split(":")[0]) \(.new_conn)"')" \
    "false reset true
true null true
true null true
false timeout false"

# Sockets closed and reopened all the time, so new ones come under the
# numbers of old ones (lt-run keeps one watcher per socket number), mixed
# with a host resolved at run time: every request gets its answer.
cat >"$TMP/n.lt" <<LT
user A
  task 1 GET /close
  task 1 GET http://localhost:$TARGET_PORT/ok
  task 1 GET /ok
LT
lt-run -q -f "$TMP/n.lt" -H "$H" -u 20 -r 1000 -i 3000 --timeout 5 \
    >"$TMP/n.ev"
check_eq "3000 requests over reopened sockets, all ok" \
    "$(req "$TMP/n.ev" | jq -r .ok | sort | uniq -c | tr -s ' ')" \
    " 3000 true"

# Tags: --tags keeps tagged tasks, --exclude-tags drops them.
cat >"$TMP/t.lt" <<'LT'
user A
  task GET /ok?t=a
    tag slow
  task GET /ok?t=b
    tag fast
  task GET /ok?t=c
LT
lt-run -q -f "$TMP/t.lt" -H "$H" -i 60 --tags slow >"$TMP/t1.ev"
check_eq "--tags slow: only slow" \
    "$(req "$TMP/t1.ev" | jq -r .url | sort -u | sed 's/.*t=//')" a
check "tags are in the events" grep -q '"tags":\["slow"\]' "$TMP/t1.ev"
lt-run -q -f "$TMP/t.lt" -H "$H" -i 60 --exclude-tags slow,fast >"$TMP/t2.ev"
check_eq "--exclude-tags slow,fast: the rest" \
    "$(req "$TMP/t2.ev" | jq -r .url | sort -u | sed 's/.*t=//')" c

# Templates and a data file: rows in order, shared by all users.
printf 'name,pw\nann,1\nbob,2\ncid,3\n' >"$TMP/users.csv"
cat >"$TMP/d.lt" <<LT
data people $TMP/users.csv csv
user A
  task GET /echo?who=\${data people name}&pw=\${data people pw}&u=\${user}&r=\${random 5 9}
    name /echo
LT
lt-run -q -f "$TMP/d.lt" -H "$H" -u 1 -i 6 >"$TMP/d.ev"
check_eq "data rows in order, columns of one row together" \
    "$(req "$TMP/d.ev" | jq -r .url | sed 's/.*who=//; s/&u=.*//' | tr '\n' ' ')" \
    "ann&pw=1 bob&pw=2 cid&pw=3 ann&pw=1 bob&pw=2 cid&pw=3 "
check "random within bounds" \
    sh -c "! grep -o 'r=[0-9]*' '$TMP/d.ev' | grep -vq 'r=[5-9]\$'"
check_eq "name groups the URLs" "$(req "$TMP/d.ev" | jq -r .name | sort -u)" \
    /echo

done_testing
