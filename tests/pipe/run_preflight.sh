#!/usr/bin/env bash
# run_preflight.sh - mistakes caught before any load is sent (issue 12):
# no host at all, a template variable nothing defines, a json body that is
# not JSON, a --shape file that does not exist.  Each is exit 2 with
# file:line where there is one, no event on stdout, and no request at the
# target; a variable only saved by a later step is a warning, not an error.
. "$(dirname "$0")/../lib.sh"

start_target || exit 1
cd "$TMP" || exit 1

# refused NAME PATTERN ARGS...: status 2, the message, nothing sent.
refused() {
	local what=$1 pat=$2
	shift 2
	lt-run -q -i 5 "$@" >"$TMP/out" 2>"$TMP/err"
	check_eq "$what: status 2" "$?" 2
	check "$what: message" grep -Eq "^lt-run: $pat" "$TMP/err"
	grep -Eq "^lt-run: $pat" "$TMP/err" || sed 's/^/# /' "$TMP/err"
	check "$what: no event" test ! -s "$TMP/out"
}

printf 'user A\n  GET /nohost\n' >nohost.lt
refused "no host line, no -H" "nohost.lt:2: no host for the relative URL '/nohost'" \
    -f nohost.lt
printf 'user A\n  host %s\n  GET /classhost\nuser B\n  GET /nohost2\n' \
    "$TARGET_URL" >halfhost.lt
refused "one class without a host" "halfhost.lt:5: no host .* class B" \
    -f halfhost.lt
lt-run -q -i 2 -f nohost.lt -H "$TARGET_URL" >/dev/null 2>"$TMP/err"
check_eq "no host line, but -H: runs" "$?" 0
printf 'GET %s/abs\n' "$TARGET_URL" >abs.lt
lt-run -q -i 2 -f abs.lt >/dev/null 2>"$TMP/err"
check_eq "absolute URLs need no host" "$?" 0

printf 'host %s\nuser A\n  GET /p/${nosuchvar}/x\n' "$TARGET_URL" >var.lt
refused "undefined variable" 'var.lt:3: \$\{nosuchvar\} is never set or saved' \
    -f var.lt
printf 'host %s\nuser A\n  GET /h\n    header X-T: ${tok}\n' "$TARGET_URL" \
    >hvar.lt
refused "undefined variable in a header" 'hvar.lt:3: \$\{tok\}' -f hvar.lt
printf 'host %s\nGET /e/${HOME}\n' "$TARGET_URL" >envvar.lt
refused "an environment name as a variable" \
    'envvar.lt:2: \$\{HOME\} .*\$\{env' -f envvar.lt
cat >ok.lt <<LT
host $TARGET_URL
set who u\${user}
user A
  on_start POST /login json {"user": "\${who}", "password": "secret"}
    save token json .token
  sequence
    GET /secure/orders
      auth bearer \${token}
    GET /q/\${env HOME}/\${data $TMP/rows}/\${random 1 2}/\${user}/\${seq}
LT
printf 'a\nb\n' >rows
lt-run -q -i 4 -f ok.lt >/dev/null 2>"$TMP/err"
check_eq "set, saved, env, data and built-ins: runs" "$?" 0
check_eq "set, saved, env, data and built-ins: no warning" "$(cat "$TMP/err")" ""
cat >later.lt <<LT
host $TARGET_URL
user A
  sequence
    GET /orders/\${order}
    POST /checkout form qty=1
      save order json .order
LT
lt-run -q -i 2 -f later.lt >/dev/null 2>"$TMP/err"
check_eq "saved only by a later step: runs" "$?" 0
check "saved only by a later step: a warning with file:line" \
    grep -q "later.lt:4: \${order} is only saved by a later step (line 6)" \
    "$TMP/err"

printf 'host %s\nPOST /jbad json {"password": secret}\n' "$TARGET_URL" \
    >json.lt
refused "invalid json body" "json.lt:2: the json body is not JSON" -f json.lt
printf 'host %s\nPOST /j json {"a": 1,}\n' "$TARGET_URL" >json2.lt
refused "trailing comma in a json body" "json2.lt:2: the json body is not JSON" \
    -f json2.lt
cat >jsonok.lt <<LT
host $TARGET_URL
set n 3
POST /jok json {"s": "\${n} x", "n": \${n}, "r": \${random 1 9}, "a": [\${n}]}
LT
lt-run -q -i 2 -f jsonok.lt >/dev/null 2>"$TMP/err"
check_eq "json with templates in and out of strings: runs" "$?" 0

printf 'GET /s\n' >s.lt
refused "--shape nosuch.shape" "nosuch.shape: No such file or directory" \
    -f s.lt -H "$TARGET_URL" --shape nosuch.shape
refused "--shape ./missing" "./missing: No such file" \
    -f s.lt -H "$TARGET_URL" --shape ./missing
check "--shape: not run by a shell" sh -c "! grep -q 'not found' '$TMP/err'"

kill "$TARGET_PID"
wait "$TARGET_PID" 2>/dev/null
check_eq "the refused runs sent nothing" \
    "$(jq -r '[.paths["/nohost2"], .paths["/classhost"],
	.paths["/h"], .paths["/jbad"], .paths["/j"], .paths["/s"]] |
	map(. // 0) | add' "$TMP/target.out")" 0
check "the good runs were sent" \
    test "$(jq -r '.paths["/secure/orders"] // 0' "$TMP/target.out")" -gt 0
done_testing
