#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Times the UCR Suite (the `ucrdtw` Python wrapper of Rakthanmanon et
al.'s C code) on the series bench_search writes with --peer-dir, so the two
run on the same data. Single-threaded, squared cost, k = 1 (all it does).

usage: python3 bench/ucr_peer.py PEER_DIR [REPEATS]
Install the peer into a throwaway venv first, for example:
  python3 -m venv /tmp/ucr && /tmp/ucr/bin/pip install numpy wheel setuptools
  /tmp/ucr/bin/pip install --no-build-isolation ucrdtw
"""
import json
import statistics
import sys
import time

try:
    import numpy as np
    import _ucrdtw
except ImportError as e:
    print(f"ucr_peer: skipped, the ucrdtw peer is not installed ({e})")
    sys.exit(0)


def time_it(data, query, warp, repeats):
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = _ucrdtw.ucrdtw(data, query, warp, False)
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times), result


def main():
    peer = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    walk = np.fromfile(f"{peer}/walk.f64")
    walk_q = np.fromfile(f"{peer}/walk_query.f64")
    fx = np.fromfile(f"{peer}/usdchf.f64")
    cases = [
        ("walk1e6 k=1 squared", walk, walk_q, 6),
        ("usdchf k=1 squared", fx[:-256], fx[-256:], 13),
    ]
    rows = []
    for name, data, query, r in cases:
        ms, (loc, dist) = time_it(data, query, r, repeats)
        rows.append({"case": name, "ucr_ms_median": round(ms, 2),
                     "location": int(loc), "sqrt_distance": dist})
        print(f"{name:22s} UCR Suite {ms:9.2f} ms  location {loc}  "
              f"sqrt(distance) {dist:.6f}")
    print(json.dumps({"peer": "ucrdtw", "repeats": repeats, "results": rows}))


if __name__ == "__main__":
    main()
