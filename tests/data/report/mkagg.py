#!/usr/bin/env python3
"""mkagg.py - writes hand-made sample aggregates (AGGREGATE-CONTRACT v1) for
lt-report's tests, independent of lt-agg: a seeded synthetic run is
aggregated here with the HDR log-linear index scheme (apis.md 6.2).

Usage: mkagg.py KIND > file.json, KIND one of
  normal      3 endpoints, 20 s ramp, some failures, thresholds
  slower      the same run with /items/{id} 40% slower and fewer rps
  co          open-model run with wait_ms (CO-corrected data present)
  empty       no events at all
  failonly    every request failed (connection refused)
"""
import json, math, random, sys

PCTS = ["50", "66", "75", "80", "90", "95", "98", "99", "99.9", "99.99", "100"]
HIGHEST = 3600000000


class Hist:
    def __init__(self, sig):
        self.sig = sig
        lsu = 2 * 10 ** sig
        self.hcm = max(math.ceil(math.log2(lsu)), 1) - 1
        self.sbc = 1 << (self.hcm + 1)
        self.half = self.sbc // 2
        self.mask = self.sbc - 1
        self.counts = {}
        self.n = 0
        self.min = None
        self.max = 0
        self.sum = 0
        self.overflow = 0

    def index(self, v):
        pow2ceiling = (v | self.mask).bit_length()
        b = pow2ceiling - (self.hcm + 1)
        sub = v >> b
        return ((b + 1) << self.hcm) + (sub - self.half)

    def value_at(self, i):
        b = (i >> self.hcm) - 1
        s = (i & (self.half - 1)) + self.half
        if b < 0:
            s -= self.half
            b = 0
        return s << b

    def highest_eq(self, v):
        pow2ceiling = (v | self.mask).bit_length()
        b = pow2ceiling - (self.hcm + 1)
        sub = v >> b
        lo = sub << b
        size = 1 << (b + 1 if sub >= self.sbc else b)
        return lo + size - 1

    def record(self, us):
        us = max(0, int(us))
        if us > HIGHEST:
            self.overflow += 1
            us = HIGHEST
        i = self.index(us)
        self.counts[i] = self.counts.get(i, 0) + 1
        self.n += 1
        self.min = us if self.min is None else min(self.min, us)
        self.max = max(self.max, us)
        self.sum += us

    def pct(self, p):
        if self.n == 0:
            return None
        if p >= 100:
            return self.max / 1000.0
        target = max(1, int(p / 100.0 * self.n + 0.5))
        acc = 0
        for i in sorted(self.counts):
            acc += self.counts[i]
            if acc >= target:
                return min(self.highest_eq(self.value_at(i)), self.max) / 1000.0
        return self.max / 1000.0

    def json(self):
        return {"count": self.n, "min_us": self.min or 0, "max_us": self.max,
                "sum_us": self.sum, "overflow": self.overflow,
                "counts": [[i, self.counts[i]] for i in sorted(self.counts)]}


def ms3(x):
    return None if x is None else round(x, 3)


class Ep:
    def __init__(self, method, name):
        self.method, self.name = method, name
        self.h = Hist(3)
        self.th = Hist(3)
        self.co = None
        self.fail = 0
        self.bytes = 0
        self.status = {}
        self.first = self.last = None

    def add(self, ev):
        self.h.record(ev["latency_ms"] * 1000)
        self.th.record(ev["ttfb_ms"] * 1000)
        if "wait_ms" in ev:
            if self.co is None:
                self.co = Hist(3)
            self.co.record((ev["wait_ms"] + ev["latency_ms"]) * 1000)
        if not ev["ok"]:
            self.fail += 1
        self.bytes += ev["bytes"]
        k = str(ev["status"])
        self.status[k] = self.status.get(k, 0) + 1
        self.first = ev["ts"] if self.first is None else min(self.first, ev["ts"])
        self.last = ev["ts"] if self.last is None else max(self.last, ev["ts"])

    def json(self, dur):
        n = self.h.n
        d = {"method": self.method, "name": self.name, "requests": n,
             "failures": self.fail,
             "fail_ratio": round(self.fail / n, 6) if n else 0,
             "rps": round(n / dur, 3) if dur else 0,
             "fps": round(self.fail / dur, 3) if dur else 0,
             "min_ms": ms3(self.h.min / 1000.0) if n else 0,
             "max_ms": ms3(self.h.max / 1000.0),
             "mean_ms": ms3(self.h.sum / n / 1000.0) if n else 0,
             "median_ms": ms3(self.h.pct(50)) if n else 0,
             "percentiles_ms": {p: ms3(self.h.pct(float(p))) for p in PCTS} if n else {},
             "avg_bytes": round(self.bytes / n, 3) if n else 0,
             "bytes": self.bytes,
             "status": dict(sorted(self.status.items())),
             "ttfb": {"mean_ms": ms3(self.th.sum / n / 1000.0),
                      "percentiles_ms": {p: ms3(self.th.pct(float(p))) for p in PCTS}} if n else None,
             "co": None,
             "first_ts": self.first, "last_ts": self.last,
             "hist": self.h.json(), "ttfb_hist": self.th.json()}
        if self.co is not None:
            d["co"] = {"mean_ms": ms3(self.co.sum / n / 1000.0),
                       "max_ms": ms3(self.co.max / 1000.0),
                       "percentiles_ms": {p: ms3(self.co.pct(float(p))) for p in PCTS},
                       "hist": self.co.json()}
        return d


def events(kind):
    rnd = random.Random(42)
    t0 = 1764400000.0
    if kind == "empty":
        return t0, t0, []
    evs = []
    dur = 20
    eps = [("GET", "/", 5, 2.0, 1200), ("GET", "/items/{id}", 3, 8.0, 4096),
           ("POST", "/cart", 1, 15.0, 64)]
    slow = 1.4 if kind == "slower" else 1.0
    for sec in range(dur):
        users = min(10, 1 + sec)
        n = users * (3 if kind != "slower" else 2) + rnd.randint(0, 3)
        for _ in range(n):
            m, name, w, base, size = rnd.choices(eps, weights=[e[2] for e in eps])[0]
            lat = rnd.lognormvariate(math.log(base), 0.5)
            if name == "/items/{id}":
                lat *= slow
            ok, status, err = True, 200, None
            if kind == "failonly":
                ok, status, err, lat, size = False, 0, "connect: Connection refused", rnd.uniform(0.05, 0.3), 0
            elif name == "/cart" and rnd.random() < 0.1:
                ok, status, err, size = False, 500, "http: 500", 20
            ev = {"ts": round(t0 + sec + rnd.random(), 6), "name": name, "method": m,
                  "status": status, "ok": ok, "error": err,
                  "latency_ms": round(lat, 3), "ttfb_ms": round(lat * 0.8, 3),
                  "bytes": size, "users": users}
            if kind == "co":
                ev["wait_ms"] = round(rnd.expovariate(1 / 3.0) if sec < 12 else rnd.uniform(20, 200), 3)
            evs.append(ev)
    evs.sort(key=lambda e: e["ts"])
    return t0, t0 + dur, evs


def main():
    kind = sys.argv[1]
    start, end, evs = events(kind)
    dur = round(end - start, 3) if evs else 0
    eps = {}
    total = Ep("", "Aggregated")
    secs = {}
    fails = {}
    for ev in evs:
        key = (ev["name"], ev["method"])
        if key not in eps:
            eps[key] = Ep(ev["method"], ev["name"])
        eps[key].add(ev)
        total.add(ev)
        t = int(ev["ts"])
        s = secs.setdefault(t, {"h": Hist(2), "co": None, "n": 0, "f": 0, "u": ev["users"], "b": 0})
        s["h"].record(ev["latency_ms"] * 1000)
        if "wait_ms" in ev:
            if s["co"] is None:
                s["co"] = Hist(2)
            s["co"].record((ev["wait_ms"] + ev["latency_ms"]) * 1000)
        s["n"] += 1
        s["b"] += ev["bytes"]
        s["u"] = ev["users"]
        if not ev["ok"]:
            s["f"] += 1
            fk = (ev["method"], ev["name"], ev["error"])
            fails[fk] = fails.get(fk, 0) + 1
    timeline = []
    for t in sorted(secs):
        s = secs[t]
        h = s["h"]
        e = {"t": t, "users": s["u"], "requests": s["n"], "failures": s["f"],
             "p50_ms": ms3(h.pct(50)), "p95_ms": ms3(h.pct(95)), "p99_ms": ms3(h.pct(99)),
             "mean_ms": ms3(h.sum / h.n / 1000.0), "bytes": s["b"], "dropped": 0}
        if s["co"] is not None:
            e["co_p50_ms"] = ms3(s["co"].pct(50))
            e["co_p99_ms"] = ms3(s["co"].pct(99))
        e["hist"] = h.json()
        timeline.append(e)
    thresholds = []
    if kind in ("normal", "slower"):
        p95 = total.h.pct(95)
        thresholds = [{"expr": "p95<30ms", "ok": p95 < 30, "value": ms3(p95), "limit": 30,
                       "metric": "p95", "endpoint": None},
                      {"expr": "fail_ratio<1%", "ok": total.fail / total.h.n < 0.01,
                       "value": round(total.fail / total.h.n, 6), "limit": 0.01,
                       "metric": "fail_ratio", "endpoint": None}]
    opts = None
    if evs:
        opts = {"users": 10, "spawn_rate": 1, "run_time_s": 20,
                "shape": None, "scenario": "scenarios/demo.lt"}
        if kind == "co":
            opts = {"rate": 30, "run_time_s": 20, "max_users": 50}
    doc = {
        "lt_aggregate": 1, "lt_version": "0.1.0",
        "run": {"start": start if evs else 0, "end": end if evs else 0, "duration_s": dur,
                "host": "http://127.0.0.1:8080" if evs else None,
                "scenario": "scenarios/demo.lt" if evs else None,
                "options": opts, "end_reason": "time" if evs else None,
                "runs": 1 if evs else 0, "max_users": 10 if evs else 0, "dropped": 0},
        "input": {"lines": len(evs) + (2 if evs else 0), "events": len(evs) + (2 if evs else 0),
                  "rejected": 0, "unknown": 0, "rejects": []},
        "hist": {"unit_us": 1, "highest_us": HIGHEST, "sig": 3},
        "endpoints": [eps[k].json(dur) for k in sorted(eps)],
        "total": total.json(dur),
        "timeline": timeline,
        "failures": [{"method": k[0], "name": k[1], "error": k[2], "occurrences": v}
                     for k, v in sorted(fails.items(), key=lambda kv: -kv[1])],
        "thresholds": thresholds,
        "baseline": None,
    }
    json.dump(doc, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


main()
