#!/bin/sh
# tests/manlint.sh - lints every man page with mandoc (used by make lint),
# and renders each one to catch what -Tlint does not: nested quoting
# macros on one line (".Pq Ql a , Ql b") render as "(‘a, ‘b’’)", a
# single quote opened again before it was closed.
set -u
rc=0
for m in share/man/man1/*.1 share/man/man5/*.5; do
	[ -f "$m" ] || continue
	mandoc -Tlint -Wwarning "$m" || rc=1
	mandoc -T utf8 "$m" | sed "s/.\x08//g" | awk -v m="$m" '
	{
		# byte-wise awks (mawk) too: map the glyphs to one byte each
		s = $0
		gsub(/‘/, "\001", s)
		gsub(/’/, "\002", s)
		gsub(/[^\001\002]/, "", s)
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (c == "\001" && open) {
				printf "%s: unbalanced quotes: %s\n", m, $0
				bad = 1
				open = 0
				break
			}
			open = (c == "\001")
		}
	}
	END { exit bad }' || rc=1
done
exit $rc
