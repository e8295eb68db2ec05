#!/bin/sh
# tests/fuzz/run.sh - builds every harness tests/fuzz/fuzz_NAME.c with
# libFuzzer, ASan and UBSan (clang) and runs each for SECONDS (make fuzz).
#
# Usage: tests/fuzz/run.sh [SECONDS]   (default 60)
# Seeds come from tests/fuzz/corpus/NAME/ (read only); new inputs go to
# build/fuzz/corpus/NAME/, crash, leak and timeout reproducers to
# build/fuzz/NAME/.  A finding stops that harness and makes the script exit
# 1; add the reproducer to tests/fuzz/corpus/NAME/ once it is fixed, so
# the replay test (build/tests/fuzz_NAME_test) keeps checking it.
# FUZZ=name limits the run to harnesses whose name contains it.
set -u
cd "$(dirname "$0")/../.."
secs=${1:-60}
out=build/fuzz
CC=${FUZZ_CC:-clang}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
CFLAGS="-std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -Ilib \
    $(pkg-config --cflags jansson libcurl libcmark 2>/dev/null)"
LIBS="$(pkg-config --libs jansson libcurl libcmark 2>/dev/null) -lev -lnng \
    -lm -lpthread"

command -v "$CC" >/dev/null || { echo "fuzz: $CC not found" >&2; exit 3; }
mkdir -p "$out/lib"

# liblt instrumented for coverage (fuzzer-no-link) and the sanitizers
objs=""
for c in lib/*/*.c; do
	o=$out/lib/$(basename "$(dirname "$c")")-$(basename "$c" .c).o
	if [ ! -f "$o" ] || [ "$c" -nt "$o" ] || [ -n "$(find lib -name '*.h' -newer "$o")" ]; then
		$CC $CFLAGS $SAN -fsanitize=fuzzer-no-link -c -o "$o" "$c" || exit 3
	fi
	objs="$objs $o"
done
rm -f "$out/liblt.a"
ar rcs "$out/liblt.a" $objs || exit 3

rc=0
for h in tests/fuzz/fuzz_*.c; do
	[ -f "$h" ] || continue
	name=$(basename "$h" .c)
	name=${name#fuzz_}
	case $name in *"${FUZZ:-}"*) ;; *) continue ;; esac
	bin=$out/fuzz_$name
	$CC $CFLAGS $SAN -fsanitize=fuzzer -o "$bin" "$h" "$out/liblt.a" \
	    $LIBS || exit 3
	mkdir -p "$out/corpus/$name" "$out/$name" "tests/fuzz/corpus/$name"
	dict=""
	[ ! -f "tests/fuzz/$name.dict" ] || dict=-dict=tests/fuzz/$name.dict
	echo "== fuzz_$name: ${secs}s"
	ASAN_OPTIONS=detect_leaks=1 "$bin" -max_total_time="$secs" $dict \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$out/$name/" \
	    "$out/corpus/$name" "tests/fuzz/corpus/$name" \
	    >"$out/$name.log" 2>&1
	st=$?
	tail -n 12 "$out/$name.log"
	if [ "$st" -ne 0 ]; then
		echo "fuzz: fuzz_$name found a problem (status $st);" \
		    "see $out/$name.log and $out/$name/" >&2
		rc=1
	fi
done
exit $rc
