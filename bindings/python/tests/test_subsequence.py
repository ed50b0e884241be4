# SPDX-License-Identifier: MIT
"""hdtw.subsequence against the naive full-matrix oracle
(reference.subsequence, written from include/hdtw.h): starts, ends and
distance bits, on every backend, with tie-heavy inputs, planted motifs,
overflowing costs and max_dist; then its bad input."""
import math
import random

import numpy as np
import pytest

import hdtw
import reference
from test_reference import bits, series

BACKENDS = hdtw.backends()
COSTS = ("abs", "squared")


def check(query, values, k, cost="abs", backend="auto", max_dist=None):
    """hdtw.subsequence equals the oracle: the same spans, the same bits."""
    starts, ends, dists = hdtw.subsequence(query, values, k, cost=cost,
                                           backend=backend, max_dist=max_dist)
    want = reference.subsequence(query, values, k, cost, max_dist or 0.0)
    assert starts.dtype == np.intp and ends.dtype == np.intp
    assert dists.dtype == np.float64
    assert list(zip(starts.tolist(), ends.tolist())) == [(s, e) for s, e, _ in want]
    assert bits(dists) == bits([d for _, _, d in want])
    return want


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("cost", COSTS)
def test_random_cases_equal_the_oracle(backend, cost):
    rng = random.Random(19)
    for t in range(60):
        ties = t % 2 == 0  # small integers: ties in costs and paths
        m, n = rng.randint(1, 12), rng.randint(1, 40)
        query, values = series(rng, m, ties), series(rng, n, ties)
        for k in (1, 3, n + 5):
            check(query, values, k, cost, backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_planted_warped_motifs_are_found(backend):
    rng = random.Random(20)
    motif = [0.0, 3.0, 5.0, 3.0, 0.0]
    values = [rng.uniform(7, 9) for _ in range(12)]
    stretched = [0.0, 0.0, 3.0, 5.0, 5.0, 5.0, 3.0, 0.0]  # longer than motif
    values[3:8] = motif
    values = values + [8.0] + stretched + [8.5, 7.5]
    want = check(motif, values, 3, backend=backend)
    # the stretched copy is values[13:21]; its path leaves row 0 at 14, not
    # 13: both zeros cost 0, and the walk back takes the diagonal first
    assert [(s, e) for s, e, _ in want[:2]] == [(3, 7), (14, 20)]
    assert [d for _, _, d in want[:2]] == [0.0, 0.0]


@pytest.mark.parametrize("backend", BACKENDS)
def test_tie_cases_constant_series_and_repeats(backend):
    check([1.0, 1.0], [1.0] * 9, 20, backend=backend)          # every end costs 0
    check([2.0, 2.0, 2.0], [1.0] * 7, 20, backend=backend)
    check([0.0, 1.0, 0.0], [0.0, 1.0, 0.0] * 5, 20, backend=backend)
    check([0.0, 1.0], [1.0, 0.0] * 6, 20, backend=backend)
    check([5.0], [1.0, 5.0, 5.0, 2.0], 4, backend=backend)     # m = 1
    check([1.0, 2.0, 3.0, 4.0, 5.0], [3.0, 1.0], 4, backend=backend)  # m > len


@pytest.mark.parametrize("backend", BACKENDS)
def test_overflowing_costs_rank_last(backend):
    query = [1e200, -1e200, 1e200]
    values = [1e200, -1e200, 0.0, 1e200, 1.0, -1e200]
    want = check(query, values, 10, "squared", backend)
    assert any(math.isinf(d) for _, _, d in want)
    check(query, values, 10, "squared", backend, max_dist=math.inf)
    check(query, values, 10, "squared", backend, max_dist=1e300)


@pytest.mark.parametrize("backend", BACKENDS)
def test_max_dist_drops_ends_above_it(backend):
    rng = random.Random(21)
    for t in range(30):
        query, values = series(rng, rng.randint(1, 8), t % 2 == 0), \
            series(rng, rng.randint(2, 30), t % 2 == 0)
        exact = reference.subsequence(query, values, len(values))
        costs = sorted({d for _, _, d in exact if d > 0})
        for t_dist in costs[:3]:
            check(query, values, 5, backend=backend, max_dist=t_dist)
            check(query, values, 5, backend=backend,
                  max_dist=math.nextafter(t_dist, 0.0))
        for none in (None, 0, 0.0, -0.0, math.inf):
            check(query, values, 5, backend=backend, max_dist=none)


def test_threshold_at_a_cost_keeps_it_and_just_below_drops_it():
    query, values = [0.0, 2.0], [1.0, 1.0, 5.0, 0.0, 3.0]
    best = reference.subsequence(query, values, 1)[0]
    assert best[2] > 0
    _, _, at = hdtw.subsequence(query, values, max_dist=best[2])
    _, _, below = hdtw.subsequence(query, values, max_dist=math.nextafter(best[2], 0))
    assert bits(at[:1]) == bits([best[2]])
    assert best[2] not in below.tolist()


@pytest.mark.parametrize("call, error, message", [
    (lambda: hdtw.subsequence([], [1.0]), ValueError, "^query must not be empty"),
    (lambda: hdtw.subsequence([1.0], []), ValueError, "^series must not be empty"),
    (lambda: hdtw.subsequence([[1.0]], [1.0]), ValueError, "^query must be 1-D"),
    (lambda: hdtw.subsequence([1.0], [1.0], 0), ValueError, "^k must be from 1"),
    (lambda: hdtw.subsequence([1.0], [1.0], k=-3), ValueError, "^k must be from 1"),
    (lambda: hdtw.subsequence([1.0], [1.0], k=1.5), TypeError, "^k must be an int"),
    (lambda: hdtw.subsequence([1.0], [1.0], band=3), TypeError, "keyword"),
    (lambda: hdtw.subsequence([1.0], [1.0], cost="l2"), ValueError, "^cost must be"),
    (lambda: hdtw.subsequence([1.0], [1.0], backend="gpu"), ValueError, "^backend must be"),
    (lambda: hdtw.subsequence([1.0], [1.0], max_dist=-1.0), ValueError, "^max_dist must be >= 0"),
    (lambda: hdtw.subsequence([1.0], [1.0], max_dist=math.nan), ValueError, "^max_dist must be >= 0"),
    (lambda: hdtw.subsequence([1.0], [1.0], max_dist="1"), TypeError, "^max_dist must be a float"),
    (lambda: hdtw.subsequence(["a"], [1.0]), TypeError, "^query must hold real numbers"),
])
def test_bad_input_raises_and_leaves_inputs_alone(call, error, message):
    with pytest.raises(error, match=message):
        call()
    assert hdtw.subsequence([1.0], [0.0, 1.0])[0].tolist() == [1]


@pytest.mark.parametrize("name, position", [("query", 0), ("series", 1)])
def test_nonfinite_names_the_argument_and_touches_nothing(name, position):
    arrays = [np.array([0.0, 1.0, 2.0]), np.array([0.0, 1.0, 2.0, 3.0])]
    arrays[position][1] = math.nan
    before = [a.tobytes() for a in arrays]
    with pytest.raises(ValueError, match=rf"^{name} holds a non-finite value \(nan at index 1\)"):
        hdtw.subsequence(*arrays, k=2)
    assert [a.tobytes() for a in arrays] == before


def test_large_k_is_capped_at_the_series_length():
    starts, ends, dists = hdtw.subsequence([1.0], [1.0, 2.0, 3.0], k=2**62)
    assert starts.tolist() == ends.tolist() == [0, 1, 2]
    assert dists.tolist() == [0.0, 1.0, 2.0]


def test_nothing_within_max_dist_gives_empty_arrays():
    starts, ends, dists = hdtw.subsequence([0.0, 5.0], [1.0, 1.0, 1.0], k=3,
                                           max_dist=0.5)
    assert (starts.dtype, ends.dtype, dists.dtype) == (np.intp, np.intp, np.float64)
    assert starts.shape == ends.shape == dists.shape == (0,)
