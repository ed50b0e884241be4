# SPDX-License-Identifier: MIT
"""No copy of C-contiguous float64 inputs, one copy of anything else, and
the GIL released while hdtw computes."""
import sys
import threading
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import hdtw
from walks import random_walk

N = 2_000_000  # 16 MB of float64: a copy cannot hide in the noise
COPY = N * 8


def peak_allocation(call):
    """Bytes allocated at the peak of call(), beyond what was live before
    (NumPy reports its data buffers to tracemalloc)."""
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - before


@pytest.fixture(scope="module")
def long_series():
    return np.cumsum(np.random.default_rng(1).uniform(-1, 1, N))


def test_c_contiguous_float64_is_read_in_place(long_series):
    x = long_series
    x.flags.writeable = False  # a copy would not need to be read-only
    short = x[:4].copy()
    for call in (lambda: hdtw.distance(x, short, band=0),
                 lambda: hdtw.sliding(short, x, 4, 1000, threads=1),
                 lambda: hdtw.batch(short, x.reshape(-1, 4)[:1000]),
                 lambda: hdtw.search(short, x[:100_000])):
        assert peak_allocation(call) < COPY // 8


@pytest.mark.parametrize("convert", [
    lambda x: x.astype(np.float32),
    lambda x: np.repeat(x, 2)[::2],  # strided view
    lambda x: x.astype(">f8"),       # big-endian
])
def test_other_inputs_are_converted_once(long_series, convert):
    x = convert(long_series)
    short = np.asarray(long_series[:4])
    peak = peak_allocation(lambda: hdtw.distance(x, short, band=0))
    assert COPY <= peak < 2 * COPY
    assert hdtw.distance(x, short, band=0) == hdtw.distance(
        np.ascontiguousarray(x, dtype=np.float64), short, band=0)


def test_inputs_are_not_modified(long_series):
    x = long_series[:1000].copy()
    kept = x.copy()
    hdtw.znorm(x)
    hdtw.search(x[:50], x)
    assert x.tobytes() == kept.tobytes()


def long_call():
    """A call of a few hundred milliseconds on one thread."""
    series = np.asarray(random_walk(20_000, 5))
    return lambda: hdtw.sliding(series[:100], series, 100, backend="scalar",
                                threads=1)


def overlaps_once(call, other_work):
    """True when a second thread, handed other_work() just before this
    thread enters call(), finishes it while call() runs."""
    progress, go = [], threading.Event()

    def worker():
        go.wait()
        other_work()
        progress.append(1)

    thread = threading.Thread(target=worker)
    thread.start()
    time.sleep(0.05)  # the worker waits on go, without the GIL
    go.set()
    call()
    during = len(progress)
    thread.join()
    return during > 0


def overlaps(other_work, attempts=5):
    """True when other_work() runs in a second thread while this one is in
    a long hdtw call. The switch interval is raised to 100 s, so the second
    thread gets the GIL only when this one gives it up: a call that kept
    the GIL would never let it run. A few attempts absorb a loaded
    machine's scheduling."""
    call = long_call()
    call()  # the pool's context exists (hdtw_create also drops the GIL)
    old = sys.getswitchinterval()
    sys.setswitchinterval(100.0)
    try:
        return any(overlaps_once(call, other_work) for _ in range(attempts))
    finally:
        sys.setswitchinterval(old)


def test_gil_is_released_for_python_code():
    assert overlaps(lambda: sum(range(100)))


def test_two_threads_run_hdtw_at_once():
    a, b = random_walk(100, 1), random_walk(100, 2)
    assert overlaps(lambda: hdtw.distance(a, b, threads=1))


def test_threads_get_the_serial_answers():
    rng = np.random.default_rng(3)
    pairs = [(rng.standard_normal(rng.integers(1, 300)),
              rng.standard_normal(rng.integers(1, 300))) for _ in range(64)]
    backends = hdtw.backends()

    def job(k):
        a, b = pairs[k]
        return hdtw.distance(a, b, band=k % 5 - 1,
                             backend=backends[k % len(backends)])

    serial = [job(k) for k in range(len(pairs))]
    with ThreadPoolExecutor(8) as pool:
        parallel = list(pool.map(job, range(len(pairs))))
    assert np.array(parallel).tobytes() == np.array(serial).tobytes()
