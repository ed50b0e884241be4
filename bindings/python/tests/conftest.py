# SPDX-License-Identifier: MIT
"""The tests run from a checkout of the repository: the random walks that
the C, JavaScript and Python benchmarks share live in bench/peers/walks.py."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "bench" / "peers"))
