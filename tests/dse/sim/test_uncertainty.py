"""Uncertainty draws: collapse at zero, widen with the stated uncertainty, and equal one-at-a-time runs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accel import Design
from dse.sim.costs import accel_pair_costs
from dse.sim.curves import CurveBook, draw_curves
from dse.sim.params import SimParams
from dse.sim.policies import POLICIES
from dse.sim.simulate import simulate
from dse.sim.uncertainty import Draws, by_candidate, interval

PAIR = ("resnet18", "wide_resnet50_2")
BOOK = CurveBook()
COSTS = accel_pair_costs(Design.from_records([{"preset": "dacapo"}, {"preset": "dacapo", "rows": 20}]), *PAIR)


def _geomeans(draws: Draws | None, policy: str = "dacapo-spatiotemporal", scenarios=("S3",)) -> np.ndarray:
    result = simulate(COSTS, POLICIES[policy], None, *PAIR, scenarios, BOOK, draws=draws)
    return by_candidate(result.geomean_accuracy * 100, result.n_draws)  # (C, N)


def test_the_draws_are_seeded():
    a, b = Draws.sample(20, seed=3), Draws.sample(20, seed=3)
    assert np.array_equal(a.z, b.z) and np.array_equal(a.params.drift_transfer, b.params.drift_transfer)
    assert not np.array_equal(a.z, Draws.sample(20, seed=4).z)


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_zero_uncertainty_collapses_every_draw_to_the_point_value(seed):
    point = _geomeans(None)[:, 0]
    drawn = _geomeans(Draws.sample(8, seed, spread=0.0))
    np.testing.assert_allclose(drawn, point[:, None] * np.ones((1, 8)), rtol=1e-12)


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_intervals_widen_when_the_stated_uncertainty_widens(seed):
    widths = []
    for spread in (0.0, 0.5, 1.0):
        _, low, high = interval(_geomeans(Draws.sample(64, seed, spread)))
        widths.append(high - low)
    assert np.all(widths[0] == 0.0)
    assert np.all(widths[1] > 0.0) and np.all(widths[2] > widths[1])


def test_drawn_curves_widen_with_their_standard_deviations():
    curves = BOOK.get(*PAIR, "S3", 7)
    sd = BOOK.sd(*PAIR, "S3", 7)
    z = np.random.default_rng(0).standard_normal((500, 5))
    narrow = draw_curves(curves, {k: v / 2 for k, v in sd.items()}, z)
    wide = draw_curves(curves, sd, z)
    assert np.std(1 - wide.b2[:, 0]) > np.std(1 - narrow.b2[:, 0]) > 0
    assert np.median(1 - wide.b2[:, 0]) == pytest.approx(1 - curves.b2[0, 0], abs=0.002)


@pytest.mark.parametrize("policy", ["dacapo-spatiotemporal", "eomu", "ekya"])
def test_vectorized_draws_equal_one_draw_at_a_time(policy):
    draws = Draws.sample(5, seed=9)
    together = _geomeans(draws, policy, ("S3", "ES1"))
    for d in range(draws.n):
        one = Draws(draws.z[d:d + 1], draws.params.take([d]))
        alone = _geomeans(one, policy, ("S3", "ES1"))
        np.testing.assert_allclose(together[:, d], alone[:, 0], rtol=1e-12)


def test_draws_replace_only_the_uncertain_constants():
    with pytest.raises(Exception, match="uncertainty: must be a number of draws >= 1"):
        Draws.sample(0)
    result = simulate(COSTS, POLICIES["static"], None, *PAIR, ("S1",), BOOK, draws=Draws.sample(3, 0),
                      params=SimParams(step_s=2.0))
    assert result.step_s == 2.0 and result.n_draws == 3 and result.scenario_accuracy.shape == (6, 1)
