# SPDX-License-Identifier: MIT
"""cdist and pdist against pairwise hdtw.distance, bit for bit, on fixed
and ragged sets and every backend; scipy's condensed order checked by an
independent reimplementation of squareform; progress and cancellation
(True, an exception, KeyboardInterrupt) on every long call."""
import signal
import threading
import time

import numpy as np
import pytest

import hdtw
import reference
from test_threads_copies import peak_allocation

BACKENDS = hdtw.backends()


def bits(values):
    """The bytes of float64 values: equality of these is memcmp."""
    return np.asarray(values, dtype=np.float64).tobytes()


def fixed_set(seed, count, n):
    return np.cumsum(np.random.default_rng(seed).uniform(-1, 1, (count, n)),
                     axis=1)


def ragged_set(seed, count, max_len):
    rng = np.random.default_rng(seed)
    return [np.cumsum(rng.uniform(-1, 1, int(rng.integers(1, max_len + 1))))
            for _ in range(count)]


def pairwise(a_set, b_set, **opts):
    """The matrix element by element through hdtw.distance."""
    return np.array([[hdtw.distance(a, b, **opts) for b in b_set]
                     for a in a_set], dtype=np.float64)


def condensed_from_square(square):
    """scipy.spatial.distance.squareform(square) reimplemented: row by row,
    the elements right of the diagonal."""
    n = len(square)
    return np.array([square[i][j] for i in range(n) for j in range(i + 1, n)],
                    dtype=np.float64)


def square_from_condensed(condensed, n):
    """squareform(condensed): element n*i - i*(i+1)//2 + (j-i-1) is [i][j]
    and [j][i] (pdist's documented index formula, written out again)."""
    square = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            k = n * i - i * (i + 1) // 2 + (j - i - 1)
            square[i][j] = square[j][i] = condensed[k]
    return square


SETS = {
    "fixed": (lambda: fixed_set(1, 9, 17), lambda: fixed_set(2, 7, 17)),
    "fixed-unequal": (lambda: fixed_set(3, 5, 11), lambda: fixed_set(4, 6, 23)),
    "ragged": (lambda: ragged_set(5, 9, 30), lambda: ragged_set(6, 8, 30)),
    "lists": (lambda: fixed_set(7, 4, 5).tolist(),
              lambda: ragged_set(8, 3, 6)),
}


@pytest.mark.parametrize("kind", SETS)
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("opts", [{}, {"cost": "squared"}, {"band": 2},
                                  {"band": 0, "cost": "squared"}])
def test_cdist_equals_pairwise_distance(kind, backend, opts):
    a_set, b_set = (make() for make in SETS[kind])
    got = hdtw.cdist(a_set, b_set, backend=backend, **opts)
    assert got.shape == (len(a_set), len(b_set)) and got.dtype == np.float64
    assert bits(got) == bits(pairwise(a_set, b_set, backend="scalar", **opts))


@pytest.mark.parametrize("kind", SETS)
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("opts", [{}, {"cost": "squared", "band": 3}])
def test_pdist_equals_pairwise_distance_in_scipy_order(kind, backend, opts):
    x = SETS[kind][0]()
    got = hdtw.pdist(x, backend=backend, threads=2, **opts)
    n = len(x)
    assert got.shape == (n * (n - 1) // 2,)
    square = pairwise(x, x, backend="scalar", **opts)
    assert bits(got) == bits(condensed_from_square(square))
    upper = np.triu(square_from_condensed(got, n), 1)
    assert bits(upper) == bits(np.triu(square, 1))


def test_matrices_equal_the_pure_python_reference():
    a_set, b_set = ragged_set(9, 4, 8), ragged_set(10, 3, 8)
    expected = [[reference.distance(list(a), list(b), "squared", 1)
                 for b in b_set] for a in a_set]
    assert bits(hdtw.cdist(a_set, b_set, cost="squared", band=1)) == bits(expected)
    assert bits(hdtw.pdist(a_set, cost="squared", band=1)) == bits(
        condensed_from_square(
            [[reference.distance(list(a), list(b), "squared", 1)
              for b in a_set] for a in a_set]))


def test_one_series_has_an_empty_condensed_matrix():
    assert hdtw.pdist([[1.0, 2.0]]).shape == (0,)
    assert hdtw.cdist([[1.0]], [[3.0]]).tolist() == [[2.0]]


@pytest.mark.parametrize("call, message", [
    (lambda: hdtw.cdist([], [[1.0]]), "A must not be empty"),
    (lambda: hdtw.pdist([[1.0], []]), r"X\[1\] must not be empty"),
    (lambda: hdtw.pdist(np.zeros((3, 0))), "X must not be empty"),
    (lambda: hdtw.pdist([[1.0], [[2.0]]]), r"X\[1\] must be 1-D"),
    (lambda: hdtw.cdist([[1.0]], [[1.0], [0.0, np.inf]]),
     r"B\[1\] holds a non-finite value \(inf at index 1\)"),
    (lambda: hdtw.pdist(np.array([[0.0, 1.0], [np.nan, 2.0]])),
     r"X\[1\] holds a non-finite value \(nan at index 0\)"),
    (lambda: hdtw.pdist([[1.0]], band=-2), "band must be"),
])
def test_bad_sets_are_value_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("call, message", [
    (lambda: hdtw.pdist(3.0), "X must be a 2-D array or a sequence"),
    (lambda: hdtw.pdist([["a"]]), "X\\[0\\] must hold real numbers"),
    (lambda: hdtw.pdist([[1.0]], progress=3), "progress must be a callable"),
    (lambda: hdtw.cdist([[1.0]], [[1.0]], bandd=1), "bandd"),
])
def test_bad_types_are_type_errors(call, message):
    with pytest.raises(TypeError, match=message):
        call()


def test_a_2d_float64_array_is_read_in_place_and_lists_copied_once():
    x = fixed_set(11, 2000, 1000)  # 16 MB; the output is 8 bytes
    x.flags.writeable = False  # a copy would not need to be read-only
    first, last = x[:1], x[-1:]
    assert peak_allocation(lambda: hdtw.cdist(first, last, band=0)) < x.nbytes // 8
    rows = list(x)  # 1-D views: gathered once into one buffer
    peak = peak_allocation(lambda: hdtw.cdist(rows[:1], rows, band=0))
    assert x.nbytes <= peak < 2 * x.nbytes


# ---------------------------------------------------------------- progress

def long_calls(size):
    """name -> a call(progress) of each long function, about size**2 cells."""
    x = fixed_set(12, size, 64)
    return {
        "batch": lambda p: hdtw.batch(x[0], x, progress=p, threads=1),
        "sliding": lambda p: hdtw.sliding(x[0], x.ravel(), 64, 7, progress=p,
                                          threads=1),
        "cdist": lambda p: hdtw.cdist(x[:size // 2], x, progress=p, threads=1),
        "pdist": lambda p: hdtw.pdist(x, progress=p, threads=1),
    }


@pytest.mark.parametrize("name", ["batch", "sliding", "cdist", "pdist"])
def test_progress_is_monotone_and_the_result_unchanged(name):
    call = long_calls(300)[name]
    reports = []
    got = call(lambda done, total: reports.append((done, total)))
    assert bits(got) == bits(call(None))
    dones = [d for d, _ in reports]
    totals = {t for _, t in reports}
    assert len(totals) == 1 and dones[0] == 0 and dones[-1] == totals.pop()
    assert dones == sorted(dones) and len(reports) >= 2


class Stop(Exception):
    pass


def cancel_after(calls, how):
    """A progress callable that lets `calls` reports pass, then cancels by
    `how`: returning True, raising Stop, or raising KeyboardInterrupt, or
    sending SIGINT to this process (its handler raises KeyboardInterrupt)."""
    seen = []

    def progress(done, total):
        seen.append(done)
        if len(seen) <= calls:
            return None
        if how == "true":
            return True
        if how == "raise":
            raise Stop("from the callable")
        if how == "interrupt":
            raise KeyboardInterrupt
        signal.raise_signal(signal.SIGINT)
        return None
    return progress, seen


EXPECTED = {"true": hdtw.CancelledError, "raise": Stop,
            "interrupt": KeyboardInterrupt, "sigint": KeyboardInterrupt}


@pytest.fixture
def sigint_raises():
    """SIGINT handled by Python's default handler (KeyboardInterrupt) for
    the test, whatever this process inherited: a shell starts a background
    job (`cmd &` without job control) with SIGINT ignored, and Python then
    leaves it ignored, so a signal the test sends would never arrive."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


@pytest.mark.parametrize("name", ["batch", "sliding", "cdist", "pdist"])
@pytest.mark.parametrize("how", EXPECTED)
@pytest.mark.parametrize("calls", [0, 1])
def test_cancel_raises_and_returns_nothing(name, how, calls, sigint_raises):
    call = long_calls(300)[name]
    progress, seen = cancel_after(calls, how)
    result = "not assigned"
    with pytest.raises(EXPECTED[how]):
        result = call(progress)
    assert result == "not assigned"
    assert len(seen) == calls + 1  # no report after the cancel
    assert bits(call(None)) == bits(call(lambda d, t: None))  # still usable


def test_ctrl_c_from_another_thread_cancels_a_c_progress_callable(
        sigint_raises):
    """The progress callable is a C method (dict.__setitem__: records done
    -> total, returns None, runs no Python code), so the hook's
    PyErr_CheckSignals is the only place the SIGINT handler can run before
    the call ends: the call stops with KeyboardInterrupt before its last
    report (done == total), which a call that ignored the signal until it
    returned would have made."""
    call = long_calls(1200)["pdist"]
    start = time.perf_counter()
    call({}.__setitem__)
    full = time.perf_counter() - start
    main = threading.get_ident()
    sender = threading.Timer(full / 10,
                             lambda: signal.pthread_kill(main, signal.SIGINT))
    reports = {}
    sender.start()
    with pytest.raises(KeyboardInterrupt):
        call(reports.__setitem__)
    sender.join()
    total = max(reports.values())
    assert 0 in reports and total not in reports, sorted(reports)
