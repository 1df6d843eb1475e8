"""The window engine on hand-computed cases (synthetic curves and plans)."""

from __future__ import annotations

import numpy as np
import pytest

from dse.cl import engine
from dse.cl.curves import SegmentCurves
from dse.cl.engine import Plan, Schedule, State, run_window
from workloads.proxies import curve

# two segments: before 0.70 / 0.60, asymptote 0.90 / 0.85 (acc(0) = 1 - 1/b1 - b2)
CURVES = SegmentCurves(b0=np.array([10.0, 10.0]), b1=np.array([5.0, 4.0]),
                       b2=np.array([0.10, 0.15]), label_acc=np.array([1.0, 1.0]), delta=np.zeros((5, 2)))
S = 120


def plan(n=1, processed=1.0, label_rate=0.0, epoch_rate=0.0, capacity=100.0, clear=-1, hold=None):
    full = lambda v: np.broadcast_to(np.asarray(v, dtype=float), (n, S)).copy()  # noqa: E731
    return Plan(processed=np.full(n, processed), infer_format=np.zeros(n, dtype=int), infer_j_per_frame=np.ones(n),
                rates=Schedule.from_steps(full(label_rate), full(epoch_rate)), n_steps=S,
                buffer_capacity=np.full(n, capacity),
                label_j_per_sample=np.ones(n), epoch_j=np.ones(n), clear_step=np.full(n, clear),
                hold=None if hold is None else np.full(n, hold))


def test_curve_at_zero_epochs_is_accuracy_before():
    assert curve(0.0, 10.0, 5.0, 0.1) == pytest.approx(0.70)


def test_slow_inference_drops_exactly_the_missing_frames():
    # inference takes 2 frame periods: half the frames are processed, the rest count as wrong
    state = State.initial(1)
    out = run_window(state, plan(processed=0.5), np.zeros(S, dtype=int), CURVES, fps=30)
    assert out.accuracy[0] == pytest.approx(0.5 * 0.70)
    assert out.energy_j[0] == pytest.approx(30 * 120 * 0.5)  # 1 J per processed frame


def test_retraining_completing_mid_window_changes_accuracy_from_that_moment():
    # buffer full of fresh samples; one epoch takes 60 s -> completes at the end of step 59
    state = State.initial(1)
    state.fresh[:] = 100.0
    out = run_window(state, plan(epoch_rate=1 / 60), np.zeros(S, dtype=int), CURVES, fps=30)
    acc = out.step_accuracy[0]
    after_one = curve(1.0, 10.0, 5.0, 0.1)  # 1 - (1/15 + 0.1) = 0.8333
    after_two = curve(2.0, 10.0, 5.0, 0.1)  # 1 - (1/25 + 0.1) = 0.86, the second epoch ends in step 119
    assert np.allclose(acc[:59], 0.70)
    assert np.allclose(acc[59:119], after_one)
    assert acc[119] == pytest.approx(after_two)
    assert out.accuracy[0] == pytest.approx((59 * 0.70 + 60 * after_one + after_two) / 120)
    assert state.applied[0] == pytest.approx(2.0)  # two epochs completed by the window's end


@pytest.mark.parametrize("engine_name", ["numpy", "numba"])
def test_held_weights_serve_from_the_next_window(engine_name):
    pytest.importorskip(engine_name)
    # the same two epochs as above, but deployed only at the window's end (a per-window protocol)
    state = State.initial(1)
    state.fresh[:] = 100.0
    out = run_window(state, plan(epoch_rate=1 / 60, hold=True), np.zeros(S, dtype=int), CURVES, 30, engine=engine_name)
    assert np.allclose(out.step_accuracy[0], 0.70) and out.accuracy[0] == pytest.approx(0.70)
    assert state.applied[0] == pytest.approx(2.0)
    nxt = run_window(state, plan(), np.zeros(S, dtype=int), CURVES, 30, engine=engine_name)
    assert np.allclose(nxt.step_accuracy[0], curve(2.0, 10.0, 5.0, 0.1))  # 0.86 from the first step


def test_stale_buffer_does_not_adapt_and_drift_resets_progress(monkeypatch):
    monkeypatch.setattr(engine, "DRIFT_TRANSFER", 0.0)
    state = State.initial(1)
    state.fresh[:] = 100.0
    state.applied[:] = state.progress[:] = 3.0
    # the window belongs to segment 1: the buffer's samples are now stale
    out = run_window(state, plan(epoch_rate=1 / 10), np.ones(S, dtype=int), CURVES, fps=30)
    assert np.allclose(out.step_accuracy[0], 0.60)  # accuracy before adaptation, no fresh data
    assert state.applied[0] == 0.0 and state.stale[0] == 100.0


def test_drift_carries_the_calibrated_fraction_of_adaptation_over():
    assert engine.DRIFT_TRANSFER == 0.15
    state = State.initial(1)
    state.fresh[:] = 100.0
    state.applied[:] = state.progress[:] = 3.0
    out = run_window(state, plan(epoch_rate=1 / 10), np.ones(S, dtype=int), CURVES, fps=30)
    # segment 1 at 0.15 * 3 = 0.45 epochs: 1 - (1/(10 * 0.45 + 4) + 0.15) = 0.73235
    assert np.allclose(out.step_accuracy[0], 1 - (1 / 8.5 + 0.15))
    assert state.applied[0] == pytest.approx(0.45) and state.stale[0] == 100.0


def test_clearing_the_buffer_lets_fresh_labels_drive_retraining():
    state = State.initial(1)
    state.stale[:] = 100.0
    state.segment[:] = 1
    out = run_window(state, plan(label_rate=10.0, epoch_rate=1 / 10, clear=0), np.ones(S, dtype=int), CURVES, 30)
    assert state.stale[0] == 0.0
    assert out.step_accuracy[0, -1] > 0.80  # twelve epochs on fresh data: near the asymptote 0.85


def test_candidates_are_independent():
    state = State.initial(3)
    state.fresh[:] = 100.0
    p = plan(n=3, epoch_rate=np.array([[0.0], [1 / 60], [1 / 30]]))
    out = run_window(state, p, np.zeros(S, dtype=int), CURVES, fps=30)
    assert out.accuracy[0] < out.accuracy[1] < out.accuracy[2]
