#!/usr/bin/env bash
# tests/fresh.sh - `make fresh-check`: the README's promise on a fresh
# machine.  Builds a minimal Debian 12 root (debootstrap --variant=minbase
# with gcc, make and git, from the apt mirror this machine uses), clones the
# committed HEAD into it and runs there, as root and as the first commands,
# the README's `make demo` and `make check`; then `make deb` (lintian
# clean), and installs that package with apt-get into a second clean root
# and runs a short pipeline with the installed programs.
#
# The debootstrapped root is cached as a pristine tarball
# ($LT_FRESH_CACHE/root.tar, default /var/cache/lt-fresh); every run
# unpacks new roots from it, so no run sees what an earlier one installed.
# Downloaded .deb files are kept in $LT_FRESH_CACHE/archives (bind-mounted
# as the roots' apt archive cache) so that later runs download less.
#
# Environment:
#   LT_FRESH_STEPS   which steps to run, of: demo check deb install
#                    (default all; the root and clone are made as needed)
#   LT_FRESH_CACHE   cache directory (default /var/cache/lt-fresh)
#   LT_FRESH_DIR     where the roots are unpacked (default $cache/roots)
#   LT_FRESH_LOGS    where each step's log goes (default build/fresh)
#   LT_FRESH_MIRROR  apt mirror (default: read from /etc/apt)
#
# Needs root, debootstrap, tar, git (contrib/install-deps.sh --fresh).
# Prints TAP lines, each with its time, and a closing
# "fresh-check: N passed, N failed" line; on a failure the log's path and
# its tail.  Exit status 1 when any step failed, 3 when it cannot run.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${LT_FRESH_CACHE:-/var/cache/lt-fresh}
roots=${LT_FRESH_DIR:-$cache/roots}
logs=${LT_FRESH_LOGS:-$top/build/fresh}
steps=${LT_FRESH_STEPS:-demo check deb install}
suite=bookworm
include=gcc,make,git
chroot_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

die() {
	echo "fresh-check: $*" >&2
	exit 3
}

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot, mount)"
for t in debootstrap tar git chroot mount; do
	command -v "$t" >/dev/null 2>&1 ||
	    die "$t not installed: run 'sh contrib/install-deps.sh --fresh'"
done
for s in $steps; do
	case $s in
	demo | check | deb | install) ;;
	*) die "unknown step '$s' in LT_FRESH_STEPS (demo check deb install)" ;;
	esac
done

# mirror: the first URI serving $suite in the machine's own apt sources.
mirror() {
	local f u
	if [ -n "${LT_FRESH_MIRROR:-}" ]; then
		echo "$LT_FRESH_MIRROR"
		return
	fi
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		u=$(awk -v s="$suite" '
		    /^$/ { if (uri != "" && ok && deb) { print uri; exit } uri = ""; ok = 0; deb = 0 }
		    /^URIs:/ { uri = $2 }
		    /^Types:/ && / deb( |$)/ { deb = 1 }
		    /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s) ok = 1 }
		    END { if (uri != "" && ok && deb) print uri }' "$f" | head -n 1)
		[ -n "$u" ] && { echo "$u"; return; }
	done
	u=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
	    awk -v s="$suite" '$1 == "deb" && $3 == s { print $2; exit }')
	echo "${u:-http://deb.debian.org/debian}"
}
mirror_url=$(mirror)

mkdir -p "$cache/archives/partial" "$roots" "$logs" || die "cannot create $cache or $logs"
rm -f "$logs"/*.log

n=0
failed=0
passed=0
t_all=$(date +%s)
ok() {
	n=$((n + 1))
	passed=$((passed + 1))
	echo "ok $n - $*"
}
not_ok() {	# not_ok WHAT LOG
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	if [ -n "${2:-}" ] && [ -f "$2" ]; then
		echo "#   log: $2 (last 30 lines:)"
		tail -n 30 "$2" | sed 's/^/#   | /'
	fi
}
secs() { echo "$(($(date +%s) - $1))s"; }

# --- mounting and cleaning up roots -------------------------------------

mounted_under() {	# mount points at or under $1, deepest first
	awk -v r="$1" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/self/mounts |
	    sort -r
}

# stop_procs ROOT: ends the processes whose root directory is ROOT (only
# ones this script started there: nothing else runs in these roots).
stop_procs() {
	local r=$1 p sig found
	for sig in TERM KILL; do
		found=0
		for p in /proc/[0-9]*; do
			[ "$(readlink "$p/root" 2>/dev/null)" = "$r" ] || continue
			kill -s "$sig" "${p#/proc/}" 2>/dev/null && found=1
		done
		[ "$found" = 1 ] || return 0
		sleep 1
	done
}

unmount_root() {
	local r=$1 m
	[ -d "$r" ] || return 0
	stop_procs "$r"
	for m in $(mounted_under "$r"); do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	[ -z "$(mounted_under "$r")" ]
}

# remove_root ROOT: deletes a root only when nothing is mounted under it,
# so that a bind mount of /dev is never deleted through.
remove_root() {
	local r=$1
	[ -d "$r" ] || return 0
	unmount_root "$r" || die "still mounted under $r; not removing it"
	rm -rf --one-file-system "$r"
}

# mount_root ROOT: makes ROOT a mount point of its own (as / is on a real
# machine: without it `ip netns exec` fails inside, on "mount --make-rslave
# /"), then mounts /proc, /dev, /sys and the apt archive cache in it.
mount_root() {
	local r=$1
	mount --bind "$r" "$r" &&
	    mount -t proc proc "$r/proc" &&
	    mount --rbind /dev "$r/dev" && mount --make-rslave "$r/dev" &&
	    { mount -t sysfs sysfs "$r/sys" 2>/dev/null ||
	      { mount --rbind /sys "$r/sys" && mount --make-rslave "$r/sys"; }; } &&
	    mount --bind "$cache/archives" "$r/var/cache/apt/archives"
}

made_roots=""
cleanup() {
	local r
	for r in $made_roots; do
		unmount_root "$r" ||
		    echo "# fresh-check: could not unmount everything under $r" >&2
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# in_root ROOT LOG LIMIT COMMAND: runs COMMAND with bash as root inside
# ROOT, in a clean environment, under a time limit.
in_root() {
	local r=$1 log=$2 limit=$3
	shift 3
	timeout -k 10 "$limit" chroot "$r" /usr/bin/env -i HOME=/root \
	    PATH="$chroot_path" LANG=C.UTF-8 TERM=dumb \
	    DEBIAN_FRONTEND=noninteractive /bin/bash -c "$*" \
	    >>"$log" 2>&1 </dev/null
}

# --- the pristine root --------------------------------------------------

tarball=$cache/root.tar
stamp="$suite $include $mirror_url"
if [ -f "$tarball" ] && [ "$(cat "$tarball.stamp" 2>/dev/null)" = "$stamp" ]; then
	ok "root: pristine Debian 12 minbase root from $tarball (cached)"
else
	t0=$(date +%s)
	log=$logs/debootstrap.log
	b=$cache/build
	remove_root "$b"
	rm -f "$tarball" "$tarball.stamp"
	if debootstrap --variant=minbase --include="$include" "$suite" "$b" \
	    "$mirror_url" >"$log" 2>&1 &&
	    rm -rf "$b/var/cache/apt/archives/"*.deb "$b/var/lib/apt/lists/"* &&
	    tar -C "$b" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"; then
		echo "$stamp" >"$tarball.stamp"
		ok "root: debootstrap $suite minbase + $include from $mirror_url ($(secs "$t0"))"
	else
		not_ok "root: debootstrap $suite minbase from $mirror_url" "$log"
		remove_root "$b"
		echo "fresh-check: $passed passed, $failed failed"
		exit 1
	fi
	remove_root "$b"
fi

# new_root NAME: a new root unpacked from the tarball, with the machine's
# apt sources and resolver, mounted.  Prints its path.
new_root() {
	local r=$roots/$1
	remove_root "$r"
	mkdir -p "$r" && tar -C "$r" -xf "$tarball" || return 1
	made_roots="$made_roots $r"
	if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
		rm -f "$r/etc/apt/sources.list"
		cp /etc/apt/sources.list.d/*.sources "$r/etc/apt/sources.list.d/"
	fi
	cp -L /etc/resolv.conf "$r/etc/resolv.conf" 2>/dev/null
	# What the Debian installer writes and debootstrap does not: without
	# it, localhost does not resolve in the root.
	[ -s "$r/etc/hosts" ] || printf '%s\n' '127.0.0.1	localhost' \
	    '::1		localhost ip6-localhost ip6-loopback' >"$r/etc/hosts"
	# No daemon a package installs (nginx, sshd) starts in the root: it
	# would share this machine's network and outlive the run.
	printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d"
	chmod 755 "$r/usr/sbin/policy-rc.d"
	# Keep what apt downloads (the bind-mounted cache) for the next run.
	echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' \
	    >"$r/etc/apt/apt.conf.d/01lt-fresh-keep"
	mount_root "$r"
}

# --- root A: the README's commands on a clone of HEAD -------------------

head=$(git -C "$top" rev-parse HEAD) || die "$top is not a git checkout"
root_a=""
need_root_a() {
	[ -n "$root_a" ] && return 0
	local t0 log=$logs/clone.log
	t0=$(date +%s)
	root_a=$roots/a
	if new_root a >"$log" 2>&1 &&
	    git clone -q --no-checkout "$top" "$root_a/root/lt" >>"$log" 2>&1 &&
	    git -C "$root_a/root/lt" checkout -q --detach "$head" >>"$log" 2>&1; then
		ok "clone: HEAD ${head:0:12} cloned into a fresh root ($(secs "$t0"))"
	else
		not_ok "clone: HEAD into a fresh root" "$log"
		return 1
	fi
}

# summary LOG: the suite's closing "N passed, N failed" line.
summary() {
	grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1 | grep . ||
	    echo "no summary line"
}

want() { case " $steps " in *" $1 "*) return 0 ;; esac; return 1; }

run_step() {	# run_step NAME LIMIT COMMAND: in root A, /root/lt
	local limit=$2 cmd=$3 t0 log=$logs/$1.log
	t0=$(date +%s)
	: >"$log"
	if in_root "$root_a" "$log" "$limit" "cd /root/lt && $cmd"; then
		step_time=$(secs "$t0")
		return 0
	fi
	step_time=$(secs "$t0")
	return 1
}

if want demo && need_root_a; then
	if run_step demo 600 "make demo" &&
	    [ -s "$root_a/root/lt/demo/index.html" ]; then
		ok "demo: 'make demo' as the first command, report in demo/index.html ($step_time)"
	else
		not_ok "demo: 'make demo' as the first command ($step_time)" "$logs/demo.log"
	fi
fi

if want check && need_root_a; then
	if run_step check 1200 "make check"; then
		ok "check: 'make check': $(summary "$logs/check.log") ($step_time)"
	else
		not_ok "check: 'make check': $(summary "$logs/check.log") ($step_time)" \
		    "$logs/check.log"
		grep -E '^(# failed:| *not ok)' "$logs/check.log" | sed 's/^ */#   /'
	fi
	grep '^ *ok .*# SKIP' "$logs/check.log" |
	    sed 's/^ *ok [0-9]* - \(.*\)# SKIP /#   skipped: \1/'
fi

debfile=""
if want deb && need_root_a; then
	if run_step deb 600 "sh contrib/install-deps.sh --deb && make deb"; then
		debfile=$(ls "$root_a"/root/lt/build/deb/lt_*.deb 2>/dev/null | head -n 1)
	fi
	if [ -n "$debfile" ]; then
		ok "deb: 'make deb' built ${debfile##*/}, lintian clean ($step_time)"
	else
		not_ok "deb: 'make deb' ($step_time)" "$logs/deb.log"
	fi
fi

# --- root B: the package in a clean root --------------------------------

if want install; then
	t0=$(date +%s)
	log=$logs/install.log
	: >"$log"
	if [ -z "$debfile" ]; then
		debfile=$(ls "$roots"/a/root/lt/build/deb/lt_*.deb 2>/dev/null | head -n 1)
	fi
	if [ -z "$debfile" ]; then
		echo "no package: run the deb step first" >"$log"
		not_ok "install: no .deb to install (the deb step did not make one)" "$log"
	elif new_root b >>"$log" 2>&1 && cp "$debfile" "$roots/b/tmp/" &&
	    in_root "$roots/b" "$log" 600 "
		set -ex
		apt-get update -q
		apt-get install -y -q --no-install-recommends /tmp/${debfile##*/}
		cd /tmp
		lt-target -q -p 0 --port-file port >/dev/null &
		pid=\$!
		for i in \$(seq 100); do [ -s port ] && break; sleep 0.1; done
		lt-run -q -f /usr/share/doc/lt/examples/scenarios/demo.lt \
		    -H http://127.0.0.1:\$(cat port) -t 3s | lt-agg | lt-report -o rep
		kill \$pid
		test -s rep/index.html && test -s rep/report.md
		grep -q 'Requests' rep/report.md
		test -f /usr/share/man/man1/lt-run.1.gz
		test -f /usr/share/man/man5/lt-scenario.5.gz
		test -f /usr/share/bash-completion/completions/lt-run
		test -f /usr/share/zsh/vendor-completions/_lt
		apt-get remove -y -q lt
		! command -v lt-run"; then
		ok "install: apt-get install ${debfile##*/} in a clean root, lt-run | lt-agg | lt-report, removed ($(secs "$t0"))"
	else
		not_ok "install: the package in a clean root ($(secs "$t0"))" "$log"
	fi
fi

cleanup
made_roots=""
if [ "$failed" = 0 ]; then
	remove_root "$roots/a"
	remove_root "$roots/b"
else
	echo "# roots kept for a look: $roots (logs in $logs)"
fi
echo "# fresh-check took $(secs "$t_all")"
echo "fresh-check: $passed passed, $failed failed"
[ "$failed" = 0 ]
