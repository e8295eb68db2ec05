#!/usr/bin/env python3
"""ciyaml.py - the subset of YAML that lt's CI examples use, as JSON.

Usage: ciyaml.py FILE

Block mappings and sequences by indentation, "key: value" scalars (plain,
'single' or "double" quoted), literal block scalars (|), flow sequences
and mappings kept as their text, comments.  Anything else is an error, so
an example that drifts out of this subset fails the test rather than
being misread.  Prints the document as JSON.
"""
import json
import re
import sys


def scalar(s):
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"":
        return s[1:-1].replace("''", "'") if s[0] == "'" else \
            json.loads(s)
    return s


def strip_comment(line):
    out, q = [], None
    for i, c in enumerate(line):
        if q:
            if c == q:
                q = None
        elif c in "'\"" and (i == 0 or line[i - 1] in " :-[{,"):
            q = c
        elif c == "#" and (i == 0 or line[i - 1] == " "):
            break
        out.append(c)
    return "".join(out).rstrip()


def parse(lines):
    items = []  # (indent, text, lineno) of meaningful lines
    raw = lines
    i = 0
    doc = None

    def block(start, ind):
        """lines of a | scalar deeper than ind, from start."""
        out, j, base = [], start, None
        while j < len(raw):
            l = raw[j]
            if l.strip() == "":
                out.append("")
                j += 1
                continue
            n = len(l) - len(l.lstrip(" "))
            if n <= ind:
                break
            base = n if base is None else base
            out.append(l[base:])
            j += 1
        while out and out[-1] == "":
            out.pop()
        return "\n".join(out) + "\n", j

    def node(j, ind):
        """parses the node whose lines are indented >= ind from j."""
        while j < len(raw) and strip_comment(raw[j]).strip() == "":
            j += 1
        if j >= len(raw):
            return None, j
        l = strip_comment(raw[j])
        n = len(l) - len(l.lstrip(" "))
        if n < ind:
            return None, j
        if l.lstrip().startswith("- ") or l.strip() == "-":
            seq = []
            while j < len(raw):
                l = strip_comment(raw[j])
                if l.strip() == "":
                    j += 1
                    continue
                m = len(l) - len(l.lstrip(" "))
                if m < n:
                    break
                if m != n or not l.lstrip().startswith("-"):
                    sys.exit(f"ciyaml: line {j + 1}: bad sequence item")
                rest = l.lstrip()[1:].lstrip()
                if re.match(r"^[A-Za-z_][\w.-]*:( |$)", rest):
                    # a mapping item: re-read it as if indented by 2
                    raw[j] = " " * (n + 2) + rest
                    v, j = node(j, n + 2)
                    seq.append(v)
                else:
                    seq.append(scalar(rest))
                    j += 1
            return seq, j
        mp = {}
        while j < len(raw):
            l = strip_comment(raw[j])
            if l.strip() == "":
                j += 1
                continue
            m = len(l) - len(l.lstrip(" "))
            if m < n:
                break
            if m > n:
                sys.exit(f"ciyaml: line {j + 1}: unexpected indent")
            mm = re.match(r"^([A-Za-z_][\w.-]*|\"[^\"]*\"):(?: (.*))?$",
                          l.strip())
            if not mm:
                sys.exit(f"ciyaml: line {j + 1}: expected key: value")
            key, val = scalar(mm.group(1)), (mm.group(2) or "").strip()
            if val == "|":
                mp[key], j = block(j + 1, n)
            elif val == "":
                mp[key], j = node(j + 1, n + 1)
            else:
                mp[key] = scalar(val)
                j += 1
        return mp, j

    doc, i = node(0, 0)
    return doc


print(json.dumps(parse(open(sys.argv[1]).read().split("\n"))))
