#!/usr/bin/env python3
"""csvcompare.py - checks an lt CSV file against a Locust 2.x CSV file of
the same kind, column by column (the golden files in tests/data/locust/
were written by Locust 2.12.1 itself, see tests/data/locust/README).

Usage: csvcompare.py stats|history|failures|exceptions LT.csv LOCUST.csv

Checked, each failure printed on its own line (exit 1):
- the header row is byte-identical;
- every line ends in CRLF (Python's csv module), including the last;
- every row has as many fields as the header;
- each column's values have the same form as Locust's in rows of the same
  kind (rows with requests; rows without: N/A percentiles): integers as
  str(int), floats exactly as Python's repr(float), "%.6f" rates, N/A;
- stats: rows sorted by (name, method), then the Aggregated row with an
  empty Type; history: Aggregated rows only, Timestamp ascending.
"""
import csv
import io
import re
import sys


def form(v):
    """The lexical form of one CSV value, as Locust writes them."""
    if v == "":
        return "empty"
    if v == "N/A":
        return "N/A"
    if re.fullmatch(r"-?\d+", v):
        return "int"
    if re.fullmatch(r"-?\d+\.\d{6}", v) and repr(float(v)) != v:
        return "fixed6"
    try:
        f = float(v)
    except ValueError:
        return "str"
    if repr(f) == v:
        return "float"
    if re.fullmatch(r"-?\d+\.\d{6}", v):
        return "fixed6"
    return "badfloat"


def read(path):
    raw = open(path, "rb").read()
    return raw, list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))


def compatible(a, b):
    # A repr float may read like a 6-decimal fixed value (51.000000 is
    # never repr, but 0.123456 is both): accept either for fixed6.
    if a == b:
        return True
    return {a, b} <= {"float", "fixed6"} and a == "fixed6"


def main():
    kind, lt_path, lo_path = sys.argv[1:4]
    problems = []
    lt_raw, lt_rows = read(lt_path)
    lo_raw, lo_rows = read(lo_path)
    lt_head = lt_raw.split(b"\r\n", 1)[0]
    lo_head = lo_raw.split(b"\r\n", 1)[0]
    if lt_head != lo_head:
        problems.append("header differs:\n  lt:     %r\n  locust: %r" % (lt_head, lo_head))
    if not lt_raw.endswith(b"\r\n") or lt_raw.count(b"\n") != lt_raw.count(b"\r\n"):
        problems.append("lines must end in CRLF")
    ncols = len(lo_rows[0])
    for i, row in enumerate(lt_rows):
        if len(row) != ncols:
            problems.append("row %d: %d fields, header has %d" % (i + 1, len(row), ncols))
    header = lo_rows[0]
    body = lt_rows[1:]
    lo_body = lo_rows[1:]

    def row_kind(row):
        if kind == "stats":
            who = "agg" if row[1] == "Aggregated" else "endpoint"
            return who + (" data" if row[2] != "0" else " empty")
        if kind == "history":
            return "data" if row[17] != "0" else "empty"
        return "data"

    # Reference forms per column and row kind, from Locust's rows.
    ref = {}
    for row in lo_body:
        ref.setdefault(row_kind(row), row)
    for n, row in enumerate(body):
        k = row_kind(row)
        lo = ref.get(k)
        if lo is None or len(row) != ncols:
            continue
        for c, (a, b) in enumerate(zip(row, lo)):
            fa, fb = form(a), form(b)
            if kind == "failures" and c in (0, 1, 2):
                continue  # free text
            if not compatible(fa, fb):
                problems.append("row %d column %r: %r is %s, Locust writes %s (%r)"
                                % (n + 2, header[c], a, fa, fb, b))
    if kind == "stats" and body:
        last = body[-1]
        if last[0] != "" or last[1] != "Aggregated":
            problems.append("last row must be ',Aggregated', got %r" % last[:2])
        for row in body[:-1]:
            if row[0] == "":
                problems.append("endpoint row with an empty Type: %r" % row[:2])
        keys = [(r[1], r[0]) for r in body[:-1]]
        if keys != sorted(keys):
            problems.append("rows not sorted by (name, method)")
    if kind == "history":
        ts = [int(r[0]) for r in body]
        if ts != sorted(ts):
            problems.append("timestamps not ascending")
        for r in body:
            if r[2] != "" or r[3] != "Aggregated":
                problems.append("history row is not Aggregated: %r" % r[:4])
                break
    for p in problems[:20]:
        print(p)
    return 1 if problems else 0


sys.exit(main())
