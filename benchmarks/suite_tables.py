#!/usr/bin/env python3
"""Tables of benchmarks/run's figures (issue #7), each ratio from one JMH run.

usage: python3 benchmarks/suite_tables.py DIR
DIR holds ref.json, hotplug.json, hotplug-100k.json (and hotplug-1k-core.json and
hotplug-100k-core.json, the core's shots at 1k and 100k over 10 forks each, and
hotplug-100k-core-young.json, the 100k shots with a 2.5 GB young generation, when there),
stop.json, queue.json, footprint.txt and alloc.txt as benchmarks/run writes them. Prints Markdown for RESULTS.md, then one machine-readable line
(issue #19):

  BENCH plug1k_vs_felix=… unplug1k_vs_felix=… growth_plug=… growth_unplug=… alloc_plug=…
        alloc_unplug=… bytes_core=… bytes_felix=… stop10k_ms=… queue_ratio=…

ratios from one JMH run each, of median shots; growth is the core's mean per-device cost at
100k over that at 1k over 10 forks each (the mean counts every shot's collections; a median
leaves them out when fewer than half the shots have one); alloc_* are bytes allocated per
device plugged or unplugged at 100k (AllocationPerDevice: the operation alone);
a figure the directory has no data for is "n/a".
"""
import json, os, re, statistics, sys

d = sys.argv[1]

def load(name):
    path = os.path.join(d, name)
    return json.load(open(path)) if os.path.exists(path) else []

def median(b):
    return statistics.median(x for fork in b["primaryMetric"]["rawData"] for x in fork)

# --- reference get/put -------------------------------------------------------------------
ref = {(b["benchmark"].rsplit(".", 1)[1], b["mode"]): b for b in load("ref.json")}
if ref:
    print("## Reference get and put (RefBenchmark)\n")
    print("| variant | 1 thread ns/op (median) | 2 threads ns/op (median) | 2t/1t throughput | cost / kref at 1t |")
    print("|---|---|---|---|---|")
    kref = median(ref[("a_kref_1t", "avgt")]) * 1000
    for v in sorted({k[0].rsplit("_", 1)[0] for k in ref}):
        a1, a2 = ref.get((v + "_1t", "avgt")), ref.get((v + "_2t", "avgt"))
        t1, t2 = ref.get((v + "_1t", "thrpt")), ref.get((v + "_2t", "thrpt"))
        n1 = median(a1) * 1000 if a1 else None
        n2 = f"{median(a2) * 1000:.1f}" if a2 else "–"
        sc = f"{median(t2) / median(t1):.2f}×" if t1 and t2 else "–"
        print(f"| {v} | {n1:.1f} | {n2} | {sc} | {n1 / kref:.2f}× |")
    print()

bench = {}

# --- hotplug -----------------------------------------------------------------------------
shots, means = {}, {}
for b in load("hotplug.json") + load("hotplug-100k.json"):
    shots[(b["benchmark"].rsplit(".", 1)[1], int(b["params"]["devices"]))] = median(b)  # ms per shot
# the flatness: the core's shots over 10 forks at each end, their mean (collections included),
# and the relative standard error of that mean over the forks' means (a fork's compiled code is
# what varies most)
rse = {}
for b in load("hotplug-1k-core.json") + load("hotplug-100k-core.json"):
    key = (b["benchmark"].rsplit(".", 1)[1], int(b["params"]["devices"]))
    forks = [statistics.mean(f) for f in b["primaryMetric"]["rawData"]]
    means[key] = statistics.mean(x for f in b["primaryMetric"]["rawData"] for x in f)
    rse[key] = statistics.stdev(forks) / len(forks) ** 0.5 / statistics.mean(forks) if len(forks) > 1 else float("nan")
# the diagnostic: the 100k shots with a young generation of 2.5 GB (few collections)
young = {b["benchmark"].rsplit(".", 1)[1]: b["primaryMetric"]["score"] for b in load("hotplug-100k-core-young.json")}
if shots:
    print("## Hotplug in-process (HotplugBenchmark): devices per second, median shot\n")
    print("| devices | core plug/s | Felix plug/s | core ahead | core unplug/s | Felix unplug/s | core ahead |")
    print("|---|---|---|---|---|---|---|")
    counts = sorted({k[1] for k in shots})
    for n in counts:
        row = [f"{n:,}"]
        for op in ("plug", "unplug"):
            c, f = shots.get((f"core_{op}", n)), shots.get((f"felix_{op}", n))
            row += [f"{n / c * 1000:,.0f}" if c else "–", f"{n / f * 1000:,.0f}" if f else "–",
                    f"{f / c:.1f}×" if c and f else "–"]
        print("| " + " | ".join(row) + " |")
    print()
    lo, hi = counts[0], counts[-1]
    print(f"Per-device cost at {hi:,} over that at {lo:,}, median shots of one fork (the core's flatness is below):\n")
    print("| benchmark | µs/device at {0:,} | µs/device at {1:,} | growth |".format(lo, hi))
    print("|---|---|---|---|")
    for name in ("core_plug", "core_unplug", "felix_plug", "felix_unplug"):
        a, b = shots.get((name, lo)), shots.get((name, hi))
        if a and b:
            print(f"| {name} | {a * 1000 / lo:.2f} | {b * 1000 / hi:.2f} | {(b * 1000 / hi) / (a * 1000 / lo):.2f}× |")
    print()
    for op in ("plug", "unplug"):
        c, f = shots.get((f"core_{op}", 1000)), shots.get((f"felix_{op}", 1000))
        if c and f:
            bench[f"{op}1k_vs_felix"] = f"{f / c:.2f}"
if means:
    print("The core's per-device cost at 100,000 over that at 1,000: mean shots over 10 forks each, collections"
          " included (flat: ≤ 1.3×; ≥ 100k/s each way), with the growth's standard error over the forks. The"
          " last two columns are the diagnostic: the 100k shots with a 2.5 GB young generation, where few shots"
          " have a collection, and their growth:\n")
    print("| benchmark | µs/device at 1,000 | µs/device at 100,000 | growth | ± 1 s.e. | verdict | at 100,000, young gen 2.5 GB | growth without most collections |")
    print("|---|---|---|---|---|---|---|---|")
    for name in ("core_plug", "core_unplug"):
        a, b = means.get((name, 1000)), means.get((name, 100000))
        if a and b:
            ua, ub = a * 1000 / 1000, b * 1000 / 100000
            ok = ub / ua <= 1.3 and 1 / max(ua, ub) * 1e6 >= 100_000
            y = young.get(name)
            uy = f"{y * 1000 / 100000:.2f}" if y else "–"
            gy = f"{y * 1000 / 100000 / ua:.2f}×" if y else "–"
            se = ub / ua * (rse[(name, 1000)] ** 2 + rse[(name, 100000)] ** 2) ** 0.5
            print(f"| {name} | {ua:.2f} | {ub:.2f} | {ub / ua:.2f}× | {se:.2f} | {'PASS' if ok else 'MISS'} | {uy} | {gy} |")
            bench["growth_" + name[5:]] = f"{ub / ua:.2f}"
    print()

# --- allocation per device ----------------------------------------------------------------
al = os.path.join(d, "alloc.txt")
if os.path.exists(al):
    rows = re.findall(r"ALLOC side=(\S+) devices=(\d+) plug=(\d+) unplug=(\d+)", open(al).read())
    if rows:
        print("## Allocated per device (AllocationPerDevice: the operation alone, after warm-up)\n")
        print("| side | devices | B allocated per plug | B allocated per unplug |")
        print("|---|---|---|---|")
        for side, n, p, u in rows:
            print(f"| {side} | {int(n):,} | {int(p):,} | {int(u):,} |")
            if side == "drivermodel" and n == "100000":
                bench["alloc_plug"], bench["alloc_unplug"] = p, u
        print()

# --- stop latency ------------------------------------------------------------------------
stop = load("stop.json")
if stop:
    print("## Driver bundle stop latency (StopLatencyBenchmark)\n")
    print("| devices bound | stop ms (median) | mean ± 99.9% | target | verdict |")
    print("|---|---|---|---|---|")
    for b in sorted(stop, key=lambda b: int(b["params"]["devices"])):
        n = int(b["params"]["devices"])
        m = b["primaryMetric"]
        verdict = ("PASS" if median(b) < 1000 else "MISS") if n >= 10000 else ""
        if n == 10000:
            bench["stop10k_ms"] = f"{median(b):.0f}"
        print(f"| {n:,} | {median(b):.0f} | {m['score']:.0f} ± {m['scoreError']:.0f} | {'< 1000 ms' if n >= 10000 else ''} | {verdict} |")
    print()

# --- footprint ---------------------------------------------------------------------------
fp = os.path.join(d, "footprint.txt")
if os.path.exists(fp):
    text = open(fp).read()
    sides = dict(re.findall(r"FOOTPRINT side=(\S+) devices=\d+ bytes_per_device=(\d+)", text))
    if sides:
        print("## Memory per device node (NodeFootprint)\n")
        core, felix = int(sides["drivermodel"]), int(sides["felix-service-registry"])
        print("| side | bytes per device | target | verdict |")
        print("|---|---|---|---|")
        print(f"| driver core (bound device, default attributes) | {core} | ≤ 1024 | {'PASS' if core <= 1024 else 'MISS'} |")
        print(f"| Felix service registration, tracked | {felix} | | |")
        print(f"\ncore / Felix: {core / felix:.2f}×\n")
        bench["bytes_core"], bench["bytes_felix"] = str(core), str(felix)

# --- the queue's ratio, as queue_ratios.py computes it (1 thread, protected over unprotected) --
q = {(b["benchmark"].rsplit(".", 1)[1], b["mode"]): b for b in load("queue.json")}
if ("protected_1t", "thrpt") in q and ("unprotected_1t", "thrpt") in q:
    bench["queue_ratio"] = f"{q[('protected_1t', 'thrpt')]['primaryMetric']['score'] / q[('unprotected_1t', 'thrpt')]['primaryMetric']['score']:.2f}"

keys = ("plug1k_vs_felix", "unplug1k_vs_felix", "growth_plug", "growth_unplug", "alloc_plug", "alloc_unplug",
        "bytes_core", "bytes_felix", "stop10k_ms", "queue_ratio")
print("BENCH " + " ".join(f"{k}={bench.get(k, 'n/a')}" for k in keys))
