# SPDX-License-Identifier: MIT
"""hdtw against numbers computed once by dtaidistance, tslearn and aeon
(tests/make_golden.py has the command and the versions; no peer library
is needed here). Inputs: the project's random walks a = walk(100, 1),
b = walk(100, 2), c = walk(70, 3).

  dtaidistance dtw.distance_fast(x, y, window=w)
      == math.sqrt(hdtw.distance(x, y, cost='squared', band=w - 1))
  tslearn dtw(x, y, global_constraint='sakoe_chiba', sakoe_chiba_radius=r)
      == math.sqrt(hdtw.distance(x, y, cost='squared', band=r))
  aeon dtw_distance(x, y) == hdtw.distance(x, y, cost='squared') up to
      aeon's fused multiply-add (numba fastmath): the last bit can differ,
      and the fused oracle below reproduces aeon's bits exactly.
Every comparison is exact (==), none with a tolerance.
"""
import math

import pytest

import hdtw
import reference
from walks import random_walk

# (library, pair, window or radius or None): value, printed by make_golden.py
GOLDEN = {
    # a-b
    ('dtaidistance', 'a-b', None): 36.544861268313795,
    ('tslearn', 'a-b', None): 36.544861268313795,
    ('aeon', 'a-b', None): 1335.5268851203018,
    ('dtaidistance', 'a-b', 1): 46.82787453114994,
    ('tslearn', 'a-b', 0): 46.82787453114994,
    ('dtaidistance', 'a-b', 5): 44.660796090640176,
    ('tslearn', 'a-b', 4): 44.660796090640176,
    ('dtaidistance', 'a-b', 11): 42.808983520977,
    ('tslearn', 'a-b', 10): 42.808983520977,
    # a-c
    ('dtaidistance', 'a-c', None): 19.03899440201058,
    ('tslearn', 'a-c', None): 19.03899440201058,
    ('aeon', 'a-c', None): 362.4833078397902,
}

A, B, C = random_walk(100, 1), random_walk(100, 2), random_walk(70, 3)
PAIRS = {'a-b': (A, B), 'a-c': (A, C)}


def hdtw_band(library, window):
    """The hdtw band of a peer's window / radius (None: unconstrained)."""
    if window is None:
        return -1
    return window - 1 if library == 'dtaidistance' else window


@pytest.mark.parametrize('key', [k for k in GOLDEN if k[0] != 'aeon'])
@pytest.mark.parametrize('backend', hdtw.backends())
def test_rooted_squared_cost_equals_dtaidistance_and_tslearn(key, backend):
    library, pair, window = key
    x, y = PAIRS[pair]
    squared = hdtw.distance(x, y, cost='squared', band=hdtw_band(library, window),
                            backend=backend)
    assert math.sqrt(squared) == GOLDEN[key]


@pytest.mark.parametrize('pair', ['a-b', 'a-c'])
def test_aeon_is_the_fused_form_of_hdtw(pair):
    x, y = PAIRS[pair]
    ours = hdtw.distance(x, y, cost='squared')
    assert ours == reference.distance(x, y, 'squared')
    assert GOLDEN[('aeon', pair, None)] == reference.distance(x, y, fused=True)


def test_aeon_differs_from_hdtw_in_the_last_bit_only_for_a_b():
    ours = hdtw.distance(A, B, cost='squared')
    assert ours != GOLDEN[('aeon', 'a-b', None)]
    assert math.nextafter(ours, math.inf) == GOLDEN[('aeon', 'a-b', None)]
