#!/usr/bin/env python3
"""Ratio table of a BlockQueueBenchmark JMH JSON result against the docs/design.md §8 target.

usage: python3 benchmarks/queue_ratios.py results.json
Target: queue throughput with the lifetime protection >= 0.9x the same queue without it, at 1
and at 2 threads, both from the same run. As in ratios.py, the bracket is the worst/best case
over the 99.9% confidence intervals JMH reports, and 'median' uses the median of all measured
iterations (all forks), which is robust to iterations disturbed by other processes. If the run
used -prof gc, the allocation per request is listed too (the fairness check: the two variants
should differ by what the protection itself allocates, nothing else).
"""
import json, math, statistics, sys

runs = json.load(open(sys.argv[1]))
r, alloc = {}, {}
for b in runs:
    name = b["benchmark"].rsplit(".", 1)[1]
    m = b["primaryMetric"]
    raw = [x for fork in m["rawData"] for x in fork]
    # JMH writes "NaN" (a string) for the error of a run too short for an interval
    r[(name, b["mode"])] = (float(m["score"]), float(m["scoreError"]), statistics.median(raw))
    for key, sm in b.get("secondaryMetrics", {}).items():
        if key.lstrip("·") == "gc.alloc.rate.norm":
            alloc[(name, b["mode"])] = float(sm["score"])

def num(x, scale=1.0):
    return "n/a" if x is None or math.isnan(x) else f"{x * scale:.2f}"

print("| benchmark | thrpt ops/µs (±99.9%) | median | avgt ns/op (±99.9%) | median |")
print("|---|---|---|---|---|")
for name in sorted({k[0] for k in r}):
    t, a = r.get((name, "thrpt")), r.get((name, "avgt"))
    tt = f"{num(t[0])} ± {num(t[1])} | {num(t[2])}" if t else "– | –"
    aa = f"{num(a[0], 1000)} ± {num(a[1], 1000)} | {num(a[2], 1000)}" if a else "– | –"
    print(f"| {name} | {tt} | {aa} |")
print()

rows = []
for threads in ("1t", "2t"):
    p, u = r.get(("protected_" + threads, "thrpt")), r.get(("unprotected_" + threads, "thrpt"))
    if p is None or u is None:
        continue  # a focused run (a regex of benchmarks) may leave a pair out
    ratio = p[0] / u[0]
    if math.isnan(p[1]) or math.isnan(u[1]):  # too few iterations for an interval (e.g. -i 1)
        best = worst = float("nan")
    else:
        best = (p[0] + p[1]) / (u[0] - u[1]) if u[0] > u[1] else float("inf")
        worst = (p[0] - p[1]) / (u[0] + u[1])
    n = threads[0]
    rows.append((f"queue throughput with the protection / without, {n} thread{'s' if n != '1' else ''}",
                 "≥ 0.9", ratio, best, worst, p[2] / u[2], ratio >= 0.9))
print("| target | required | ratio | 99.9% CI (best … worst) | from medians | verdict |")
print("|---|---|---|---|---|---|")
for name, req, v, best, worst, med, ok in rows:
    print(f"| {name} | {req} | {v:.2f} | {num(best)} … {num(worst)} | {med:.2f} | {'PASS' if ok else 'MISS'} |")
print()

# context: what the protection costs per request, how each variant scales, what each allocates
for threads in ("1t", "2t"):
    p, u = r.get(("protected_" + threads, "avgt")), r.get(("unprotected_" + threads, "avgt"))
    if p and u:
        print(f"- protection cost per request, {threads} (avgt, protected − unprotected): "
              f"{(p[0] - u[0]) * 1000:.1f} ns (medians: {(p[2] - u[2]) * 1000:.1f} ns)")
for variant in ("protected", "unprotected"):
    t1, t2 = r.get((variant + "_1t", "thrpt")), r.get((variant + "_2t", "thrpt"))
    if t1 and t2:
        print(f"- {variant}: 2t/1t throughput scaling {t2[0] / t1[0]:.2f}×")
for name, mode in sorted(alloc):
    print(f"- {name} ({mode}): {alloc[(name, mode)]:.1f} bytes allocated per request")
