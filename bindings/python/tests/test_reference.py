# SPDX-License-Identifier: MIT
"""Every function against the pure-Python oracle (reference.py), bit for
bit, on small random cases, on every backend available here."""
import random
import struct

import numpy as np
import pytest

import hdtw
import reference

BACKENDS = hdtw.backends()
COSTS = ("abs", "squared")
BANDS = (-1, 0, 1, 3)


def bits(values):
    """The bytes of float64 values: equality of these is memcmp."""
    return np.asarray(values, dtype=np.float64).tobytes()


def series(rng, n, ties):
    """n values: small integers (many ties, exercising the path's tie
    rules) or uniform doubles."""
    if ties:
        return [float(rng.randint(-2, 2)) for _ in range(n)]
    return [rng.uniform(-10, 10) for _ in range(n)]


def cases(count, max_len=24):
    rng = random.Random(20261129)
    for k in range(count):
        m, n = rng.randint(1, max_len), rng.randint(1, max_len)
        yield series(rng, m, k % 2 == 0), series(rng, n, k % 2 == 0)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("cost", COSTS)
def test_distance_equals_reference(backend, cost):
    for a, b in cases(40):
        for band in BANDS:
            got = hdtw.distance(a, b, cost=cost, band=band, backend=backend)
            assert bits(got) == bits(reference.distance(a, b, cost, band))


@pytest.mark.parametrize("cost", COSTS)
def test_align_equals_reference(cost):
    for a, b in cases(40):
        for band in BANDS:
            al = hdtw.align(a, b, cost=cost, band=band)
            dist, sim, path = reference.align(a, b, cost, band)
            assert bits([al.distance, al.similarity]) == bits([dist, sim])
            assert al.path.dtype == np.intp and al.path.shape == (len(path), 2)
            assert al.path.tolist() == [list(p) for p in path]


@pytest.mark.parametrize("backend", BACKENDS)
def test_batch_equals_reference(backend):
    rng = random.Random(7)
    for count, n, m in ((1, 1, 1), (5, 8, 6), (33, 12, 12), (7, 20, 3)):
        pattern = series(rng, m, False)
        windows = [series(rng, n, False) for _ in range(count)]
        for cost in COSTS:
            got = hdtw.batch(pattern, windows, cost=cost, band=2,
                             backend=backend)
            want = [reference.distance(pattern, w, cost, 2) for w in windows]
            assert got.dtype == np.float64 and bits(got) == bits(want)


@pytest.mark.parametrize("backend", BACKENDS)
def test_sliding_equals_reference(backend):
    rng = random.Random(8)
    values = series(rng, 60, False)
    pattern = series(rng, 9, False)
    for window, stride in ((9, 1), (12, 5), (60, 1), (7, 60)):
        got = hdtw.sliding(pattern, values, window, stride, backend=backend)
        want = [reference.distance(pattern, values[s:s + window])
                for s in range(0, len(values) - window + 1, stride)]
        assert bits(got) == bits(want)
    assert bits(hdtw.sliding(pattern, values, window=10, stride=25)) == bits(
        [reference.distance(pattern, values[s:s + 10]) for s in (0, 25, 50)])


@pytest.mark.parametrize("znormed", (True, False))
@pytest.mark.parametrize("exclusion", (None, 0, 3))
def test_search_equals_reference(znormed, exclusion):
    rng = random.Random(9)
    values = [v for v in series(rng, 80, False)]
    query = values[30:40]
    for k in (1, 3, 200):
        starts, dists = hdtw.search(query, values, k, znorm=znormed,
                                    exclusion=exclusion, band=2)
        want = reference.search(query, values, k, znormed, exclusion,
                                band=2)
        assert starts.dtype == np.intp and starts.tolist() == [s for s, _ in want]
        assert bits(dists) == bits([d for _, d in want])


def test_znorm_equals_reference():
    rng = random.Random(10)
    for n in (1, 2, 3, 17, 100):
        x = series(rng, n, n % 2 == 1)
        assert bits(hdtw.znorm(x)) == bits(reference.znorm(x))
    assert bits(hdtw.znorm([4.0, 4.0, 4.0])) == bits([0.0, 0.0, 0.0])


def test_backends_lists_scalar_first():
    names = hdtw.backends()
    assert names[0] == "scalar"
    assert set(names) <= {"scalar", "avx2", "avx512", "opencl"}


def test_float_result_types():
    assert type(hdtw.distance([1.0], [2.0])) is float
    assert struct.pack("<d", hdtw.distance([1.0], [3.5])) == struct.pack("<d", 2.5)
