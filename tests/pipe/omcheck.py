#!/usr/bin/env python3
"""omcheck.py - a strict reader of lt-agg's Prometheus/OpenMetrics text.

Usage: omcheck.py FILE [openmetrics|prometheus]

Parses every line by the OpenMetrics 1.0 ABNF (metric names, label names,
escaped label values: only \\\\ \\" \\n), requires one "# EOF" at the end,
HELP and TYPE before a family's samples, counters sampled as NAME_total,
histograms with cumulative le buckets ending in +Inf == _count, and a
_sum.  Prints the samples as JSON lines {"name", "labels", "value"} with
label values decoded, for the test to compare; exit 1 on any problem.
"""
import json
import re
import sys

NAME = re.compile(r'[a-zA-Z_:][a-zA-Z0-9_:]*')
LNAME = re.compile(r'[a-zA-Z_][a-zA-Z0-9_]*')
NUM = re.compile(r'^(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\+Inf|-Inf|NaN))$')


def fail(n, msg):
    print(f"omcheck: line {n}: {msg}", file=sys.stderr)
    sys.exit(1)


def parse_labels(s, i, n):
    labels = {}
    assert s[i] == '{'
    i += 1
    while s[i] != '}':
        m = LNAME.match(s, i)
        if not m:
            fail(n, "bad label name")
        key = m.group(0)
        i = m.end()
        if s[i:i + 2] != '="':
            fail(n, "expected =\"")
        i += 2
        val = []
        while s[i] != '"':
            c = s[i]
            if c == '\\':
                e = s[i + 1]
                if e not in '\\"n':
                    fail(n, f"bad escape \\{e}")
                val.append('\n' if e == 'n' else e)
                i += 2
            elif c == '\n':
                fail(n, "raw newline in label")
            else:
                val.append(c)
                i += 1
        i += 1
        if key in labels:
            fail(n, "duplicate label " + key)
        labels[key] = ''.join(val)
        if s[i] == ',':
            i += 1
    return labels, i + 1


def main():
    flavour = sys.argv[2] if len(sys.argv) > 2 else "openmetrics"
    data = open(sys.argv[1], 'rb').read().decode('utf-8')  # strict UTF-8
    if not data.endswith("# EOF\n"):
        fail(0, "no final # EOF")
    lines = data[:-len("# EOF\n")].split('\n')[:-1]
    types, helps, samples = {}, set(), []
    for n, line in enumerate(lines, 1):
        if line.startswith('#'):
            parts = line.split(' ', 3)
            if parts[1] == 'TYPE':
                if parts[2] in types:
                    fail(n, "second TYPE for " + parts[2])
                types[parts[2]] = parts[3]
            elif parts[1] == 'HELP':
                helps.add(parts[2])
            elif parts[1] == 'UNIT':
                if flavour != 'openmetrics':
                    fail(n, "UNIT in text 0.0.4")
                if not parts[2].endswith('_' + parts[3]):
                    fail(n, "unit is not the name's suffix")
            else:
                fail(n, "unknown comment " + line)
            continue
        m = NAME.match(line)
        if not m:
            fail(n, "bad metric name")
        name = m.group(0)
        labels, i = ({}, m.end())
        if line[i:i + 1] == '{':
            labels, i = parse_labels(line, i, n)
        if line[i:i + 1] != ' ' or not NUM.match(line[i + 1:]):
            fail(n, "bad value: " + line[i:])
        fam = name
        for suf in ('_total', '_bucket', '_count', '_sum'):
            if name.endswith(suf) and name[:-len(suf)] in types:
                fam = name[:-len(suf)]
        if flavour == 'prometheus' and name in types:
            fam = name
        if fam not in types or fam not in helps:
            fail(n, "sample before TYPE/HELP: " + name)
        if types[fam] == 'counter' and not name.endswith('_total'):
            fail(n, "counter sample without _total")
        if flavour == 'openmetrics' and types[fam] == 'counter' and fam == name:
            fail(n, "counter TYPE names the _total sample")
        samples.append({"name": name, "labels": labels,
                        "value": float(line[i + 1:])})
    # histograms: cumulative buckets, +Inf == _count, a _sum
    series = {}
    for s in samples:
        if s["name"].endswith('_bucket'):
            key = (s["name"][:-7], json.dumps(
                {k: v for k, v in s["labels"].items() if k != 'le'},
                sort_keys=True))
            series.setdefault(key, []).append(s)
    for (base, lk), bs in series.items():
        prev = -1
        for b in bs:
            if b["value"] < prev:
                fail(0, f"{base} {lk}: buckets not cumulative")
            prev = b["value"]
        if bs[-1]["labels"]["le"] != "+Inf":
            fail(0, f"{base} {lk}: last bucket is not +Inf")
        cnt = [s for s in samples if s["name"] == base + "_count" and
               json.dumps(s["labels"], sort_keys=True) == lk]
        sm = [s for s in samples if s["name"] == base + "_sum" and
              json.dumps(s["labels"], sort_keys=True) == lk]
        if len(cnt) != 1 or cnt[0]["value"] != bs[-1]["value"] or len(sm) != 1:
            fail(0, f"{base} {lk}: _count/_sum missing or != +Inf bucket")
    for s in samples:
        print(json.dumps(s, ensure_ascii=False, sort_keys=True))


main()
