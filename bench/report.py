#!/usr/bin/python3
"""Turns the JSON of one bench/compare.sh run into Markdown: for every graph and size,
each implementation's median time and its ratio to symflow's first implementation of
that graph (t(other) / t(symflow): above 1, symflow is faster), then issue 5's goals.

A ratio is a median of ratios: compare.sh runs each executable with its repetitions
randomly interleaved, so repetition k of every benchmark of that executable runs in round
k, close in time; the ratio of two of them is the median over rounds of their round-k
ratio, and a round's best hand-written loop is the fastest of that round. The machine's
slow and fast spells then hit both sides of a ratio alike. Numbers from different
processes (numpy's script) have no common rounds: their ratio is of medians.

    report.py RESULTS_DIR        (every *.json in it, Google Benchmark format)
"""
import glob
import json
import os
import re
import statistics
import sys
from collections import OrderedDict

UNIT = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
HAND = ("hand", "naive")  # what counts as "best hand-written" (shown where a hand_* loop exists)


def load(folder):
    """graph -> impl -> n -> Sample: per-round times where the file has them."""
    t = OrderedDict()
    order = {}  # (graph, impl) -> where it was registered: interleaved files list runs shuffled
    for f_index, path in enumerate(sorted(glob.glob(os.path.join(folder, "*.json")))):
        with open(path) as f:
            try:
                data = json.load(f)
            except json.JSONDecodeError:
                print("report.py: %s is not JSON, skipped" % path, file=sys.stderr)
                continue
        for b in data.get("benchmarks", []):
            aggregate = b.get("run_type") == "aggregate"
            if aggregate and b.get("aggregate_name") != "median":
                continue
            # run_name: without the aggregate's suffix; the size may carry options (/min_time:...)
            parts = b.get("run_name", b["name"]).split("/")
            size = re.match(r"\d+", parts[2]) if len(parts) >= 3 else None
            if not size:
                continue
            graph, impl, n = parts[0], parts[1], int(size.group())
            order.setdefault((graph, impl), (f_index, b.get("family_index", len(order))))
            s = t.setdefault(graph, OrderedDict()).setdefault(impl, {}).setdefault(n, Sample(path))
            ns = b["real_time"] * UNIT[b.get("time_unit", "ns")]
            if aggregate:
                s.median = ns
            else:
                s.rounds[b.get("repetition_index", len(s.rounds))] = ns
    for graph in t:
        t[graph] = OrderedDict(sorted(t[graph].items(), key=lambda kv: order[(graph, kv[0])]))
    return OrderedDict(sorted(t.items(), key=lambda kv: min(order[(kv[0], i)] for i in kv[1])))


class Sample:
    """One implementation at one size: its time in each round, and the median."""

    def __init__(self, source):
        self.source = source
        self.rounds = {}
        self.median = None

    def time(self):
        return statistics.median(self.rounds.values()) if self.rounds else self.median


def ratio(peers, mine):
    """t(peer) / t(mine): the median over common rounds of the round's fastest peer over
    mine when all come from one file, else the fastest peer's median over mine's."""
    if all(p.source == mine.source and p.rounds for p in peers) and mine.rounds:
        common = set(mine.rounds).intersection(*(p.rounds for p in peers))
        if common:
            return statistics.median(min(p.rounds[k] for p in peers) / mine.rounds[k] for k in common)
    return min(p.time() for p in peers) / mine.time()


def human(ns):
    if ns < 1e3:
        return "%.0f ns" % ns
    if ns < 1e6:
        return "%.1f us" % (ns / 1e3)
    return "%.2f ms" % (ns / 1e6)


def hands(impls, n):
    """The hand-written implementations measured at n ("best hand" is the fastest)."""
    return [v[n] for k, v in impls.items() if k.startswith(HAND) and n in v]


# (graph, symflow implementation, peer or "best hand", sizes, goal): peer time / symflow time >= goal
GOALS = [
    ("fma4", "symflow_static", "best hand", (1000000, 16000000), 0.95),
    ("fma4", "symflow_runtime", "best hand", (1000000, 16000000), 0.95),
    ("fma4", "symflow_static", "eigen_1T", (1000000, 16000000), 1.0),
    ("fma4", "symflow_static", "xtensor_1T", (1000000, 16000000), 1.0),
    ("fma4", "symflow_static", "numpy_out", (1000000, 16000000), 3.0),
    ("fma4", "symflow_static", "hand_xsimd_1T", (1000,), 0.5),
    ("fma4", "symflow_runtime", "hand_xsimd_1T", (1000,), 0.5),
    ("fma4", "symflow_runtime", "eigen_1T", (1000000, 16000000), 1.0),
    ("fma4", "symflow_runtime", "xtensor_1T", (1000000, 16000000), 1.0),
    ("fma4", "symflow_runtime", "numpy_out", (1000000, 16000000), 3.0),
    ("tanh_sigmoid_exp", "symflow_static", "eigen", (1000, 1000000, 16000000), 1.0),
    ("tanh_sigmoid_exp", "symflow_runtime", "eigen", (1000, 1000000, 16000000), 1.0),
    ("gemm_1T", "symflow_kernel", "eigen", (512, 1024), 0.7),
    ("gemm_2T", "symflow_kernel", "eigen", (512, 1024), 0.7),
    ("gemm_1T", "symflow_kernel", "numpy", (512, 1024), 1.0),
    ("gemm_2T", "symflow_kernel", "numpy", (512, 1024), 1.0),
    ("sum_all", "symflow_static", "read_probe_2T", (1000000, 16000000), 0.8),
    ("sum_axis0", "symflow_static", "read_probe_2T", (1000000, 16000000), 0.8),
    ("sum_axis1", "symflow_static", "read_probe_2T", (1000000, 16000000), 0.8),
    ("sum_all", "symflow_runtime", "read_probe_2T", (1000000, 16000000), 0.8),
    ("sum_axis0", "symflow_runtime", "read_probe_2T", (1000000, 16000000), 0.8),
    ("sum_axis1", "symflow_runtime", "read_probe_2T", (1000000, 16000000), 0.8),
    ("two_dots", "symflow_static_tasks", "symflow_static_serial", (512, 1024), 1.0),
    ("reductions", "symflow_static_tasks", "symflow_static_serial", (512, 2048), 1.0),
    ("two_dots", "symflow_runtime_tasks", "symflow_runtime_serial", (512, 1024), 1.0),
    ("reductions", "symflow_runtime_tasks", "symflow_runtime_serial", (512, 2048), 1.0),
]


def main():
    folder = sys.argv[1]
    t = load(folder)
    print("| graph | implementation | N | time | t / t(symflow) |")
    print("|---|---|---:|---:|---:|")
    for graph, impls in t.items():
        ours = [k for k in impls if k.startswith("symflow")]
        if not ours:
            continue
        ref = impls[ours[0]]
        sizes = sorted({n for v in impls.values() for n in v})
        for n in sizes:
            for impl, v in impls.items():
                if n not in v:
                    continue
                r = "%.2f" % ratio([v[n]], ref[n]) if n in ref and impl != ours[0] else ""
                print("| %s | %s | %d | %s | %s |" % (graph, impl, n, human(v[n].time()), r))
            bh = hands(impls, n)
            if bh and n in ref and any(k.startswith("hand") for k in impls):
                print("| %s | best hand-written | %d | %s | %.2f |" %
                      (graph, n, human(min(h.time() for h in bh)), ratio(bh, ref[n])))
    print()
    print("Goals (t(peer) / t(symflow) at least the goal):")
    print()
    print("| graph | symflow | against | N | ratio | goal | met |")
    print("|---|---|---|---:|---:|---:|---|")
    for graph, ours, peer, sizes, goal in GOALS:
        impls = t.get(graph, {})
        for n in sizes:
            mine = impls.get(ours, {}).get(n)
            other = hands(impls, n) if peer == "best hand" else [p for p in [impls.get(peer, {}).get(n)] if p]
            if mine is None or not other:
                print("| %s | %s | %s | %d | not measured | %.2f | |" % (graph, ours, peer, n, goal))
                continue
            r = ratio(other, mine)
            print("| %s | %s | %s | %d | %.2f | %.2f | %s |" % (graph, ours, peer, n, r, goal, "yes" if r >= goal else "NO"))


if __name__ == "__main__":
    main()
