#!/usr/bin/python3
"""numpy's side of bench/compare.sh: the graphs of the Google Benchmark executables,
written the way a numpy user writes them, timed in this one process (numpy's BLAS is
OpenBLAS when libopenblas0-pthread is installed, see scripts/deps.sh).

Prints Google Benchmark-style JSON ("graph/numpy/N", median real_time in ns) on stdout.
    np_bench.py [--reps 9] [--sizes 1000,1000000,16000000] [--msizes 512,1024]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

MIN_BATCH_S = 0.05


def median_ns(fn, reps):
    fn()
    k, t = 1, 0.0
    while True:  # calls per batch so that a batch lasts MIN_BATCH_S
        t0 = time.perf_counter()
        for _ in range(k):
            fn()
        t = time.perf_counter() - t0
        if t >= MIN_BATCH_S or k >= 1 << 20:
            break
        k *= 2
    samples = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(k):
            fn()
        samples.append((time.perf_counter() - t0) / k * 1e9)
    return statistics.median(samples)


def elementwise(np, sizes, reps, out):
    rng = np.random.default_rng(7)
    for n in sizes:
        a, b, c, d = (rng.uniform(-1, 1, n).astype(np.float32) for _ in range(4))
        e, t = np.empty_like(a), np.empty_like(a)

        def fma4():
            return a * b + c * d

        def fma4_out():  # the best a numpy user can do: one temporary, outputs reused
            np.multiply(a, b, out=e)
            np.multiply(c, d, out=t)
            return np.add(e, t, out=e)

        def deep():
            return np.tanh(a * b + c) * (1.0 / (1.0 + np.exp(a - d))) + np.exp(-(b * b))

        out.append(("fma4/numpy/%d" % n, median_ns(fma4, reps)))
        out.append(("fma4/numpy_out/%d" % n, median_ns(fma4_out, reps)))
        out.append(("tanh_sigmoid_exp/numpy/%d" % n, median_ns(deep, reps)))


def matrix(np, msizes, reps, threads, out):
    rng = np.random.default_rng(7)
    for n in msizes:
        a, b = (rng.uniform(-1, 1, (n, n)).astype(np.float32) for _ in range(2))
        c = np.empty((n, n), dtype=np.float32)
        out.append(("gemm_%dT/numpy/%d" % (threads, n), median_ns(lambda: np.dot(a, b, out=c), reps)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=9)
    ap.add_argument("--sizes", default="1000,1000000,16000000")
    ap.add_argument("--msizes", default="512,1024")
    ap.add_argument("--matrix-threads", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    msizes = [int(s) for s in args.msizes.split(",") if s]
    import numpy as np

    out = []
    if args.matrix_threads:  # a child: BLAS threads are fixed when numpy loads
        matrix(np, msizes, args.reps, args.matrix_threads, out)
    else:
        elementwise(np, sizes, args.reps, out)
        for threads in (1, 2):
            env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
            child = subprocess.run([sys.executable, __file__, "--reps", str(args.reps), "--msizes", args.msizes,
                                    "--matrix-threads", str(threads)], env=env, check=True, capture_output=True,
                                   text=True)
            out += [(b["name"], b["real_time"]) for b in json.loads(child.stdout)["benchmarks"]]
    np.dot(np.ones((2, 2)), np.ones((2, 2)))  # loads the BLAS library
    with open("/proc/self/maps") as maps:
        blas = "OpenBLAS" if "openblas" in maps.read().lower() else "not OpenBLAS (install libopenblas0-pthread)"
    json.dump({"context": {"numpy": np.__version__, "blas": blas},
               "benchmarks": [{"name": n, "run_type": "aggregate", "aggregate_name": "median", "real_time": t,
                               "time_unit": "ns"} for n, t in out]}, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
