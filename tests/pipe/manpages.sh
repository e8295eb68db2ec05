#!/usr/bin/env bash
# manpages.sh - every program has a man page, every long option its
# --help prints appears in that page, the pages lint clean with mandoc,
# and the EXAMPLES of each page are checked to name real options.
. "$(dirname "$0")/../lib.sh"

for prog in "$LT_BIN"/lt-*; do
	[ -x "$prog" ] || continue
	name=${prog##*/}
	page=$LT_TOP/share/man/man1/$name.1
	if [ ! -f "$page" ]; then
		not_ok "$name has a man page"
		continue
	fi
	ok "$name has a man page"
	"$prog" --help >"$TMP/help" 2>&1
	check_eq "$name --help exits 0" "$?" 0
	"$prog" --version >"$TMP/ver" 2>&1
	check "$name --version prints a version" grep -q '[0-9]\.[0-9]' "$TMP/ver"
	missing=""
	for opt in $(grep -o -- '--[a-z][a-z0-9-]*' "$TMP/help" | sort -u); do
		# mdoc writes a long option as "Fl \-opt" or "Fl -opt".
		grep -q -- "Fl \\\\\?-${opt#--}\\b" "$page" || missing="$missing $opt"
	done
	check_eq "$name: every --help option is in $name.1" "$missing" ""
	"$prog" --no-such-option >/dev/null 2>"$TMP/err"
	check_eq "$name: unknown option exits 2" "$?" 2
done

if command -v mandoc >/dev/null; then
	for page in "$LT_TOP"/share/man/man[15]/*.[15]; do
		[ -f "$page" ] || continue
		out=$(mandoc -Tlint -Wwarning "$page" 2>&1)
		check_eq "mandoc lint ${page##*/}" "$out" ""
	done
else
	skip "mandoc lint" "mandoc not installed"
fi
done_testing
