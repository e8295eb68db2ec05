#!/usr/bin/env bash
# fanout_tls.sh - lt-fanout's security: mutual TLS over tls+tcp:// with
# certificates this test makes (openssl), and the run token proven by a
# challenge-response.  A worker with a certificate of another CA, one
# that does not trust the coordinator's, a client without a certificate,
# a wrong token, no token, and a coordinator without a token are each
# refused with a message on both sides; a captured authentication
# replayed by a man in the middle does not authenticate; the token never
# crosses the wire in clear.
. "$(dirname "$0")/../lib.sh"
# spools, sockets and private directories of lt-fanout stay in $TMP
export TMPDIR=$TMP

if ! command -v openssl >/dev/null; then
	skip "fanout TLS" "openssl not installed"
	done_testing
	exit
fi
start_target || exit 1
printf 'user A\n  task GET /ok\n' >"$TMP/s.lt"

# Certificates: a CA signing the coordinator's and the worker's, and
# another CA signing an impostor's.
cd "$TMP" || exit 1
mkca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -days 2 -subj "/CN=$1" -keyout "$1.key" -out "$1.crt" 2>>openssl.err
}
mkleaf() { # NAME CA CN SAN
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	    -subj "/CN=$3" -keyout "$1.key" -out "$1.csr" 2>>openssl.err &&
	printf 'subjectAltName=%s\n' "$4" >"$1.ext" &&
	openssl x509 -req -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" \
	    -CAcreateserial -days 2 -extfile "$1.ext" -out "$1.crt" 2>>openssl.err
}
if ! { mkca ca && mkca otherca &&
	mkleaf coord ca 127.0.0.1 "DNS:localhost,DNS:127.0.0.1,IP:127.0.0.1" &&
	mkleaf worker ca worker DNS:worker &&
	mkleaf impostor otherca worker DNS:worker; }; then
	not_ok "openssl made the test's certificates: $(cat openssl.err)"
	done_testing
	exit
fi
cd "$LT_TOP" || exit 1
printf 'correct horse battery staple\n' >"$TMP/token"
printf 'something else\n' >"$TMP/wrong"
chmod 600 "$TMP/token" "$TMP/wrong"
CO_TLS=(--tls-cert "$TMP/coord.crt" --tls-key "$TMP/coord.key" --tls-ca "$TMP/ca.crt")
W_TLS=(--tls-cert "$TMP/worker.crt" --tls-key "$TMP/worker.key" --tls-ca "$TMP/ca.crt")
unset LT_FANOUT_TOKEN

# Options that do not fit the URL are usage errors.
port=$(free_port)
lt-fanout --listen tls+tcp://127.0.0.1:$port --expect-workers 1 \
    -f "$TMP/s.lt" -i 1 >/dev/null 2>"$TMP/u1.err"
check_eq "tls+tcp:// without certificates: exit 2" "$?" 2
check "it says what is missing" grep -q 'needs --tls-cert, --tls-key and --tls-ca' "$TMP/u1.err"
lt-fanout worker --connect tcp://127.0.0.1:$port "${W_TLS[@]}" 2>"$TMP/u2.err"
check_eq "--tls-* with tcp://: exit 2" "$?" 2
check "it says they need tls+tcp://" grep -q 'need a tls+tcp:// URL' "$TMP/u2.err"
lt-fanout worker --connect tcp://127.0.0.1:$port --token-file "$TMP/nonesuch" 2>"$TMP/u3.err"
check_eq "missing token file: exit 2" "$?" 2

# One coordinator over mutual TLS with a token: the refused come first,
# then two real workers run the test.
port=$(free_port)
url=tls+tcp://127.0.0.1:$port
lt-fanout -q --listen "$url" --expect-workers 2 --expect-workers-max-wait 90s \
    "${CO_TLS[@]}" --token-file "$TMP/token" \
    -f "$TMP/s.lt" -H "$TARGET_URL" -u 2 -r 100 -i 40 >"$TMP/c.ev" 2>"$TMP/c.err" &
co=$!
track_pid "$co"
lines() { grep -c "$1" "$TMP/c.err"; }
# waits (up to 20 s) until the coordinator's stderr has n lines matching
wait_lines() {
	local i
	for i in $(seq 1 200); do
		[ "$(lines "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

timeout 60 lt-fanout worker --connect "$url" --token-file "$TMP/token" \
    --tls-cert "$TMP/impostor.crt" --tls-key "$TMP/impostor.key" \
    --tls-ca "$TMP/ca.crt" 2>"$TMP/w_other.err"
check_eq "a certificate of another CA: worker exits 3" "$?" 3
check "the worker names the failed TLS handshake" \
    grep -q "TLS handshake with $url failed" "$TMP/w_other.err"
check "the coordinator names it too" wait_lines 'refused a connection: TLS handshake failed' 1

n=$(lines 'TLS handshake failed')
timeout 60 lt-fanout worker --connect "$url" --token-file "$TMP/token" \
    --tls-cert "$TMP/worker.crt" --tls-key "$TMP/worker.key" \
    --tls-ca "$TMP/otherca.crt" 2>"$TMP/w_trust.err"
check_eq "a worker that does not trust the coordinator: exits 3" "$?" 3
check "it names the failed TLS handshake" \
    grep -q "TLS handshake with $url failed" "$TMP/w_trust.err"
check "the coordinator saw a failed handshake" wait_lines 'TLS handshake failed' $((n + 1))

n=$(lines 'TLS handshake failed')
r=$(timeout 30 python3 - "$port" "$TMP/ca.crt" <<'PY'
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
try:
    t = ctx.wrap_socket(s, server_hostname="127.0.0.1")
    t.sendall(b"\x00SP\x00\x00\x30\x00\x00")
    print("refused" if t.recv(8) == b"" else "accepted")
except (ssl.SSLError, OSError) as e:
    print("refused", e)
PY
)
check "a client without a certificate is refused ($r)" grep -q '^refused' <<<"$r"
check "the coordinator saw that handshake fail" wait_lines 'TLS handshake failed' $((n + 1))

timeout 60 lt-fanout worker --connect "$url" "${W_TLS[@]}" \
    --token-file "$TMP/wrong" 2>"$TMP/w_wrong.err"
check_eq "wrong token: worker exits 3" "$?" 3
check "the worker says the token is wrong" \
    grep -q "wrong run token: the coordinator's proof does not match" "$TMP/w_wrong.err"
check "the coordinator says so too" wait_lines 'refused a connection from 127.0.0.1:[0-9]*: wrong run token' 1

timeout 60 lt-fanout worker --connect "$url" "${W_TLS[@]}" 2>"$TMP/w_none.err"
check_eq "no token: worker exits 3" "$?" 3
check "the worker says the run needs the token" \
    grep -q 'refused by the coordinator: this run needs the run token' "$TMP/w_none.err"
check "the coordinator says it refused a worker without it" \
    wait_lines 'refused a worker from 127.0.0.1:[0-9]* without the run token' 1

# The real workers: one with the token in a file, one in the environment.
( cd "$TMP" && exec lt-fanout worker --connect "$url" "${W_TLS[@]}" \
    --token-file "$TMP/token" ) 2>"$TMP/w0.err" &
track_pid $!
( cd "$TMP" && LT_FANOUT_TOKEN='correct horse battery staple' \
    exec lt-fanout worker --connect "$url" "${W_TLS[@]}" ) 2>"$TMP/w1.err" &
track_pid $!
wait "$co"
check_eq "mutual TLS with the token: coordinator exit 0" "$?" 0
check_eq "40 iterations over TLS: 40 requests" "$(nreq "$TMP/c.ev")" 40
check_eq "both workers ran their share" \
    "$(per_worker "$TMP/c.ev")" "0:20 1:20 "
check_eq "no refusal of the real workers" "$(cat "$TMP/w0.err" "$TMP/w1.err")" ""

# Over plain tcp:// the token still gates every connection: a captured
# exchange replayed by a man in the middle does not authenticate, and
# the token itself never crosses the wire (a recording proxy, which also
# cuts every connection once mid-run: the worker reconnects and proves
# the token again).
port=$(free_port)
pport=$(free_port)
lt-fanout -q --listen tcp://127.0.0.1:$port --expect-workers 1 \
    --expect-workers-max-wait 60s --token-file "$TMP/token" \
    -f "$TMP/s.lt" -H "$TARGET_URL" -u 1 -r 10 -t 6s >"$TMP/p.ev" 2>"$TMP/p.err" &
co=$!
track_pid "$co"
sleep 0.3
r=$(timeout 30 python3 "$LT_TOP/tests/pipe/fanout_auth.py" "$port" 'correct horse battery staple')
check "the genuine handshake is accepted (control)" grep -q '^legit ack$' <<<"$r"
check "the captured exchange replayed on a new connection is refused" \
    grep -q '^replay refuse authentication for another challenge' <<<"$r"
check "the captured answer sent again is refused" \
    grep -q '^again refuse authentication without a challenge' <<<"$r"
check "the coordinator says it refused the replay" \
    grep -q 'refused a connection from 127.0.0.1:[0-9]*: authentication for another challenge' "$TMP/p.err"
timeout 60 python3 - "$pport" "$port" "$TMP/wire.bin" "$TMP/cut" <<'PY' &
import socket, sys, threading, time
lp, cp, path, cut = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
out = open(path, "wb")
lock = threading.Lock()
conns = []
def cutter():  # 5 s after the first connection: mid-run
    time.sleep(5)
    with lock:
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        open(cut, "w").write("%d\n" % len(conns))
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", lp))
ls.listen(8)
def pump(a, b):
    while True:
        try:
            d = a.recv(65536)
        except OSError:
            d = b""
        if not d:
            try:
                b.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            return
        with lock:
            out.write(d)
            out.flush()
        b.sendall(d)
while True:
    c, _ = ls.accept()
    s = socket.create_connection(("127.0.0.1", cp))
    with lock:
        if not conns:
            threading.Thread(target=cutter, daemon=True).start()
        conns.extend([c, s])
    threading.Thread(target=pump, args=(c, s), daemon=True).start()
    threading.Thread(target=pump, args=(s, c), daemon=True).start()
PY
proxy=$!
track_pid "$proxy"
sleep 0.5
( cd "$TMP" && exec lt-fanout worker --connect tcp://127.0.0.1:$pport \
    --token-file "$TMP/token" ) 2>"$TMP/pw.err" &
track_pid $!
wait "$co"
check_eq "a worker with the token over tcp://: exit 0" "$?" 0
check "the proxy cut its connections mid-run ($(cat "$TMP/cut" 2>/dev/null))" \
    test -s "$TMP/cut"
check "the run went on after the cut: requests after it" \
    test "$(jq -r 'select(.type == "req") | .ts' "$TMP/p.ev" | sort -n | tail -n 1 | cut -d. -f1)" -gt \
    "$(stat -c %Y "$TMP/cut")"
n=$(jq -r 'select(.type == "worker" and .state == "finished") | .events' "$TMP/p.ev")
check_eq "every event the worker wrote arrived, once" \
    "$(grep '"worker":0' "$TMP/p.ev" | grep -vc '"type":"worker"')" "$n"
check_eq "no duplicate request ids" \
    "$(jq -c 'select(.type == "req") | [.ts, .user, .seq]' "$TMP/p.ev" | sort | uniq -d | wc -l)" 0
check_eq "the worker finished with $n events, seq 0..$((n - 1)) all stored" \
    "$(jq -r 'select(.type == "worker" and .state == "finished") | .status' "$TMP/p.ev")" 0
check "the token was proved again after the cut (4 proofs: 2 sockets, twice)" \
    test "$(grep -ao '"mac":"' "$TMP/wire.bin" | wc -l)" -ge 4
check_eq "the coordinator refused only the two replays, not the reconnected worker" \
    "$(grep -c 'refused' "$TMP/p.err")" 2
check_eq "the worker complained of nothing" "$(cat "$TMP/pw.err")" ""
check "the proxy recorded the exchange" grep -qa '"mac":"' "$TMP/wire.bin"
check "the token is not in it" test "$(grep -ca 'battery staple' "$TMP/wire.bin")" = 0
kill "$proxy" 2>/dev/null

# A worker with a token refuses a coordinator without one (which could
# otherwise make it run anything), and both say so.
port=$(free_port)
lt-fanout -q --listen tcp://127.0.0.1:$port --expect-workers 1 \
    --expect-workers-max-wait 5s -f "$TMP/s.lt" -H "$TARGET_URL" -i 1 \
    >/dev/null 2>"$TMP/n.err" &
co=$!
track_pid "$co"
timeout 60 lt-fanout worker --connect tcp://127.0.0.1:$port \
    --token-file "$TMP/token" 2>"$TMP/nw.err"
check_eq "token on the worker only: worker exits 3" "$?" 3
check "the worker says the coordinator has none" \
    grep -q 'the coordinator has no run token, this worker has one' "$TMP/nw.err"
wait "$co"
check "the coordinator says the worker refused it" \
    grep -q 'refused a connection from 127.0.0.1:[0-9]*: the worker has a run token and this coordinator none' "$TMP/n.err"
done_testing
