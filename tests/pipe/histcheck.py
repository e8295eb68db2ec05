#!/usr/bin/env python3
"""histcheck.py - reads lt-report --history's page into facts for a test.

Usage: histcheck.py FILE

Parses the page with html.parser (well-formedness: every non-void element
closed in order) and prints JSON: the nights table rows (cells and link),
the regressions rows, the number of inline <svg> charts and their
aria-labels, the ids of <script>-like elements (must be none) and the
hrefs (must all be relative: no scheme, no //, no leading /).
"""
import json
import sys
from html.parser import HTMLParser

VOID = {"meta", "br", "hr", "img", "input", "link"}


class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors = [], []
        self.table = None
        self.rows = {"nights-table": [], "regressions-table": []}
        self.row = None
        self.cell = None
        self.svgs, self.labels, self.hrefs, self.bad = 0, [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "iframe", "object", "embed", "img", "link"):
            self.bad.append(tag)
        for k, v in attrs:
            if k.startswith("on"):
                self.bad.append(k)
        if tag not in VOID:
            self.stack.append(tag)
        if tag == "table":
            self.table = a.get("id")
        elif tag == "tr" and self.table in self.rows:
            self.row = {"cells": [], "href": None}
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag == "a":
            self.hrefs.append(a.get("href", ""))
            if self.row is not None:
                self.row["href"] = a.get("href")
        elif tag == "svg":
            self.svgs += 1
            self.labels.append(a.get("aria-label"))

    def handle_startendtag(self, tag, attrs):
        pass  # SVG's self-closed elements

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
            return
        self.stack.pop()
        if tag in ("td", "th") and self.cell is not None:
            self.row["cells"].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.row["cells"] and not self.row["cells"][0] in (
                    "Night",):
                self.rows[self.table].append(self.row)
            self.row = None
        elif tag == "table":
            self.table = None

    def handle_data(self, d):
        if self.cell is not None:
            self.cell.append(d)


p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
p.close()
if p.stack:
    p.errors.append(f"unclosed {p.stack}")
for h in p.hrefs:
    if ":" in h.split("/")[0] or h.startswith("/"):
        p.errors.append("absolute href " + h)
print(json.dumps({"errors": p.errors, "bad": p.bad,
                  "nights": p.rows["nights-table"],
                  "regressions": p.rows["regressions-table"],
                  "svgs": p.svgs, "labels": p.labels, "hrefs": p.hrefs},
                 ensure_ascii=False))
