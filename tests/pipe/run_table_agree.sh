#!/usr/bin/env bash
# run_table_agree.sh - issue 12: lt-run's end-of-run table and lt-agg agree
# on the same run: same rows in the same order, the same counts, mean,
# min, max and percentiles (one histogram, one percentile rule: core/hist),
# interrupted requests counted but not timed in both.
. "$(dirname "$0")/../lib.sh"
cd "$TMP" || exit 1

start_target || exit 1
cat >t.lt <<LT
host $TARGET_URL
user U
  task 3 GET /delay?ms=\${random 1 30} name /delay
  task 1 GET /json
  task 1 POST /echo name /b-echo
    body "x"
  task 1 GET /stall name /a-stall
    timeout 10s
LT
# a fixed seed: the tasks each user picks before it is held by /a-stall
# (weight 1 of 6) are then the same every time, all four among them
lt-run -f t.lt -u 6 -r 60 -t 3s --seed 3 -o run.nd 2>run.err
check_eq "lt-run: exit 0" "$?" 0
check "some requests were interrupted at the end" grep -q '"error":"interrupted' run.nd
lt-agg run.nd >agg.json
# the table: Type Name reqs fails Avg Min Max Med 95% 99% req/s
awk '/^Type /{t=1; next} t && /^lt-run:/{t=0} t' run.err |
    sed 's/^        Aggregated/- Aggregated/' | cut -d' ' -f1- |
    awk '{ print $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 }' >table.txt
jq -r '(.endpoints[], .total) | "\(if .method == "" then "-" else .method end) \(.name) \(.requests) \(.failures) \(.mean_ms) \(.min_ms) \(.max_ms) \(.percentiles_ms["50"]) \(.percentiles_ms["95"]) \(.percentiles_ms["99"])"' agg.json |
    awk '{ printf "%s %s %s %s %s %.2f %.2f %.2f %.2f %.2f\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 }' >agg.txt
check "the table has a row per endpoint and the total" [ "$(wc -l <table.txt)" -eq 5 ]
# all columns equal; the mean within its rounding (lt-agg writes 3 decimals)
check_eq "lt-run's table == lt-agg's figures (rows, order, columns)" \
    "$(cut -d' ' -f1-4,6- table.txt)" "$(cut -d' ' -f1-4,6- agg.txt)"
check "means agree within 0.01 ms" awk 'NR == FNR { m[FNR] = $5; next }
    { d = m[FNR] - $5; if (d < 0) d = -d; if (d > 0.0101) exit 1 }' table.txt agg.txt
done_testing
