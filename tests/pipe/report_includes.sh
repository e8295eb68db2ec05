#!/usr/bin/env bash
# report_includes.sh - lib/report's modules include each other without a
# cycle (issue 10: md.c and plot.c once took HTML escaping from html.c,
# which includes them back), and nothing in lib/report is included from
# core, run or agg.  A module is a .c with its .h; an edge is an
# #include "report/x.h" in either.
. "$(dirname "$0")/../lib.sh"

if out=$(python3 - "$LT_TOP/lib" <<'PY' 2>&1
import os, re, sys
lib = sys.argv[1]
inc = re.compile(r'^\s*#\s*include\s+"report/([a-z0-9_]+)\.h"', re.M)
edges = {}
for f in os.listdir(os.path.join(lib, "report")):
    m, ext = os.path.splitext(f)
    if ext not in (".c", ".h"):
        continue
    text = open(os.path.join(lib, "report", f)).read()
    edges.setdefault(m, set()).update(x for x in inc.findall(text) if x != m)
bad = []
for part in ("core", "run", "agg"):
    d = os.path.join(lib, part)
    for f in os.listdir(d) if os.path.isdir(d) else []:
        if inc.search(open(os.path.join(d, f)).read()):
            bad.append("lib/%s/%s includes lib/report" % (part, f))
state = {}
def visit(m, path):
    state[m] = 1
    for n in sorted(edges.get(m, ())):
        if state.get(n) == 1:
            bad.append("cycle: " + " -> ".join(path[path.index(n):] + [n]))
        elif n not in state:
            visit(n, path + [n])
    state[m] = 2
for m in sorted(edges):
    if m not in state:
        visit(m, [m])
if bad:
    print("\n".join(bad))
    sys.exit(1)
print("%d modules" % len(edges))
PY
); then
	ok "lib/report includes form no cycle ($out)"
else
	not_ok "lib/report includes form no cycle"
	echo "$out" | sed 's/^/#   /'
fi
done_testing
