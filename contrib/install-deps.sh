#!/bin/sh
# contrib/install-deps.sh - installs the Debian 12 packages lt needs to
# build, test and run, when any is missing.  Called by the Makefile; safe
# to run by hand.  As root it runs apt-get; otherwise it prints the exact
# apt-get line to run and exits 3.
#
#   --check   only report what is missing (exit 0 if nothing, 3 if some)
#   --list    only print the packages the chosen flags stand for
#   --test    also every program a test or `make demo` calls (python3,
#             nginx, openssl, /usr/bin/time, col, chromium,
#             prometheus-pushgateway, xmllint, iproute2, openssh...)
#   --browser the same as --test (chromium is part of it now)
#   --deb     also what `make deb` needs (debhelper, dpkg-dev, lintian)
#   --fresh   also what `make fresh-check` needs (debootstrap)
#   --bench   also the benchmarks' peers and tools (wrk, hey, Locust,
#             /usr/bin/time, valgrind, clang with libFuzzer)
#
# The rule: a program that any test calls is listed under --test here, as
# `need PACKAGE PROBE`.  `make fresh-check` proves it: the whole suite runs
# in a minimal Debian 12 root where only this script installed anything.
set -u

check_only=0
list_only=0
with_test=0
with_deb=0
with_fresh=0
with_bench=0
for a in "$@"; do
	case $a in
	--check) check_only=1 ;;
	--list) list_only=1 ;;
	--test) with_test=1 ;;
	--browser) with_test=1 ;;
	--deb) with_deb=1 ;;
	--fresh) with_fresh=1 ;;
	--bench) with_bench=1 ;;
	*) echo "usage: install-deps.sh [--check|--list] [--test] [--browser] [--deb] [--fresh] [--bench]" >&2; exit 2 ;;
	esac
done

missing=""
listed=""
need() {	# need PACKAGE TEST-COMMAND...
	pkg=$1
	shift
	case " $listed " in *" $pkg "*) ;; *) listed="$listed $pkg" ;; esac
	[ "$list_only" = 1 ] && return 0
	case " $missing " in *" $pkg "*) return 0 ;; esac
	"$@" >/dev/null 2>&1 || missing="$missing $pkg"
}
has_pc() { command -v pkg-config >/dev/null && pkg-config --exists "$1"; }
has_hdr() { [ -f "/usr/include/$1" ]; }
has_cmd() { command -v "$1"; }
has_py() { /usr/bin/python3 -c "import $1" 2>/dev/null; }
has_file() { [ -e "$1" ]; }
has_pkg() { dpkg-query -W -f '${Status}' "$1" | grep -q 'ok installed'; }
has_fuzzer_rt() { ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a; }

need build-essential has_pkg build-essential	# a cc alone may lack libc6-dev
need make has_cmd make
need pkg-config has_cmd pkg-config
need libcurl4-openssl-dev has_pc libcurl
need libcmark-dev has_pc libcmark
need libjansson-dev has_pc jansson
need libev-dev has_hdr ev.h
need libnng-dev has_hdr nng/nng.h
need libssl-dev has_pc libcrypto
need gnuplot-nox has_cmd gnuplot
need jq has_cmd jq
need curl has_cmd curl
need procps has_cmd ps
need mandoc has_cmd mandoc
if [ "$with_test" = 1 ]; then
	need python3 has_cmd python3
	need python3-yaml has_py yaml	# fanout_deploy: the k8s YAML
	need nginx-light has_cmd nginx
	need openssl has_cmd openssl
	need prometheus-pushgateway has_cmd prometheus-pushgateway
	need libxml2-utils has_cmd xmllint
	need time has_cmd /usr/bin/time
	need bsdextrautils has_cmd col	# col, column
	need bsdutils has_cmd script
	need faketime has_cmd faketime
	need openssh-client has_cmd ssh
	need openssh-server has_cmd /usr/sbin/sshd
	need chromium has_cmd chromium
	need fonts-dejavu-core has_file /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
	need iproute2 has_cmd ip
	need zsh has_cmd zsh	# the zsh completion's test
fi
if [ "$with_deb" = 1 ]; then
	need debhelper has_cmd dh
	need dpkg-dev has_cmd dpkg-buildpackage
	need lintian has_cmd lintian
	need bash-completion has_pc bash-completion
fi
if [ "$with_fresh" = 1 ]; then
	need debootstrap has_cmd debootstrap
	need git has_cmd git
	need tar has_cmd tar
fi
if [ "$with_bench" = 1 ]; then
	need wrk has_cmd wrk
	need hey has_cmd hey
	need python3-locust has_cmd locust
	need python3-aiohttp has_py aiohttp
	need nginx-light has_cmd nginx
	need time has_cmd /usr/bin/time
	need util-linux has_cmd taskset
	need valgrind has_cmd valgrind
	need clang has_cmd clang
	need libclang-rt-14-dev has_fuzzer_rt
fi

if [ "$list_only" = 1 ]; then
	echo $listed
	exit 0
fi
[ -z "$missing" ] && exit 0
if [ "$check_only" = 1 ]; then
	echo "missing packages:$missing" >&2
	exit 3
fi
if [ "$(id -u)" != 0 ]; then
	echo "lt needs these Debian packages; run as root:" >&2
	echo "  apt-get install -y$missing" >&2
	exit 3
fi
echo "install-deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# Wait for another apt-get (a parallel build) instead of failing at once.
lock="-o DPkg::Lock::Timeout=600"
# A fresh machine has empty package lists; refresh them once.
if ! apt-get $lock install -y --no-install-recommends $missing >/dev/null 2>&1; then
	apt-get $lock update -q >/dev/null 2>&1
	apt-get $lock install -y -q --no-install-recommends $missing >&2 || {
		echo "install-deps: apt-get install failed" >&2
		exit 3
	}
fi
echo "install-deps: done" >&2
