#!/usr/bin/env bash
# fanout_binbody.sh - a binary body @file (NUL bytes, invalid UTF-8) is
# shipped to cluster workers byte for byte (base64 in the plan, its hash
# checked on the worker): a server that records the sha256 of every
# request body sees exactly the file's bytes, sent by two tcp workers
# that have no copy of it.  The largest file that fits one wire message
# arrives too; a file or a set of files too big for one message (4 MiB)
# is refused before the run, exit 2, naming the file and the limit.
. "$(dirname "$0")/../lib.sh"
export TMPDIR=$TMP

# start_bodysrv: tests/pipe/bodysrv.py on a free port of 127.0.0.1; sets
# BS_PID and BS_URL; it logs "METHOD PATH LENGTH SHA256" per request to
# $TMP/bodies.log.
start_bodysrv() {
	local i
	rm -f "$TMP/bs.port" "$TMP/bodies.log"
	python3 "$LT_TOP/tests/pipe/bodysrv.py" --port-file "$TMP/bs.port" \
	    --log "$TMP/bodies.log" 2>"$TMP/bs.err" &
	BS_PID=$!
	track_pid "$BS_PID"
	for i in $(seq 1 200); do
		if [ -s "$TMP/bs.port" ]; then
			BS_URL=http://127.0.0.1:$(cat "$TMP/bs.port")
			return 0
		fi
		sleep 0.05
	done
	echo "# body server did not start: $(cat "$TMP/bs.err")"
	return 1
}
stop_bodysrv() {
	kill "$BS_PID"
	wait "$BS_PID" 2>/dev/null
}
# blob FILE SIZE SEED: SIZE pseudo-random bytes from SEED, starting with
# NUL bytes and a byte sequence that is not UTF-8.
blob() {
	python3 -c 'import random, sys
b = bytearray(random.Random(int(sys.argv[3])).randbytes(int(sys.argv[2])))
b[0:6] = b"\0\xff\xfe\xc3\x28\0"
open(sys.argv[1], "wb").write(b)' "$@"
}
sha() { sha256sum "$1" | awk '{ print $1 }'; }

mkdir -p "$TMP/coord" "$TMP/w"
blob "$TMP/coord/blob.bin" 65536 7
check "the blob holds NUL bytes" \
    python3 -c 'import sys; sys.exit(b"\0" not in open(sys.argv[1], "rb").read())' \
    "$TMP/coord/blob.bin"
check "the blob is not UTF-8" python3 -c 'import sys
try:
    open(sys.argv[1], "rb").read().decode("utf-8")
    sys.exit(1)
except UnicodeDecodeError:
    pass' "$TMP/coord/blob.bin"
cat >"$TMP/coord/b.lt" <<'LT'
user B
  task POST /up
    header Content-Type: application/octet-stream
    body @blob.bin
LT

# The coordinator ships the file; two workers over tcp, started from an
# empty directory, send it 20 times.
start_bodysrv || exit 1
fanout_cluster "$TMP/w" 2 "$TMP/b.ev" -f "$TMP/coord/b.lt" -H "$BS_URL" \
    -u 2 -r 50 -i 20
check_eq "binary body @file over tcp: exit 0" "$CO_RC" 0
check_eq "workers: exit 0" "$W_RC" 0
stop_bodysrv
check_eq "the server received 20 bodies, each the file's 65536 bytes" \
    "$(awk '{ print $1, $2, $3, $4 }' "$TMP/bodies.log" | sort | uniq -c |
    awk '{ print $1, $2, $3, $4, $5 }')" \
    "20 POST /up 65536 $(sha "$TMP/coord/blob.bin")"
check_eq "20 requests, each ok" \
    "$(jq -r 'select(.type == "req") | "\(.ok)"' "$TMP/b.ev" | sort |
    uniq -c | awk '{ print $1, $2 }')" "20 true"
check_eq "both workers sent some" \
    "$(jq -r 'select(.type == "req") | .worker' "$TMP/b.ev" | sort -u |
    tr '\n' ' ')" "0 1 "
check_eq "the workers' directory holds no copy" \
    "$(find "$TMP/w" -type f | wc -l)" 0
check_eq "the workers' private copies are gone" \
    "$(find "$TMP" -path '*lt-fanout-w.*' | wc -l)" 0

# The largest file that fits: 3 MiB - 8 KiB is 4183384 bytes of base64,
# under 4 MiB with the rest of the plan; it arrives whole.
blob "$TMP/coord/near.bin" $((3 * 1048576 - 8192)) 8
sed 's/blob\.bin/near.bin/' "$TMP/coord/b.lt" >"$TMP/coord/near.lt"
start_bodysrv || exit 1
fanout_cluster "$TMP/w" 1 "$TMP/near.ev" -f "$TMP/coord/near.lt" \
    -H "$BS_URL" -u 1 -i 2
check_eq "a 3 MiB - 8 KiB binary body over tcp: exit 0" "$CO_RC" 0
check_eq "worker: exit 0" "$W_RC" 0
stop_bodysrv
check_eq "the server received it twice, byte for byte" \
    "$(awk '{ print $3, $4 }' "$TMP/bodies.log" | sort | uniq -c |
    awk '{ print $1, $2, $3 }')" \
    "2 $((3 * 1048576 - 8192)) $(sha "$TMP/coord/near.bin")"

# Too big: refused before anything starts (no worker needed), exit 2,
# the message naming the file and the limit.  refused NAME SCENARIO
refused() {
	port=$(free_port)
	lt-fanout -q --listen "tcp://127.0.0.1:$port" --expect-workers 1 \
	    --expect-workers-max-wait 30s -f "$2" -H http://127.0.0.1:9 \
	    -i 1 >/dev/null 2>"$TMP/$1.err"
}
blob "$TMP/coord/huge.bin" $((5 * 1048576)) 9
sed 's/blob\.bin/huge.bin/' "$TMP/coord/b.lt" >"$TMP/coord/huge.lt"
refused huge "$TMP/coord/huge.lt"
check_eq "a 5 MiB body @file: exit 2" "$?" 2
check "and says it is over 4194304 bytes" grep -q \
    "body file $TMP/coord/huge.bin is larger than 4194304 bytes" \
    "$TMP/huge.err"

blob "$TMP/coord/big.bin" $((7 * 524288)) 10
sed 's/blob\.bin/big.bin/' "$TMP/coord/b.lt" >"$TMP/coord/big.lt"
refused big "$TMP/coord/big.lt"
check_eq "a 3.5 MiB binary body @file: exit 2" "$?" 2
check "and says its base64 is over 4194304 bytes" grep -q \
    "body file $TMP/coord/big.bin takes 4893356 bytes in base64, more than the 4194304 bytes" \
    "$TMP/big.err"

# 3 MiB: 4194304 bytes of base64, the limit itself, with no room left
# for the rest of the plan.
blob "$TMP/coord/edge.bin" $((3 * 1048576)) 11
sed 's/blob\.bin/edge.bin/' "$TMP/coord/b.lt" >"$TMP/coord/edge.lt"
refused edge "$TMP/coord/edge.lt"
check_eq "a 3 MiB binary body @file: exit 2" "$?" 2
check "and names it as the plan's largest file" grep -q \
    "more than the 4194304 bytes (4 MiB) one wire message carries; its largest file is $TMP/coord/edge.bin, 4194304 bytes in base64" \
    "$TMP/edge.err"

# Two files that fit alone but not together.
blob "$TMP/coord/two1.bin" $((2 * 1048576)) 12
blob "$TMP/coord/two2.bin" $((2 * 1048576 + 3)) 13
cat >"$TMP/coord/two.lt" <<'LT'
user B
  task POST /one
    body @two1.bin
  task POST /two
    body @two2.bin
LT
refused two "$TMP/coord/two.lt"
check_eq "two 2 MiB binary bodies: exit 2" "$?" 2
check "and names the larger" grep -q \
    "one wire message carries; its largest file is $TMP/coord/two2.bin" \
    "$TMP/two.err"
cat "$TMP/huge.err" "$TMP/big.err" "$TMP/edge.err" "$TMP/two.err" |
    sed 's/^/# /'

done_testing
