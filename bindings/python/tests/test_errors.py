# SPDX-License-Identifier: MIT
"""Every error path: the exception type, a message naming the argument,
and an interpreter that carries on."""
import math
import os
import subprocess
import sys

import numpy as np
import pytest

import hdtw
import reference

GOOD = [1.0, 2.0, 3.0]
GRID = [GOOD, GOOD]


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("call, name", [
    (lambda x: hdtw.distance(x, GOOD), "a"),
    (lambda x: hdtw.distance(GOOD, x), "b"),
    (lambda x: hdtw.align(GOOD, x), "b"),
    (lambda x: hdtw.batch(x, GRID), "pattern"),
    (lambda x: hdtw.batch(GOOD, [GOOD, x]), "windows"),
    (lambda x: hdtw.sliding(x, GOOD, 2), "pattern"),
    (lambda x: hdtw.sliding(GOOD, x, 2), "series"),
    (lambda x: hdtw.search(x, GOOD + GOOD), "query"),
    (lambda x: hdtw.search([1.0, 2.0], x + GOOD, znorm=False), "series"),
    (lambda x: hdtw.znorm(x), "x"),
])
def test_nonfinite_names_the_argument(call, name, bad):
    x = [1.0, bad, 3.0]
    with pytest.raises(ValueError, match=rf"^{name}\S* holds a non-finite value"):
        call(x)


def test_nonfinite_beyond_the_last_window_is_not_read():
    series = [1.0, 2.0, 3.0, 4.0, math.nan]
    assert hdtw.sliding([1.0, 2.0], series, 2, 2).tolist() == [
        reference.distance([1.0, 2.0], w) for w in ([1.0, 2.0], [3.0, 4.0])]


def test_znorm_overflow_is_a_value_error():
    with pytest.raises(ValueError, match="overflows"):
        hdtw.znorm([1e300, -1e300, 1e300])
    with pytest.raises(ValueError, match="overflows"):
        hdtw.search([1e300, -1e300], [1e300, -1e300, 1e300])


@pytest.mark.parametrize("value", [
    ["x", "y"], [1 + 2j], [True, False], [None, 1.0], np.array([b"ab"]),
])
def test_non_numbers_are_type_errors(value):
    with pytest.raises(TypeError, match="^a must hold real numbers"):
        hdtw.distance(value, GOOD)


@pytest.mark.parametrize("call, message", [
    (lambda: hdtw.distance([], GOOD), "^a must not be empty"),
    (lambda: hdtw.distance(GOOD, np.empty(0)), "^b must not be empty"),
    (lambda: hdtw.distance(GRID, GOOD), "^a must be 1-D, not 2-D"),
    (lambda: hdtw.distance(1.0, GOOD), "^a must be 1-D, not 0-D"),
    (lambda: hdtw.batch(GOOD, GOOD), "^windows must be 2-D, not 1-D"),
    (lambda: hdtw.batch(GOOD, np.empty((3, 0))), "^windows must not be empty"),
    (lambda: hdtw.batch(GOOD, np.empty((0, 3))), "^windows must not be empty"),
    (lambda: hdtw.sliding(GOOD, GOOD, 4), r"^window \(4\) is longer than series"),
    (lambda: hdtw.sliding(GOOD, GOOD, 0), "^window must be from 1"),
    (lambda: hdtw.sliding(GOOD, GOOD, 2, 0), "^stride must be from 1"),
    (lambda: hdtw.search(GOOD, GOOD[:2]), r"^query \(3 values\) is longer"),
    (lambda: hdtw.search(GOOD, GOOD, 0), "^k must be from 1"),
    (lambda: hdtw.search(GOOD, GOOD, exclusion=-1), "^exclusion must be from 0"),
    (lambda: hdtw.distance(GOOD, GOOD, cost="euclid"), "^cost must be 'abs' or 'squared'"),
    (lambda: hdtw.distance(GOOD, GOOD, band=-2), "^band must be from -1"),
    (lambda: hdtw.distance(GOOD, GOOD, band=2**70), "^band must be from -1"),
    (lambda: hdtw.distance(GOOD, GOOD, backend="cuda"), "^backend must be 'auto'"),
    (lambda: hdtw.distance(GOOD, GOOD, threads=-1), "^threads must be from 0"),
])
def test_impossible_values_are_value_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_ragged_nested_lists_are_value_errors():
    with pytest.raises(ValueError):
        hdtw.batch(GOOD, [[1.0, 2.0], [1.0]])


@pytest.mark.parametrize("call, message", [
    (lambda: hdtw.distance(GOOD, GOOD, cost=1), "^cost must be a str"),
    (lambda: hdtw.distance(GOOD, GOOD, band=1.5), "^band must be an int"),
    (lambda: hdtw.distance(GOOD, GOOD, backend=None), "^backend must be a str"),
    (lambda: hdtw.distance(GOOD, GOOD, threads="2"), "^threads must be an int"),
    (lambda: hdtw.sliding(GOOD, GOOD, 2.0), "^window must be an int"),
    (lambda: hdtw.search(GOOD, GOOD, k="1"), "^k must be an int"),
    (lambda: hdtw.distance(GOOD, GOOD, "abs"), "positional"),
    (lambda: hdtw.distance(GOOD), "exactly 2 positional"),
    (lambda: hdtw.distance(GOOD, GOOD, window=3), "keyword"),
    (lambda: hdtw.znorm(), "argument"),
])
def test_wrong_types_and_arguments_are_type_errors(call, message):
    with pytest.raises(TypeError, match=message):
        call()


def test_numpy_integers_are_accepted_as_options():
    assert hdtw.distance(GOOD, GOOD[::-1], band=np.int64(0), threads=np.int32(1)) == 4.0


def test_out_of_memory_is_a_memory_error():
    # the alignment matrix of 200,000 x 200,000 cells (320 GB) cannot fit
    a = np.zeros(200_000)
    with pytest.raises(MemoryError):
        hdtw.align(a, a)
    assert hdtw.distance(GOOD, GOOD) == 0.0


def run_python(code, **env):
    """code in a fresh interpreter with extra environment variables:
    (returncode, stdout); stderr may hold the OpenCL compiler's log."""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True,
                          text=True, env={**os.environ, **env}, timeout=300)
    return proc.returncode, proc.stdout


TRY = """
import hdtw
try:
    print(hdtw.distance([1.0, 2.0], [2.0], backend={backend!r}))
except Exception as e:
    print(type(e).__name__, e)
"""


def test_absent_backend_is_a_value_error():
    rc, out = run_python(TRY.format(backend="avx2"), HDTW_DISABLE="avx2")
    assert rc == 0 and "ValueError backend 'avx2' is not available here" in out
    rc, out = run_python("import hdtw; print(hdtw.backends())",
                         HDTW_DISABLE="avx2,avx512,opencl")
    assert rc == 0 and out.strip() == "['scalar']"


def test_bad_environment_is_a_value_error():
    rc, out = run_python(TRY.format(backend="auto"), HDTW_BACKEND="fastest")
    assert rc == 0 and "ValueError cannot create an hdtw context" in out


@pytest.mark.skipif("opencl" not in hdtw.backends(), reason="no OpenCL device")
@pytest.mark.parametrize("fault", ["build", "alloc", "enqueue", "read"])
def test_device_failure_completes_on_the_cpu(fault):
    # the library falls back to the CPU when a device fails (include/hdtw.h,
    # hdtw_last_backend), so the answer still comes back, exactly
    rc, out = run_python(TRY.format(backend="opencl"), HDTW_OPENCL_FAULT=fault)
    assert rc == 0 and out.splitlines()[-1] == "1.0"
