#!/usr/bin/env python3
"""htmlcheck.py - a strict checker for lt-report's HTML page.

Usage: htmlcheck.py FILE [--charts N]

Fails (exit 1, one line per problem) unless the page:
- starts with <!DOCTYPE html>, has <html lang>, <meta charset>, a viewport
  and a <title>;
- is well formed: every non-void element closed in order (SVG elements may
  self-close), nothing left open, no duplicate id;
- references nothing outside itself: no <script>, <link>, <img>, <iframe>,
  <object>, <embed>; no src= at all; href/xlink:href only to "#fragment";
  no url() other than url(#...) and no @import in styles or attributes;
- makes every table accessible (a <caption>, <th scope> headers) and every
  inline <svg> an image with a name (role="img", aria-label, <title>).
With --charts N, also requires at least N inline <svg> charts.
Prints "ok: ..." with counts when everything holds.
"""
import re
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}
FORBIDDEN = {"script", "link", "img", "iframe", "object", "embed", "frame",
             "audio", "video", "source", "base"}


class Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.problems = []
        self.ids = {}
        self.counts = {"svg": 0, "table": 0, "th": 0}
        self.doctype = None
        self.svg_title_pending = []
        self.table_caption = []
        self.in_style = False
        self.seen = set()

    def where(self):
        line, col = self.getpos()
        return "line %d col %d" % (line, col + 1)

    def bad(self, msg):
        self.problems.append("%s: %s" % (self.where(), msg))

    def handle_decl(self, decl):
        self.doctype = decl

    def check_attrs(self, tag, attrs):
        for k, v in attrs:
            v = v or ""
            if k == "id":
                if v in self.ids:
                    self.bad("duplicate id %r" % v)
                self.ids[v] = 1
            if k == "src":
                self.bad("<%s src=%r>: external reference" % (tag, v))
            if k in ("href", "xlink:href") and not v.startswith("#"):
                self.bad("<%s %s=%r>: external reference" % (tag, k, v))
            if k.startswith("on"):
                self.bad("<%s %s>: event handler (script)" % (tag, k))
            for m in re.finditer(r"url\(\s*['\"]?([^)'\"]*)", v):
                if not m.group(1).startswith("#"):
                    self.bad("<%s %s>: url(%s)" % (tag, k, m.group(1)))
            if "@import" in v:
                self.bad("<%s %s>: @import" % (tag, k))

    def start(self, tag, attrs, selfclose):
        self.seen.add(tag)
        a = dict(attrs)
        if tag in FORBIDDEN:
            self.bad("<%s> is not allowed in a self-contained report" % tag)
        self.check_attrs(tag, attrs)
        if tag == "svg":
            self.counts["svg"] += 1
            if a.get("role") != "img" or not a.get("aria-label"):
                self.bad("<svg> without role=img and aria-label")
            self.svg_title_pending.append(True)
        if tag == "title" and self.stack and self.stack[-1] == "svg":
            if self.svg_title_pending:
                self.svg_title_pending[-1] = False
        if tag == "table":
            self.counts["table"] += 1
            self.table_caption.append(False)
        if tag == "caption" and self.table_caption:
            self.table_caption[-1] = True
        if tag == "th":
            self.counts["th"] += 1
            if a.get("scope") not in ("col", "row"):
                self.bad("<th> without scope")
        if tag == "style":
            self.in_style = True
        if tag == "html" and not a.get("lang"):
            self.bad("<html> without lang")
        if not selfclose and tag not in VOID:
            self.stack.append(tag)
        elif selfclose and tag not in VOID and not self.in_svg(tag):
            self.bad("<%s/> self-closed outside SVG" % tag)

    def in_svg(self, tag):
        return tag == "svg" or "svg" in self.stack

    def handle_starttag(self, tag, attrs):
        self.start(tag, attrs, False)

    def handle_startendtag(self, tag, attrs):
        self.start(tag, attrs, True)
        if tag == "svg":
            self.end_svg()

    def end_svg(self):
        if self.svg_title_pending and self.svg_title_pending.pop():
            self.bad("<svg> without a <title> child")

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack:
            self.bad("</%s> with nothing open" % tag)
            return
        if self.stack[-1] != tag:
            self.bad("</%s> closes <%s>" % (tag, self.stack[-1]))
            if tag in self.stack:
                while self.stack and self.stack[-1] != tag:
                    self.stack.pop()
            else:
                return
        self.stack.pop()
        if tag == "svg":
            self.end_svg()
        if tag == "table" and self.table_caption:
            if not self.table_caption.pop():
                self.bad("<table> without <caption>")
        if tag == "style":
            self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            for m in re.finditer(r"url\(\s*['\"]?([^)'\"]*)", data):
                if not m.group(1).startswith("#"):
                    self.bad("style: url(%s)" % m.group(1))
            if "@import" in data:
                self.bad("style: @import")


def main():
    path = sys.argv[1]
    want_charts = 0
    if len(sys.argv) > 3 and sys.argv[2] == "--charts":
        want_charts = int(sys.argv[3])
    text = open(path, encoding="utf-8").read()
    c = Checker()
    if not text.startswith("<!DOCTYPE html>"):
        c.problems.append("does not start with <!DOCTYPE html>")
    c.feed(text)
    c.close()
    if c.stack:
        c.problems.append("left open at the end: %s" % " ".join(c.stack))
    for tag in ("html", "head", "title", "body", "meta"):
        if tag not in c.seen:
            c.problems.append("no <%s>" % tag)
    if 'name="viewport"' not in text:
        c.problems.append("no viewport meta")
    if c.counts["svg"] < want_charts:
        c.problems.append("%d inline <svg>, want %d" % (c.counts["svg"], want_charts))
    for p in c.problems[:30]:
        print(p)
    if c.problems:
        return 1
    print("ok: %d svg, %d tables, %d th" % (c.counts["svg"], c.counts["table"], c.counts["th"]))
    return 0


sys.exit(main())
