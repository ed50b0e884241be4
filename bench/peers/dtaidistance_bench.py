# SPDX-License-Identifier: MIT
"""Times dtaidistance's C core on bench_cpu's cases and prints JSON in the
format of bench/js/baseline.js, so bench_cpu can report "x faster than
dtaidistance". Inputs are the same splitmix64 random walks; dtaidistance
uses the squared cost and reports sqrt(distance), so its result squared is
compared with ours (within rounding of the root) by the caller if wanted.

    python dtaidistance_bench.py [--repeats R]
"""
import argparse
import json
import statistics
import time

import numpy as np
from dtaidistance import dtw
import dtaidistance

from walks import random_walk as walk_list


def random_walk(n, seed):
    """walks.random_walk as a NumPy array."""
    return np.array(walk_list(n, seed))


def timed(fn, repeats):
    """Median seconds per call; samples of >= 20 ms after a warm-up."""
    result, calls = fn(), 1
    while True:
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        if time.perf_counter() - t0 >= 0.02:
            break
        calls *= 2
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(calls):
            result = fn()
        samples.append((time.perf_counter() - t0) / calls)
    return statistics.median(samples), result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    cases = []
    for n in (50, 100, 200, 500, 1000, 2000):
        a, b = random_walk(n, 1), random_walk(n, 2)
        secs, result = timed(lambda: dtw.distance_fast(a, b), args.repeats)
        cases.append({"case": f"pair {n}", "m": n, "n": n, "count": 1,
                      "seconds": secs, "result": result ** 2})
    count, n = 1000, 100
    series = [random_walk(n, 1)] + list(random_walk(count * n, 3).reshape(count, n))
    block = ((0, 1), (1, count + 1))
    secs, result = timed(lambda: dtw.distance_matrix_fast(
        series, block=block, compact=True, parallel=True), args.repeats)
    cases.append({"case": f"batch {count}x{n}", "m": n, "n": n, "count": count,
                  "seconds": secs, "result": float(result[0]) ** 2})
    print(json.dumps({"runtime": f"dtaidistance {dtaidistance.__version__}",
                      "cost": "squared", "band": -1, "repeats": args.repeats,
                      "cases": cases}, indent=1))


if __name__ == "__main__":
    main()
