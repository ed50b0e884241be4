# SPDX-License-Identifier: MIT
"""The project's random walk in Python (bench/js/baseline.js randomWalk,
bench/walk.h): splitmix64 uniforms in [-1, 1) summed in index order, so the
same inputs exist in C, JavaScript and Python without storing data. Used by
the peer benchmarks here and by bindings/python/tests (no NumPy needed)."""

MASK = (1 << 64) - 1


def random_walk(n, seed):
    """x[i] = x[i-1] + uniform[-1, 1), x[-1] = 0, as a list of floats."""
    state, level, out = seed & MASK, 0.0, []
    for _ in range(n):
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z ^= z >> 31
        level += (z >> 11) * 2.0 ** -52 - 1.0
        out.append(level)
    return out
