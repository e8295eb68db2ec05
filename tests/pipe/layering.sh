#!/usr/bin/env bash
# layering.sh - tests/layering.sh catches each way lib/ can lose its
# layout: planted in a copy of lib/, an include across the directions, an
# include without its part and a cycle between two modules are each named
# with file and line (or the modules of the loop); the real tree is clean.
. "$(dirname "$0")/../lib.sh"

chk=$LT_TOP/tests/layering.sh
cd "$TMP" || exit 3

sh "$chk" "$LT_TOP/lib" 2>err
check_eq "the tree's lib/ keeps its layout" "$?:$(cat err)" "0:"

fresh() { rm -rf lib && cp -R "$LT_TOP/lib" lib; }

fresh
sed -i '1a #include "report/csv.h"' lib/core/buf.c
sh "$chk" lib 2>err
check_eq "core using report: exit 1" "$?" 1
check "... named with file and line" grep -q '^lib/core/buf.c:2: core may not use report ("report/csv.h")$' err

fresh
sed -i '1a #include "agg/agg.h"' lib/run/evout.c
sh "$chk" lib 2>err
check_eq "run using agg: exit 1" "$?" 1
check "... named with file and line" grep -q '^lib/run/evout.c:2: run may not use agg' err

fresh
sed -i '1a #include "buf.h"' lib/agg/keytab.c
sh "$chk" lib 2>err
check_eq "an include without its part: exit 1" "$?" 1
check "... named" grep -q '^lib/agg/keytab.c:2: include "buf.h" does not name its part$' err

fresh
sed -i '1a #include "agg/thresh.h"' lib/agg/keytab.h
sed -i '1a #include "agg/keytab.h"' lib/agg/thresh.c
sh "$chk" lib 2>err
check_eq "a cycle between two modules: exit 1" "$?" 1
check "... names both modules" grep -q 'include cycle between modules: .*agg/keytab.*' err
check "... and the other" grep -q 'include cycle between modules: .*agg/thresh' err

fresh
mkdir lib/extra && echo '#include "core/buf.h"' >lib/extra/x.c
sh "$chk" lib 2>err
check_eq "a folder that is no part: exit 1" "$?" 1

done_testing
