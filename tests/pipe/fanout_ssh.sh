#!/usr/bin/env bash
# fanout_ssh.sh - contrib/fanout/lt-fanout-ssh against an sshd this test
# starts on 127.0.0.1 (a free port, its own host key, sshd_config and a
# user key it makes; no system sshd touched): workers started from a
# hosts file run the test with the token passed on their stdin, and
# killing the launcher stops every remote worker.  Skips, with the reason,
# where sshd cannot run.
. "$(dirname "$0")/../lib.sh"
# spools, sockets and private directories of lt-fanout stay in $TMP
export TMPDIR=$TMP

skip_all() {
	skip "lt-fanout-ssh against a private sshd" "$1"
	done_testing
	exit 0
}
SSHD=/usr/sbin/sshd
[ -x "$SSHD" ] || skip_all "sshd (openssh-server) not installed"
command -v ssh >/dev/null || skip_all "ssh (openssh-client) not installed"
command -v ssh-keygen >/dev/null || skip_all "ssh-keygen not installed"
if [ ! -d /run/sshd ]; then
	[ "$(id -u)" = 0 ] || skip_all "sshd's privilege separation directory /run/sshd is missing and this is not root"
	mkdir -p /run/sshd && chmod 755 /run/sshd || skip_all "cannot create /run/sshd"
fi
[ "$(id -u)" = 0 ] || skip_all "sshd needs root here to log a user in"
S=$TMP/ssh
mkdir -m 700 "$S"
ssh-keygen -q -t ed25519 -N '' -f "$S/host" >/dev/null 2>"$S/kg.err" &&
ssh-keygen -q -t ed25519 -N '' -f "$S/user" >/dev/null 2>>"$S/kg.err" ||
	skip_all "ssh-keygen failed: $(head -c 200 "$S/kg.err")"
cp "$S/user.pub" "$S/authorized_keys"
chmod 600 "$S/authorized_keys"
port=$(free_port)
me=$(id -un)
cat >"$S/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $S/host
PidFile $S/sshd.pid
AuthorizedKeysFile $S/authorized_keys
AuthenticationMethods publickey
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
AllowUsers $me
PermitUserEnvironment no
X11Forwarding no
AllowTcpForwarding no
Subsystem sftp internal-sftp
CONF
"$SSHD" -t -f "$S/sshd_config" 2>"$S/t.err" ||
	skip_all "sshd rejects its config: $(head -c 200 "$S/t.err")"
"$SSHD" -D -e -f "$S/sshd_config" 2>"$S/sshd.err" &
sshd=$!
track_pid "$sshd"
printf '127.0.0.1 %s\n' "$(ssh-keygen -y -f "$S/host")" >"$S/known_hosts"
SSHOPTS=(-o "IdentityFile=$S/user" -o "UserKnownHostsFile=$S/known_hosts"
    -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes -o ConnectTimeout=5
    -o LogLevel=ERROR)
up=""
for i in $(seq 1 50); do
	up=$(timeout 10 ssh "${SSHOPTS[@]}" -o BatchMode=yes -p "$port" "$me@127.0.0.1" echo up 2>"$S/probe.err") && break
	kill -0 "$sshd" 2>/dev/null || break
	sleep 0.2
done
[ "$up" = up ] ||
	skip_all "cannot log in to the test's sshd: $(head -c 200 "$S/probe.err" "$S/sshd.err" | tr '\n' ' ')"
ok "the test's sshd on 127.0.0.1:$port takes the test's key"

start_target || exit 1
printf 'user A\n  task GET /ok\n' >"$TMP/s.lt"
LAUNCH=$LT_TOP/contrib/fanout/lt-fanout-ssh
LOPTS=(-l "$LT_BIN/lt-fanout")
for o in "${SSHOPTS[@]}"; do
	[ "$o" = -o ] || LOPTS+=(-o "$o")
done
printf '# two hosts (the same one, twice)\n%s@127.0.0.1:%s 2\n\n127.0.0.1:%s\n' \
    "$me" "$port" "$port" >"$TMP/hosts"
export LT_FANOUT_TOKEN="ssh test token"

cport=$(free_port)
lt-fanout -q --listen tcp://127.0.0.1:$cport --expect-workers 3 \
    --expect-workers-max-wait 60s -f "$TMP/s.lt" -H "$TARGET_URL" \
    -u 3 -r 100 -i 60 >"$TMP/c.ev" 2>"$TMP/c.err" &
co=$!
track_pid "$co"
mkdir "$TMP/spools"
timeout 120 "$LAUNCH" -f "$TMP/hosts" -c tcp://127.0.0.1:$cport "${LOPTS[@]}" \
    -- --spool-dir "$TMP/spools" --keep-spool 2>"$TMP/l.err" &
launcher=$!
track_pid "$launcher"
wait "$co"
check_eq "coordinator with 3 workers over ssh: exit 0" "$?" 0
wait "$launcher"
check_eq "the launcher exits 0 when its workers do" "$?" 0
check_eq "60 iterations: 60 requests" "$(nreq "$TMP/c.ev")" 60
check_eq "indexed 0..2 from the hosts file, 20 each" \
    "$(per_worker "$TMP/c.ev")" "0:20 1:20 2:20 "
check_eq "worker options after -- reached the workers (3 spools kept)" \
    "$(ls "$TMP/spools" | grep -c '^lt-fanout-.*-w[0-2]\.spool$')" 3
check "the launcher named each worker" test "$(grep -c '^lt-fanout-ssh: worker [0-2] of 3' "$TMP/l.err")" = 3
check "the token went on stdin, not on a command line" \
    test "$(grep -c 'ssh test token' "$S/sshd.err" "$TMP/l.err" | awk -F: '{ s += $2 } END { print s }')" = 0

# Killing the launcher stops the remote workers (and their lt-run).
cport=$(free_port)
lt-fanout -q --listen tcp://127.0.0.1:$cport --expect-workers 2 \
    --expect-workers-max-wait 60s --on-worker-loss continue \
    -f "$TMP/s.lt" -H "$TARGET_URL" -u 2 -r 10 -t 60s \
    >"$TMP/k.ev" 2>"$TMP/k.err" &
co=$!
track_pid "$co"
printf '127.0.0.1:%s 2\n' "$port" >"$TMP/hosts2"
"$LAUNCH" -f "$TMP/hosts2" -c tcp://127.0.0.1:$cport "${LOPTS[@]}" \
    -- --spool-dir "$TMP/spools" 2>"$TMP/l2.err" &
launcher=$!
track_pid "$launcher"
for i in $(seq 1 200); do
	[ "$(grep -c '"state":"started"' "$TMP/k.ev" 2>/dev/null)" -ge 2 ] && break
	sleep 0.1
done
wpids=$(jq -r 'select(.type == "worker" and .state == "joined") | .pid' "$TMP/k.ev" | tr '\n' ' ')
check "both workers joined (pids $wpids)" test "$(wc -w <<<"$wpids")" -eq 2
kill -TERM "$launcher"
wait "$launcher" 2>/dev/null
gone=0
for i in $(seq 1 100); do
	alive=0
	for p in $wpids; do kill -0 "$p" 2>/dev/null && alive=1; done
	[ "$alive" = 0 ] && { gone=1; break; }
	sleep 0.1
done
check_eq "the remote workers are gone within 10 s of the launcher" "$gone" 1
kill -TERM "$co" 2>/dev/null
wait "$co" 2>/dev/null
done_testing
