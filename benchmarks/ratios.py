#!/usr/bin/env python3
"""Ratio table of a GateBenchmark JMH JSON result against the docs/design.md §8 targets.

usage: python3 benchmarks/ratios.py results.json
Each ratio is computed from the same run; the bracket is the worst/best case over the
99.9% confidence intervals JMH reports. 'median' uses the median of all measured iterations
(all forks), which is robust to iterations disturbed by other processes on the machine.
"""
import json, statistics, sys

runs = json.load(open(sys.argv[1]))
r = {}
for b in runs:
    name = b["benchmark"].rsplit(".", 1)[1]
    m = b["primaryMetric"]
    raw = [x for fork in m["rawData"] for x in fork]
    r[(name, b["mode"])] = (m["score"], m["scoreError"], statistics.median(raw))

def get(name, mode):
    return r[(name, mode)]

print("| benchmark | thrpt ops/µs (±99.9%) | median | avgt ns/op (±99.9%) | median |")
print("|---|---|---|---|---|")
for name in sorted({k[0] for k in r}):
    t, a = r.get((name, "thrpt")), r.get((name, "avgt"))
    tt = f"{t[0]:.2f} ± {t[1]:.2f} | {t[2]:.2f}" if t else "– | –"
    aa = f"{a[0]*1000:.2f} ± {a[1]*1000:.2f} | {a[2]*1000:.2f}" if a else "– | –"
    print(f"| {name} | {tt} | {aa} |")
print()

def rng(s, e):
    return (s - e, s + e)

rows = []
for gate, label in (("e_gate", "gate (guard)"),):
    if (gate + "_1t", "avgt") not in r or (gate + "_2t", "thrpt") not in r:
        continue  # a focused run (a regex of benchmarks) may leave a form out
    # 1. gate cost at 1 thread <= 2x AtomicInteger pair: net cost over the unprotected call (avgt)
    g, a, n = get(gate + "_1t", "avgt"), get("b_atomic_1t", "avgt"), get("a_none_1t", "avgt")
    ratio = (g[0] - n[0]) / (a[0] - n[0])
    worst = (g[0] + g[1] - (n[0] - n[1])) / (a[0] - a[1] - (n[0] + n[1]))
    best = (g[0] - g[1] - (n[0] + n[1])) / (a[0] + a[1] - (n[0] - n[1]))
    med = (g[2] - n[2]) / (a[2] - n[2])
    rows.append((f"{label} cost at 1 thread / AtomicInteger pair's (net of the unprotected call, avgt)", "≤ 2.0",
                 ratio, best, worst, med, ratio <= 2.0))
    raw = g[0] / a[0]
    rows.append(("  same, gross (whole call incl. critical section)", "≤ 2.0", raw,
                 (g[0] - g[1]) / (a[0] + a[1]), (g[0] + g[1]) / (a[0] - a[1]), g[2] / a[2], raw <= 2.0))
    # 2. scaling 1 -> 2 threads (thrpt)
    g1, g2 = get(gate + "_1t", "thrpt"), get(gate + "_2t", "thrpt")
    s = g2[0] / g1[0]
    rows.append((f"{label} throughput 2 threads / 1 thread", "≥ 1.8", s,
                 (g2[0] + g2[1]) / (g1[0] - g1[1]), (g2[0] - g2[1]) / (g1[0] + g1[1]), g2[2] / g1[2], s >= 1.8))
    # 3. gate vs RRWL read lock at 2 threads (thrpt)
    w2 = get("c_rwlock_2t", "thrpt")
    x = g2[0] / w2[0]
    rows.append((f"{label} throughput / ReentrantReadWriteLock read lock's, 2 threads", "≥ 20", x,
                 (g2[0] + g2[1]) / (w2[0] - w2[1]), (g2[0] - g2[1]) / (w2[0] + w2[1]), g2[2] / w2[2], x >= 20))
print("| target | required | ratio | 99.9% CI (best … worst) | from medians | verdict |")
print("|---|---|---|---|---|---|")
for name, req, v, best, worst, med, ok in rows:
    print(f"| {name} | {req} | {v:.2f} | {best:.2f} … {worst:.2f} | {med:.2f} | {'PASS' if ok else 'MISS'} |")
print()
# context: the other primitives
g2 = get("e_gate_2t", "thrpt")
for prim in ("a_none", "b_atomic", "c_rwlock", "d_stamped", "e_gate"):
    if (prim + "_1t", "thrpt") not in r or (prim + "_2t", "thrpt") not in r:
        continue
    t1, t2 = get(prim + "_1t", "thrpt"), get(prim + "_2t", "thrpt")
    print(f"- {prim}: 2t/1t throughput scaling {t2[0]/t1[0]:.2f}×; e_gate_2t / {prim}_2t = {g2[0]/t2[0]:.2f}×")
