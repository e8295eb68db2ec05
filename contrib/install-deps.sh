#!/bin/sh
# contrib/install-deps.sh - installs the Debian 12 packages lt needs to
# build, test and run, when any is missing.  Called by the Makefile; safe
# to run by hand.  As root it runs apt-get; otherwise it prints the exact
# apt-get line to run and exits 3.
#
#   --check   only report what is missing (exit 0 if nothing, 3 if some)
#   --test    also what the test suite uses (python3, nginx, openssl,
#             prometheus-pushgateway, xmllint)
#   --browser also chromium, for the report's browser test
#   --bench   also the benchmarks' peers and tools (wrk, hey, Locust,
#             /usr/bin/time, valgrind, clang with libFuzzer)
set -u

check_only=0
with_test=0
with_browser=0
with_bench=0
for a in "$@"; do
	case $a in
	--check) check_only=1 ;;
	--test) with_test=1 ;;
	--browser) with_browser=1 ;;
	--bench) with_bench=1 ;;
	*) echo "usage: install-deps.sh [--check] [--test] [--browser] [--bench]" >&2; exit 2 ;;
	esac
done

missing=""
need() {	# need PACKAGE TEST-COMMAND...
	pkg=$1
	shift
	"$@" >/dev/null 2>&1 || missing="$missing $pkg"
}
has_pc() { command -v pkg-config >/dev/null && pkg-config --exists "$1"; }
has_hdr() { [ -f "/usr/include/$1" ]; }
has_cmd() { command -v "$1"; }
has_py() { /usr/bin/python3 -c "import $1" 2>/dev/null; }
has_fuzzer_rt() { ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a; }

need build-essential has_cmd cc
need make has_cmd make
need pkg-config has_cmd pkg-config
need libcurl4-openssl-dev has_pc libcurl
need libcmark-dev has_pc libcmark
need libjansson-dev has_pc jansson
need libev-dev has_hdr ev.h
need libnng-dev has_hdr nng/nng.h
need gnuplot-nox has_cmd gnuplot
need jq has_cmd jq
need curl has_cmd curl
need procps has_cmd ps
need mandoc has_cmd mandoc
if [ "$with_test" = 1 ]; then
	need python3 has_cmd python3
	need nginx-light has_cmd nginx
	need openssl has_cmd openssl
	need prometheus-pushgateway has_cmd prometheus-pushgateway
	need libxml2-utils has_cmd xmllint
fi
if [ "$with_browser" = 1 ]; then
	need chromium has_cmd chromium
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
# A fresh machine has empty package lists; refresh them once.
if ! apt-get install -y --no-install-recommends $missing >/dev/null 2>&1; then
	apt-get update -q >/dev/null 2>&1
	apt-get install -y -q --no-install-recommends $missing >&2 || {
		echo "install-deps: apt-get install failed" >&2
		exit 3
	}
fi
echo "install-deps: done" >&2
