"""Pareto front and hypervolume against brute force on random small sets."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dse.search.pareto import hypervolume, nondominated


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 25), st.integers(2, 3), st.integers(0, 2**31 - 1))
def test_nondominated_matches_brute_force(n, d, seed):
    pts = np.random.default_rng(seed).integers(0, 6, (n, d)).astype(float)
    mask = nondominated(pts)
    for i in range(n):
        dominated = any(np.all(pts[j] <= pts[i]) and np.any(pts[j] < pts[i]) for j in range(n))
        if dominated:
            assert not mask[i]
    front = {tuple(p) for p in pts[mask]}
    assert front == {tuple(p) for i, p in enumerate(pts)
                     if not any(np.all(pts[j] <= p) and np.any(pts[j] < p) for j in range(n))}


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 12), st.integers(2, 3), st.integers(0, 2**31 - 1))
def test_hypervolume_matches_a_grid_count(n, d, seed):
    pts = np.random.default_rng(seed).integers(0, 5, (n, d)).astype(float)
    ref = np.full(d, 5.0)
    cells = np.stack(np.meshgrid(*[np.arange(5) + 0.5] * d, indexing="ij"), -1).reshape(-1, d)
    covered = np.any(np.all(pts[None, :, :] <= cells[:, None, :], axis=2), axis=1)
    assert abs(hypervolume(pts, ref) - covered.sum()) < 1e-9
