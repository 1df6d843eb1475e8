"""The compiled engine against the NumPy reference on random windows."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from dse.sim.contracts import Plan, Schedule, State, disjoint
from dse.sim.curves import SegmentCurves
from dse.sim.engine import run_window
from dse.sim.params import SimParams
from tests.cli_helpers import run

pytest.importorskip("numba")

S = 120


def _random_window(seed: int, n: int = 40):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(0, 5))
    start, end = disjoint(rng.uniform(-10, 130, (n, k)), rng.uniform(-10, 130, (n, k)))
    rates = Schedule(rng.choice([0.0, 0.5, 5.0], n), rng.choice([0.0, 1 / 30, 0.2], n), start, end,
                     rng.uniform(0, 20, (n, k)), rng.choice([0.0, 1 / 7, 0.9], (n, k)))
    plan = Plan(processed=rng.uniform(0.3, 1.0, n), infer_format=rng.integers(0, 5, n),
                infer_j_per_frame=rng.uniform(0, 1, n), rates=rates, n_steps=S,
                buffer_capacity=rng.choice([10.0, 300.0, 1e6], n), label_j_per_sample=rng.uniform(0, 1, n),
                epoch_j=rng.uniform(0, 1, n), clear_step=rng.choice([-1, 0, 37, 119, 200], n),
                epoch_weight=rng.choice([1.0, 0.4], n), hold=rng.random(n) < 0.3,
                data_fraction=rng.choice([1.0, 0.25], n))
    state = State.initial(n)
    state.segment[:] = rng.integers(0, 3, n)
    for name in ("fresh", "stale"):
        setattr(state, name, rng.choice([0.0, 2.0, 50.0], n))
    for name in ("progress", "applied"):  # -0.05: below the curve's start (b0 e + b1 stays > 0)
        setattr(state, name, rng.choice([-0.05, 0.0, 2.0, 50.0], n))
    state.start = np.minimum(state.progress, rng.choice([0.0, -0.05], n))
    state.data = rng.choice([0.0, 100.0, 1000.0], n)
    state.epoch_phase = rng.choice([0.0, 0.5, 2.999999], n)
    cut = int(rng.integers(1, S))
    segments = np.where(np.arange(S) < cut, rng.integers(0, 3), rng.integers(0, 3)).astype(np.int64)
    rows = 1 if seed % 2 else 4  # odd seeds: one curve row; even: a row per uncertainty draw
    curves = SegmentCurves(b0=rng.uniform(0.5, 20, (rows, 3)), b1=rng.uniform(2, 8, (rows, 3)),
                           b2=rng.uniform(0, 0.2, (rows, 3)), label_acc=rng.uniform(0.6, 1.0, (rows, 3)),
                           delta=rng.uniform(-0.05, 0.0, (rows, 5, 3)))
    if rows > 1:
        curves = curves.with_rows(rng.integers(0, rows, n))
    # the simulator's constants per candidate, as uncertainty draws give them (some shared)
    params = SimParams(drift_transfer=rng.uniform(0.0, 0.5, n), full_data_samples=rng.choice([40.0, 747.0, 3600.0], n),
                       data_exponent=rng.choice([0.1, 0.2, 0.35], n))
    return state, plan, segments, curves, params.resolve(n)


@pytest.mark.parametrize("seed", range(40))
def test_compiled_engine_matches_the_reference(seed):
    state, plan, segments, curves, sim = _random_window(seed)
    ref_state, fast_state = copy.deepcopy(state), copy.deepcopy(state)
    ref = run_window(ref_state, plan, segments, curves, 30.0, engine="numpy", sim=sim)
    fast = run_window(fast_state, plan, segments, curves, 30.0, engine="numba", sim=sim)
    for name in ("accuracy", "step_accuracy", "energy_j", "labels", "epochs"):
        np.testing.assert_allclose(getattr(fast, name), getattr(ref, name), rtol=1e-9, atol=1e-12, err_msg=name)
    for name in ("segment", "progress", "applied", "epoch_phase", "fresh", "stale", "data", "start"):
        np.testing.assert_allclose(getattr(fast_state, name), getattr(ref_state, name), rtol=1e-9, atol=1e-12,
                                   err_msg=name)


def test_compiled_engine_can_skip_the_per_step_accuracy():
    state, plan, segments, curves, sim = _random_window(0)
    out = run_window(copy.deepcopy(state), plan, segments, curves, 30.0, keep_steps=False, engine="numba", sim=sim)
    ref = run_window(copy.deepcopy(state), plan, segments, curves, 30.0, engine="numpy", sim=sim)
    assert out.step_accuracy is None
    np.testing.assert_allclose(out.accuracy, ref.accuracy, rtol=1e-9)


def test_schedule_dense_matches_hand_computed_phases():
    # base 1 label/s; phase [2.5, 4) labels at 5/s and trains at 0.5 epoch/s
    rates = Schedule.phases(np.array([1.0]), np.array([0.0]), (np.array([2.5]), np.array([1.5]), 5.0, 0.5))
    label, epoch = rates.dense(6, 1.0)
    np.testing.assert_allclose(label[0], [1, 1, 3, 5, 1, 1])
    np.testing.assert_allclose(epoch[0], [0, 0, 0.25, 0.5, 0, 0])


def test_disjoint_merges_overlaps_and_keeps_the_union():
    start, end = disjoint(np.array([[5.0, 0.0, 1.0]]), np.array([[9.0, 3.0, 6.0]]))
    assert np.all(np.diff(start[0]) >= 0)
    covered = sum(max(e - s, 0) for s, e in zip(start[0], end[0], strict=True))
    assert covered == pytest.approx(9.0)  # [0, 9)


def test_engine_choice_follows_dse_engine(monkeypatch):
    from dse.errors import DseError
    from dse.sim import engine

    monkeypatch.setenv("DSE_ENGINE", "numpy")
    assert engine.engine_name() == "numpy"
    monkeypatch.delenv("DSE_ENGINE")
    assert engine.engine_name() == "numba"  # installed here (the test extra)
    monkeypatch.setenv("DSE_ENGINE", "fortran")
    with pytest.raises(DseError, match="DSE_ENGINE"):
        engine.engine_name()


def test_a_bad_dse_engine_is_one_error_line(capsys, monkeypatch):
    monkeypatch.setenv("DSE_ENGINE", "fortran")
    code, out, err = run(capsys, "study", "list")
    assert code == 2 and err.strip() == "error: DSE_ENGINE: must be numba or numpy, got 'fortran'"
