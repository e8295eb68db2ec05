#!/bin/sh
# tests/layering.sh - checks that lib/ keeps its layout (DESIGN.md, Layout):
# every project include names its part ("core/buf.h"), includes point only
# the allowed directions, and no two modules include each other through any
# chain (a module is x.c with x.h).  Prints each fault as FILE:LINE: cause
# and exits 1 if there is one, 0 if none.  Run by `make lint` and by
# tests/pipe/layering.sh, which plants each fault in a copy of lib/.
#
#   tests/layering.sh [LIBDIR]      (default: lib)
#
# Allowed: core -> nothing; run -> core; agg -> core; report -> core, agg;
# fanout -> core, run, agg.  A part may always include itself.
set -u
lib=${1:-lib}
[ -d "$lib" ] || { echo "layering: $lib: no such directory" >&2; exit 2; }

faults=$(mktemp) || exit 2
edges=$(mktemp) || exit 2
trap 'rm -f "$faults" "$edges"' EXIT

# One line per project include: FILE LINE PART MODULE INCLUDED-PATH
find "$lib" -name '*.[ch]' | sort | while read -r f; do
	rel=${f#"$lib"/}
	part=${rel%%/*}
	mod=$(basename "$f")
	mod=${mod%.[ch]}
	grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
	    sed 's/^\([0-9]*\):[^"]*"\([^"]*\)".*/\1 \2/' |
	    while read -r line inc; do
		echo "$f $line $part $mod $inc"
	done
done | awk -v faults="$faults" -v edges="$edges" '
BEGIN {
	ok["core"] = " core "
	ok["run"] = " run core "
	ok["agg"] = " agg core "
	ok["report"] = " report core agg "
	ok["fanout"] = " fanout core run agg "
}
{
	file = $1; line = $2; part = $3; mod = $4; inc = $5
	if (!(part in ok)) {
		printf "%s:%s: %s is not a part of lib/\n", file, line, part > faults
		next
	}
	n = split(inc, p, "/")
	if (n != 2) {
		printf "%s:%s: include \"%s\" does not name its part\n", file, line, inc > faults
		next
	}
	if (index(ok[part], " " p[1] " ") == 0) {
		printf "%s:%s: %s may not use %s (\"%s\")\n", file, line, part, p[1], inc > faults
		next
	}
	m = p[2]; sub(/\.h$/, "", m)
	if (part "/" mod != p[1] "/" m)
		print part "/" mod, p[1] "/" m > edges
}'

# tsort names the modules of a loop on stderr, one per line after
# "input contains a loop".
loop=$(tsort "$edges" 2>&1 >/dev/null | sed -n 's/^tsort: //p' | grep -v 'input contains a loop')
if [ -n "$loop" ]; then
	echo "$lib: include cycle between modules: $(echo "$loop" | tr '\n' ' ')" >>"$faults"
fi

if [ -s "$faults" ]; then
	cat "$faults" >&2
	exit 1
fi
exit 0
