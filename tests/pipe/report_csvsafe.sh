#!/usr/bin/env bash
# report_csvsafe.sh - issue 11 section 6: names and errors that a
# spreadsheet reads as formulas (= + - @ tab CR first) are written as
# Locust writes them by default, and escaped with a leading apostrophe
# with lt-report --csv-safe (in --csv files and in -o directories).
. "$(dirname "$0")/../lib.sh"
cd "$TMP" || exit 1

ev() { # ts name ok error
	printf '{"type":"req","ts":%s,"name":"%s","method":"GET","status":%s,"ok":%s,"error":%s,"latency_ms":5,"bytes":1}\n' \
	    "$1" "$2" "$([ "$3" = true ] && echo 200 || echo 500)" "$3" "$4"
}
{
	ev 1764400000.1 '=HYPERLINK(\"x\")' false '"+cmd|calc"'
	ev 1764400000.2 '@SUM(1)' true null
	ev 1764400000.3 '-2+3' true null
	ev 1764400000.4 '\tx' false '"=1+1"'
	ev 1764400000.5 '/plain' false '"http: 500"'
} | lt-agg >inj.json 2>/dev/null
lt-report --csv plain inj.json
check "default: Locust's format, unescaped" \
    grep -q '^GET,"=HYPERLINK(""x"")",1,1,' plain_stats.csv
check "default: @ name as written" grep -q '^GET,@SUM(1),' plain_stats.csv
check "default: error as written" grep -q '^GET,"=HYPERLINK(""x"")",+cmd|calc,1' plain_failures.csv
lt-report --csv-safe --csv safe inj.json
check "--csv-safe: = name escaped" grep -q "^GET,\"'=HYPERLINK(\"\"x\"\")\",1,1," safe_stats.csv
check "--csv-safe: @ name escaped" grep -q "^GET,'@SUM(1)," safe_stats.csv
check "--csv-safe: - name escaped" grep -q "^GET,'-2+3," safe_stats.csv
check "--csv-safe: tab name escaped" grep -q "^GET,'	x," safe_stats.csv
check "--csv-safe: errors escaped" grep -q "^GET,\"'=HYPERLINK(\"\"x\"\")\",'+cmd|calc,1" safe_failures.csv
check "--csv-safe: = error escaped" grep -q "^GET,'	x,'=1+1,1" safe_failures.csv
check "--csv-safe: plain names unchanged" grep -q '^GET,/plain,1,1,' safe_stats.csv
check "--csv-safe: the Aggregated row unchanged" grep -q '^,Aggregated,5,' safe_stats.csv
no_formula() { ! cut -d, -f1-3 "$1" | grep -q "^GET,[-=+@	]"; }
check "--csv-safe: no field starts a formula (stats)" no_formula safe_stats.csv
lt-report --csv-safe --no-charts -o dir inj.json
check "--csv-safe in -o: escaped too" grep -q "^GET,'@SUM(1)," dir/lt_stats.csv
done_testing
