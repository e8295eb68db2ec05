#!/usr/bin/env bash
# install.sh - make install with DESTDIR puts programs, man pages and the
# shared files in place, and make uninstall removes what it installed.
. "$(dirname "$0")/../lib.sh"

d=$TMP/dest
make -s -C "$LT_TOP" install DESTDIR="$d" PREFIX=/usr/local >"$TMP/log" 2>&1
check_eq "make install exits 0" "$?" 0
for p in lt-run lt-agg lt-report lt-target; do
	check "$p installed and runs" "$d/usr/local/bin/$p" --version
done
for m in man1/lt-run.1 man1/lt-agg.1 man1/lt-report.1 man5/lt-scenario.5 \
    man5/lt-events.5 man5/lt-aggregate.5; do
	check "$m installed" test -f "$d/usr/local/share/man/$m"
done
check "example scenarios installed" test -f "$d/usr/local/share/lt/scenarios/shop.lt"
check "contrib installed" test -f "$d/usr/local/share/lt/contrib/cron/nightly.sh"
make -s -C "$LT_TOP" uninstall DESTDIR="$d" PREFIX=/usr/local >"$TMP/log" 2>&1
check_eq "make uninstall exits 0" "$?" 0
left=$(find "$d" -type f | wc -l)
check_eq "uninstall leaves no file behind" "$left" 0
done_testing
