#!/usr/bin/env bash
# run_examples.sh - every example scenario in scenarios/ runs against the
# bundled target without a failed request, and every example shape
# steers a short run.
. "$(dirname "$0")/../lib.sh"

start_target || exit 1
cd "$LT_TOP" || exit 1
for f in scenarios/*.lt scenarios/gen-users.sh; do
	[ -f "$f" ] || continue
	lt-run -q -f "$f" -H "$TARGET_URL" -u 5 -r 100 -t 1.5s --seed 1 \
	    >"$TMP/e.ev" 2>"$TMP/err"
	check_eq "$f: exit 0" "$?" 0
	n=$(grep -c '"type":"req"' "$TMP/e.ev")
	check "$f: requests were made ($n)" test "$n" -gt 0
	check_eq "$f: no failure" \
	    "$(jq -r 'select(.type == "req" and .ok == false) | .error' "$TMP/e.ev" | head -n 3)" ""
done
for f in scenarios/shapes/*; do
	[ -f "$f" ] || continue
	rate=""
	case $f in *rate*) rate="--rate 20" ;; esac
	# shellcheck disable=SC2086
	lt-run -q -f scenarios/shop.lt -H "$TARGET_URL" --shape "$f" $rate \
	    -t 1.5s >"$TMP/s.ev" 2>"$TMP/err"
	check_eq "$f: exit 0" "$?" 0
	n=$(jq -r 'select(.type == "users" and .count > 0) | .count' "$TMP/s.ev" | wc -l)
	check "$f: users were started" test "$n" -gt 0
done

done_testing
