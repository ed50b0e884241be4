# SPDX-License-Identifier: MIT
"""max_dist on every call that takes it (distance, batch, sliding, cdist,
pdist; subsequence in test_subsequence.py), on every backend: the answer
is the oracle's exact distance where it is <= max_dist and inf where it is
above; a threshold exactly equal to a distance keeps it, the next double
below turns it into inf. Then the values refused as the C library refuses
them (negative, NaN) and the calls that do not take it (align, search)."""
import math
import random

import numpy as np
import pytest

import hdtw
import reference
from test_reference import bits, series

BACKENDS = hdtw.backends()


def thresholded(exact, max_dist):
    """include/hdtw.h: above max_dist is +inf, equal is kept, 0 is none."""
    return [d if max_dist == 0 or not d > max_dist else math.inf for d in exact]


def thresholds(exact):
    """Some distances of the answer, and the double just below each."""
    positive = sorted({d for d in exact if 0 < d < math.inf})
    picked = positive[:: max(1, len(positive) // 4)]
    return picked + [math.nextafter(d, 0.0) for d in picked]


def cases():
    """(name, call(max_dist, backend) -> flat list, oracle's exact list)."""
    rng = random.Random(1919)
    a, b = series(rng, 9, False), series(rng, 13, False)
    pattern = series(rng, 6, False)
    windows = [series(rng, 6, k % 2 == 0) for k in range(12)]
    values = series(rng, 40, False)
    A = [series(rng, rng.randint(3, 10), False) for _ in range(5)]
    B = [series(rng, rng.randint(3, 10), False) for _ in range(4)]
    yield ("distance",
           lambda t, be: [hdtw.distance(a, b, band=3, max_dist=t, backend=be)],
           [reference.distance(a, b, band=3)])
    yield ("batch",
           lambda t, be: hdtw.batch(pattern, windows, cost="squared",
                                    max_dist=t, backend=be).tolist(),
           [reference.distance(pattern, w, "squared") for w in windows])
    yield ("sliding",
           lambda t, be: hdtw.sliding(pattern, values, 8, 2, max_dist=t,
                                      backend=be).tolist(),
           [reference.distance(pattern, values[s:s + 8])
            for s in range(0, 33, 2)])
    yield ("cdist",
           lambda t, be: hdtw.cdist(A, B, max_dist=t, backend=be).ravel().tolist(),
           [reference.distance(x, y) for x in A for y in B])
    yield ("pdist",
           lambda t, be: hdtw.pdist(A, band=1, max_dist=t, backend=be).tolist(),
           [reference.distance(A[i], A[j], band=1)
            for i in range(len(A)) for j in range(i + 1, len(A))])


CASES = list(cases())


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name, call, exact", CASES, ids=[c[0] for c in CASES])
def test_threshold_keeps_the_exact_bits_or_gives_inf(name, call, exact, backend):
    assert bits(call(None, backend)) == bits(exact), name
    for t in thresholds(exact):
        assert bits(call(t, backend)) == bits(thresholded(exact, t)), (name, t)


@pytest.mark.parametrize("name, call, exact", CASES, ids=[c[0] for c in CASES])
def test_equal_is_kept_and_the_next_double_below_is_inf(name, call, exact):
    d = max(x for x in exact if x > 0)
    at, below = call(d, "auto"), call(math.nextafter(d, 0.0), "auto")
    k = exact.index(d)
    assert bits(at[k]) == bits(d) and below[k] == math.inf
    # the rest of the answer is the binding's own unthresholded call, bit
    # for bit, wherever it is not above the threshold
    plain = call(None, "auto")
    assert bits(at) == bits(plain)
    assert bits(below) == bits(thresholded(plain, math.nextafter(d, 0.0)))


@pytest.mark.parametrize("name, call, exact", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("none", [None, 0, 0.0, -0.0, math.inf, np.float64(0)])
def test_no_threshold_values(name, call, exact, none):
    assert bits(call(none, "auto")) == bits(exact)


def test_integers_and_numpy_scalars_are_accepted():
    assert hdtw.distance([0.0], [3.0], max_dist=3) == 3.0
    assert hdtw.distance([0.0], [3.0], max_dist=np.float32(2.5)) == math.inf
    assert hdtw.distance([0.0], [3.0], max_dist=np.int64(3)) == 3.0


BAD_VALUES = [-1.0, -5e-324, -math.inf, math.nan, np.float64("nan"), -1]


@pytest.mark.parametrize("bad", BAD_VALUES)
@pytest.mark.parametrize("call", [
    lambda t: hdtw.distance([1.0], [2.0], max_dist=t),
    lambda t: hdtw.batch([1.0], [[2.0]], max_dist=t),
    lambda t: hdtw.sliding([1.0], [2.0, 3.0], 1, max_dist=t),
    lambda t: hdtw.cdist([[1.0]], [[2.0]], max_dist=t),
    lambda t: hdtw.pdist([[1.0], [2.0]], max_dist=t),
    lambda t: hdtw.subsequence([1.0], [2.0], max_dist=t),
])
def test_negative_or_nan_is_a_value_error_naming_max_dist(call, bad):
    with pytest.raises(ValueError, match=r"^max_dist must be >= 0 \(None or 0: no threshold\), not "):
        call(bad)


@pytest.mark.parametrize("bad", ["1", [1.0], 1 + 0j, object()])
def test_non_numbers_are_type_errors(bad):
    with pytest.raises(TypeError, match="^max_dist must be a float or None, not "):
        hdtw.batch([1.0], [[2.0]], max_dist=bad)


@pytest.mark.parametrize("call", [
    lambda: hdtw.align([1.0], [2.0], max_dist=1.0),
    lambda: hdtw.search([1.0], [2.0], max_dist=1.0),
])
def test_calls_that_ignore_it_do_not_take_it(call):
    # hdtw_align and hdtw_search never read max_dist: accepting it would
    # promise a threshold that is not kept
    with pytest.raises(TypeError, match="max_dist"):
        call()


def test_refused_threshold_leaves_inputs_alone_and_the_module_usable():
    a, windows = np.array([1.0, 2.0]), np.array([[2.0, 3.0], [1.0, 2.0]])
    before = a.tobytes() + windows.tobytes()
    with pytest.raises(ValueError):
        hdtw.batch(a, windows, max_dist=-0.5)
    assert a.tobytes() + windows.tobytes() == before
    assert hdtw.batch(a, windows, max_dist=0.5).tolist() == [math.inf, 0.0]
