"""The cycle formula agrees with a register-level systolic array on random small shapes."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from accel import DATAFLOWS, compute_cycles

from .systolic_sim import simulate


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.sampled_from(DATAFLOWS), st.integers(1, 9), st.integers(1, 9),
       st.integers(1, 9), st.integers(0, 2**31 - 1))
def test_formula_matches_register_level_array(rows, cols, dataflow, m, n, k, seed):
    rng = np.random.default_rng(seed)
    a = rng.integers(-5, 6, (m, k))
    b = rng.integers(-5, 6, (k, n))
    cycles, product = simulate(a, b, rows, cols, dataflow)
    np.testing.assert_array_equal(product, a @ b)
    assert cycles == compute_cycles(rows, cols, DATAFLOWS.index(dataflow), m, n, k)
