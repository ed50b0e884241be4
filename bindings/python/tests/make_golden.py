# SPDX-License-Identifier: MIT
"""Prints the peer libraries' answers that test_golden.py embeds. Run once,
by hand, in a throwaway venv (never at test time):

    python3 -m venv /tmp/peers
    /tmp/peers/bin/pip install dtaidistance tslearn aeon numpy
    /tmp/peers/bin/python bindings/python/tests/make_golden.py

Last run: dtaidistance 2.5.1, tslearn 0.10.0, aeon 1.6.0, numpy 2.3.5,
Python 3.11.7 (2026-11-29).
"""
import numpy as np
from aeon.distances import dtw_distance
from dtaidistance import dtw
from tslearn.metrics import dtw as tslearn_dtw

import conftest  # noqa: F401 (bench/peers on sys.path, for walks)
from walks import random_walk

A, B, C = (np.array(random_walk(n, s)) for n, s in ((100, 1), (100, 2), (70, 3)))
PAIRS = {"a-b": (A, B), "a-c": (A, C)}
WINDOWS = (1, 5, 11)  # dtaidistance window w, tslearn radius w - 1

for name, (x, y) in PAIRS.items():
    print(f"# {name}")
    print(f"('dtaidistance', '{name}', None): {dtw.distance_fast(x, y)!r},")
    print(f"('tslearn', '{name}', None): {tslearn_dtw(x, y)!r},")
    print(f"('aeon', '{name}', None): {dtw_distance(x, y)!r},")
    if len(x) != len(y):
        continue  # the libraries' bands differ from hdtw's for unequal lengths
    for w in WINDOWS:
        print(f"('dtaidistance', '{name}', {w}): "
              f"{dtw.distance_fast(x, y, window=w)!r},")
        r = w - 1
        print(f"('tslearn', '{name}', {r}): "
              f"{tslearn_dtw(x, y, global_constraint='sakoe_chiba', sakoe_chiba_radius=r)!r},")
