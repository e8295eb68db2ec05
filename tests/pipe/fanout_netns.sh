#!/usr/bin/env bash
# fanout_netns.sh - lt-fanout across "hosts": the coordinator and two
# workers each in a network namespace this test makes (ip netns, veth
# pairs with 10.77.x addresses that exist only inside them), each worker
# with its own address and its own target server on its own loopback.
# The whole capability is probed first (namespaces, veth, a process
# listening in one namespace reached from another); any part missing is
# a SKIP with the reason.  Every namespace made is deleted on exit.
. "$(dirname "$0")/../lib.sh"
# spools, sockets and private directories of lt-fanout stay in $TMP
export TMPDIR=$TMP

NS_C=ltc$$
NS_1=ltw1$$
NS_2=ltw2$$
MADE=""
netns_cleanup() {
	local n
	for n in $MADE; do
		ip netns del "$n" 2>/dev/null
	done
}
trap 'cleanup; netns_cleanup' EXIT

skip_all() {
	skip "lt-fanout workers in network namespaces" "$1"
	done_testing
	exit 0
}
[ "$(id -u)" = 0 ] || skip_all "needs root for ip netns"
command -v ip >/dev/null || skip_all "ip (iproute2) not installed"
command -v timeout >/dev/null || skip_all "timeout not installed"

# mkns NAME: a namespace with loopback up
mkns() {
	ip netns add "$1" 2>>"$TMP/ns.err" || return 1
	MADE="$MADE $1"
	ip -n "$1" link set lo up 2>>"$TMP/ns.err"
}
# link NS_A ADDR_A NS_B ADDR_B: a veth pair between two namespaces
link() {
	local a=v$$a$RANDOM b=v$$b$RANDOM
	a=${a:0:15} b=${b:0:15}
	ip link add "$a" netns "$1" type veth peer name "$b" netns "$3" 2>>"$TMP/ns.err" &&
	ip -n "$1" addr add "$2/24" dev "$a" 2>>"$TMP/ns.err" &&
	ip -n "$3" addr add "$4/24" dev "$b" 2>>"$TMP/ns.err" &&
	ip -n "$1" link set "$a" up 2>>"$TMP/ns.err" &&
	ip -n "$3" link set "$b" up 2>>"$TMP/ns.err"
}
mkns "$NS_C" || skip_all "ip netns add failed: $(head -c 200 "$TMP/ns.err")"
mkns "$NS_1" && mkns "$NS_2" ||
	skip_all "ip netns failed: $(head -c 200 "$TMP/ns.err")"
link "$NS_C" 10.77.1.1 "$NS_1" 10.77.1.2 && link "$NS_C" 10.77.2.1 "$NS_2" 10.77.2.2 ||
	skip_all "veth pair failed: $(head -c 200 "$TMP/ns.err")"

# The probe: a listener inside one namespace, a client in another.
timeout 20 ip netns exec "$NS_C" python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.77.1.1", 5999))
s.listen(1)
s.settimeout(15)
c, a = s.accept()
c.sendall(b"hello from " + a[0].encode() + b"\n")
' 2>"$TMP/probe_l.err" &
probe=$!
track_pid "$probe"
got=""
for i in $(seq 1 20); do
	got=$(timeout 5 ip netns exec "$NS_1" python3 -c '
import socket
s = socket.create_connection(("10.77.1.1", 5999), timeout=3)
print(s.recv(100).decode().strip())
' 2>"$TMP/probe_c.err") && break
	sleep 0.25
done
wait "$probe" 2>/dev/null
[ "$got" = "hello from 10.77.1.2" ] ||
	skip_all "a process in one namespace cannot reach one in another (got '$got': $(head -c 200 "$TMP/probe_l.err" "$TMP/probe_c.err" | tr '\n' ' '))"
ok "probe: a listener in $NS_C reached from $NS_1 ($got)"

# Each worker "host" has its own target on its own loopback.
for ns in "$NS_1" "$NS_2"; do
	ip netns exec "$ns" "$LT_TARGET" -q -p 18080 >"$TMP/target.$ns.out" 2>"$TMP/target.$ns.err" &
	track_pid $!
	eval "tpid_$ns=$!"
done
for ns in "$NS_1" "$NS_2"; do
	for i in $(seq 1 100); do
		timeout 3 ip netns exec "$ns" python3 -c '
import socket; socket.create_connection(("127.0.0.1", 18080), timeout=1)' 2>/dev/null && break
		sleep 0.1
	done
done
printf 'user A\n  task GET /ok\n' >"$TMP/s.lt"
printf 'netns token\n' >"$TMP/token"
ip netns exec "$NS_C" lt-fanout -q --listen tcp://0.0.0.0:5557 --expect-workers 2 \
    --expect-workers-max-wait 60s --token-file "$TMP/token" \
    -f "$TMP/s.lt" -H http://127.0.0.1:18080 -u 2 -r 100 -i 60 \
    >"$TMP/c.ev" 2>"$TMP/c.err" &
co=$!
track_pid "$co"
sleep 0.3
# A worker without the token is refused, named by its own address.
timeout 60 ip netns exec "$NS_2" env -u LT_FANOUT_TOKEN lt-fanout worker \
    --connect tcp://10.77.2.1:5557 2>"$TMP/wbad.err"
check_eq "a worker without the token: exit 3" "$?" 3
check "the coordinator names it by its address in its namespace" \
    grep -q 'refused a worker from 10.77.2.2:[0-9]* without the run token' "$TMP/c.err"
ip netns exec "$NS_1" lt-fanout worker --connect tcp://10.77.1.1:5557 \
    --index 0 --of 2 --token-file "$TMP/token" 2>"$TMP/w0.err" &
track_pid $!
ip netns exec "$NS_2" lt-fanout worker --connect tcp://10.77.2.1:5557 \
    --index 1 --of 2 --token-file "$TMP/token" 2>"$TMP/w1.err" &
track_pid $!
# While it runs: the coordinator's connections come from the workers'
# own addresses.
peers=""
for i in $(seq 1 100); do
	peers=$(ip netns exec "$NS_C" ss -Htn state established '( sport = :5557 )' 2>/dev/null |
	    awk '{ sub(/:[0-9]+$/, "", $4); print $4 }' | sort -u | tr '\n' ' ')
	[ "$peers" = "10.77.1.2 10.77.2.2 " ] && break
	sleep 0.1
done
wait "$co"
check_eq "coordinator in its namespace: exit 0" "$?" 0
check_eq "the coordinator's peers are the workers' own addresses" "$peers" "10.77.1.2 10.77.2.2 "
check_eq "60 iterations: 60 requests merged" "$(nreq "$TMP/c.ev")" 60
check_eq "split 30/30" \
    "$(per_worker "$TMP/c.ev")" "0:30 1:30 "
for ns in "$NS_1" "$NS_2"; do
	eval "kill \$tpid_$ns; wait \$tpid_$ns 2>/dev/null"
done
check_eq "each host's own target served its worker's share" \
    "$(jq -r '.total' "$TMP/target.$NS_1.out" | tail -n 1) $(jq -r '.total' "$TMP/target.$NS_2.out" | tail -n 1)" "30 30"
check_eq "no worker complained" "$(cat "$TMP/w0.err" "$TMP/w1.err")" ""
netns_cleanup
left=""
for n in $MADE; do
	ip netns list 2>/dev/null | grep -q "^$n\b" && left="$left $n"
done
check_eq "every namespace the test made is gone" "$left" ""
MADE=""
done_testing
