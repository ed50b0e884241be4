# SPDX-License-Identifier: MIT
"""hdtw's Python binding against dtaidistance and tslearn, in one process,
on the seed's cases: pairs of 50 .. 2000 bars and a batch of 1,000 windows
x 100 bars (the inputs of bench_cpu and dtaidistance_bench.py: splitmix64
random walks, pattern/a = walk(n, 1), b = walk(n, 2), windows = walk(., 3)),
and the matrix case of issue 17, pdist of 1,000 series x 128 (walk(., 4)):
hdtw.pdist against dtaidistance distance_matrix_fast(parallel=True,
compact=True) and tslearn cdist_dtw(n_jobs=-1), all cores each; tslearn's
square matrix is cut to its upper triangle (scipy's order, which is
dtaidistance's compact order and hdtw's) before the bits are compared.
All three use the squared cost; dtaidistance and tslearn report its square
root, hdtw the accumulated cost, so hdtw's column is rooted before the
results are compared (bit for bit: "same bits").

    python3 bench/peers/python_peers.py [--repeats R] [--matrix-repeats R]
                                        [--cases pairs,batch,pdist] [--pdist CxN]
                                        [--json FILE]

A pdist call of the peers takes seconds to minutes (8.2 G cells), so that
row takes --matrix-repeats (default 3) samples of one call each, after a
warm-up on a 20-series matrix (tslearn's numba compiles on its first call).

Run from the repository root with any python3: unless dtaidistance,
tslearn and hdtw are importable already, it builds a throwaway venv under
/tmp (pip install dtaidistance tslearn numpy ./bindings/python), runs itself
there and removes it. The table goes to stdout; --json writes the numbers.
"""
import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

PEERS = ["dtaidistance", "tslearn", "numpy"]
PAIRS = (50, 100, 200, 500, 1000, 2000)
BATCH = (1000, 100)
PDIST = (1000, 128)
CASES = ("pairs", "batch", "pdist")


def in_throwaway_venv():
    """Re-runs this script in a fresh venv with the peers and hdtw."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    venv = tempfile.mkdtemp(prefix="hdtw-python-peers.")
    try:
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        pip = [os.path.join(venv, "bin", "pip"), "install", "--quiet"]
        subprocess.run(pip + PEERS + [os.path.join(root, "bindings", "python")],
                       check=True, stdout=sys.stderr)
        python = os.path.join(venv, "bin", "python")
        return subprocess.run([python] + sys.argv, check=False).returncode
    finally:
        shutil.rmtree(venv, ignore_errors=True)


def measure(repeats, matrix_repeats, cases, pdist_shape):
    import numpy as np
    import dtaidistance
    import tslearn
    from dtaidistance import dtw
    from tslearn.metrics import cdist_dtw, dtw as tslearn_dtw

    import hdtw
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from dtaidistance_bench import random_walk

    rows = []

    def calls_per_sample(fn):
        """Calls that take >= 20 ms together, after one warm-up call."""
        fn()
        calls = 1
        while True:
            t0 = time.perf_counter()
            for _ in range(calls):
                fn()
            if time.perf_counter() - t0 >= 0.02:
                return calls
            calls *= 2

    def interleaved(fns, repeats, calls=None):
        """{library: (median seconds per call, result, per-sample seconds)}:
        the libraries take turns within every repeat, so a burst of load
        from other jobs falls on all of them, and ratios are taken per
        repeat. calls: {library: calls per sample}, else calibrated."""
        calls = calls or {lib: calls_per_sample(fn) for lib, fn in fns.items()}
        samples = {lib: [] for lib in fns}
        results = {}
        for _ in range(repeats):
            for lib, fn in fns.items():
                t0 = time.perf_counter()
                for _ in range(calls[lib]):
                    results[lib] = fn()
                samples[lib].append((time.perf_counter() - t0) / calls[lib])
        return {lib: (statistics.median(samples[lib]), results[lib], samples[lib])
                for lib in fns}

    def row(case, fns, repeats=repeats, calls=None):
        runs = interleaved(fns, repeats, calls)
        _, ours, ours_samples = runs["hdtw"]
        ours = np.sqrt(np.asarray(ours, dtype=np.float64).ravel())
        entry = {"case": case}
        for lib, (secs, result, samples) in runs.items():
            entry[f"{lib} ms"] = secs * 1e3
            if lib == "hdtw":
                continue
            entry[f"hdtw x {lib}"] = statistics.median(
                t / o for t, o in zip(samples, ours_samples))
            entry[f"same bits {lib}"] = (
                np.asarray(result, dtype=np.float64).ravel().tobytes() == ours.tobytes())
        rows.append(entry)

    for n in PAIRS if "pairs" in cases else ():
        a, b = random_walk(n, 1), random_walk(n, 2)
        row(f"pair {n}", {
            "hdtw": lambda: hdtw.distance(a, b, cost="squared"),
            "dtaidistance": lambda: dtw.distance_fast(a, b),
            "tslearn": lambda: tslearn_dtw(a, b)})

    count, n = BATCH
    pattern = random_walk(n, 1)
    windows = random_walk(count * n, 3).reshape(count, n)
    series = [pattern] + list(windows)
    block = ((0, 1), (1, count + 1))
    # every core (hdtw threads=0, dtaidistance parallel, tslearn n_jobs=-1),
    # then one thread each: on a loaded machine the second is the fairer one
    for label, threads, parallel, jobs in (("all cores", 0, True, -1),
                                           ("1 thread", 1, False, 1)
                                           ) if "batch" in cases else ():
        row(f"batch {count}x{n}, {label}", {
            "hdtw": lambda: hdtw.batch(pattern, windows, cost="squared",
                                       threads=threads),
            "dtaidistance": lambda: dtw.distance_matrix_fast(
                series, block=block, compact=True, parallel=parallel),
            "tslearn": lambda: cdist_dtw(pattern[None, :], windows,
                                         n_jobs=jobs)})
    if "pdist" in cases:
        count, n = pdist_shape
        X = random_walk(count * n, 4).reshape(count, n)
        fns = {
            "hdtw": lambda x: hdtw.pdist(x, cost="squared"),
            "dtaidistance": lambda x: dtw.distance_matrix_fast(
                x, compact=True, parallel=True),
            # the upper triangle row by row: scipy's order
            "tslearn": lambda x: cdist_dtw(x, n_jobs=-1)[
                np.triu_indices(len(x), 1)]}
        for fn in fns.values():
            fn(X[:20])  # warm-up: tslearn's numba compiles here
        row(f"pdist {count}x{n}, all cores",
            {lib: (lambda fn=fn: fn(X)) for lib, fn in fns.items()},
            repeats=matrix_repeats, calls={lib: 1 for lib in fns})

    versions = {"hdtw": hdtw.__version__, "dtaidistance": dtaidistance.__version__,
                "tslearn": tslearn.__version__, "numpy": np.__version__,
                "python": platform.python_version(), "backends": hdtw.backends(),
                "cpus": os.cpu_count(), "load": os.getloadavg()}
    return versions, rows


def print_table(versions, rows):
    print(" ".join(f"{k}={v}" for k, v in versions.items()))
    libs = ["hdtw", "dtaidistance", "tslearn"]
    print("| case | " + " | ".join(f"{lib} ms" for lib in libs) +
          " | × dtaidistance | × tslearn | same bits (dtai, tslearn) |")
    # ms: medians of the samples; ×: medians of the per-repeat ratios
    print("|---" * 7 + "|")
    for r in rows:
        print(f"| {r['case']} | " + " | ".join(f"{r[lib + ' ms']:.4g}" for lib in libs) +
              f" | {r['hdtw x dtaidistance']:.1f} | {r['hdtw x tslearn']:.1f} | "
              f"{r['same bits dtaidistance']}, {r['same bits tslearn']} |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--matrix-repeats", type=int, default=3)
    parser.add_argument("--cases", default=",".join(CASES),
                        help="comma-separated subset of " + ",".join(CASES))
    parser.add_argument("--pdist", default="x".join(map(str, PDIST)),
                        help="the pdist case, COUNTxLEN")
    parser.add_argument("--json")
    args = parser.parse_args()
    try:
        import dtaidistance, tslearn, hdtw  # noqa: F401
    except ImportError:
        return in_throwaway_venv()
    cases = args.cases.split(",")
    if not set(cases) <= set(CASES):
        parser.error(f"--cases: choose from {','.join(CASES)}")
    pdist_shape = tuple(int(v) for v in args.pdist.split("x"))
    versions, rows = measure(args.repeats, args.matrix_repeats, cases,
                             pdist_shape)
    print_table(versions, rows)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"versions": versions, "rows": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
