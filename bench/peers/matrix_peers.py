# SPDX-License-Identifier: MIT
"""pdist of C random walks of N values: dtaidistance's
distance_matrix_fast(parallel=True) against hdtw (dtwbench --matrix) in the
same run, as ratios and GCUPS.

The inputs are the walks dtwbench --matrix uses (tools/common/walk.h: one
splitmix64 walk of C*N values, seed 7, cut into C rows). dtaidistance
computes the squared cost and returns the root of the sum; hdtw runs with
--cost squared, so both do the same cells (dtaidistance's root per pair is
not counted). Neither prunes (no window, no max_dist).

    python3 -m venv /tmp/venv-mx && /tmp/venv-mx/bin/pip install dtaidistance numpy
    /tmp/venv-mx/bin/python bench/peers/matrix_peers.py \
        --dtwbench build/tools/dtwbench [--count 2000 --len 128] \
        [--limit-json limit.json | --bound GCUPS] [--json out.json]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import dtaidistance
from dtaidistance import dtw

# the walk of tools/common/walk.h (walk_fill), shared with bench_cpu's peer
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dtaidistance_bench import random_walk  # noqa: E402


def time_dtaidistance(series, repeats):
    samples, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = dtw.distance_matrix_fast(series, parallel=True, compact=True)
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples), samples, result


def run_dtwbench(args):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "matrix.json")
        cmd = [args.dtwbench, "--matrix", f"{args.count}x{args.len}",
               "--cost", "squared", "--repeats", str(args.repeats),
               "--threads", args.threads, "--json", out]
        if args.backends:
            cmd += ["--backends", args.backends]
        if args.limit_json:
            cmd += ["--limit-json", args.limit_json]
        if args.bound:
            cmd += ["--bound", str(args.bound)]
        done = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
        sys.stderr.write(done.stdout)
        sys.stderr.flush()
        if done.returncode != 0:
            sys.exit(f"matrix_peers: {' '.join(cmd)} failed")
        with open(out) as f:
            return json.load(f)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dtwbench", required=True)
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--len", type=int, default=128)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--backends")
    ap.add_argument("--limit-json")
    ap.add_argument("--bound", type=float)
    ap.add_argument("--json")
    args = ap.parse_args()

    series = random_walk(args.count * args.len, 7).reshape(args.count, args.len)
    cells = args.count * (args.count - 1) / 2 * args.len * args.len
    dt_s, dt_samples, dt_result = time_dtaidistance(series, args.repeats)
    hdtw = run_dtwbench(args)
    dt_gcups = cells / dt_s * 1e-9

    print(f"pdist {args.count}x{args.len}, squared cost, {os.cpu_count()} "
          f"cores, median of {args.repeats}")
    print(f"dtaidistance {dtaidistance.__version__} distance_matrix_fast"
          f"(parallel=True): {dt_s:.2f} s, {dt_gcups:.3f} GCUPS")
    print(f"{'hdtw target':<12} {'threads':>7} {'ran':<7} {'seconds':>9} "
          f"{'GCUPS':>7} {'of bound':>8} {'x dtaidistance':>15}")
    for r in hdtw["results"]:
        share = (f"{100 * r['gcups'] / r['bound_gcups']:.0f}%"
                 if r["bound_gcups"] > 0 else "-")
        print(f"{r['target']:<12} {r['threads']:>7} {r['ran']:<7} "
              f"{r['median_s']:>9.3f} {r['gcups']:>7.2f} {share:>8} "
              f"{dt_s / r['median_s']:>15.1f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"dtaidistance": {"version": dtaidistance.__version__,
                                        "median_s": dt_s,
                                        "samples": dt_samples,
                                        "gcups": dt_gcups},
                       "hdtw": hdtw}, f, indent=1)


if __name__ == "__main__":
    main()
