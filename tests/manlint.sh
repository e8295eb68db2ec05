#!/bin/sh
# tests/manlint.sh - lints every man page with mandoc (used by make lint).
set -u
rc=0
for m in share/man/man1/*.1 share/man/man5/*.5; do
	[ -f "$m" ] || continue
	mandoc -Tlint -Wwarning "$m" || rc=1
done
exit $rc
