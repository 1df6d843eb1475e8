"""The window engine on hand-computed cases (synthetic curves and plans)."""

from __future__ import annotations

import numpy as np
import pytest

from dse.sim.contracts import Plan, Schedule, State
from dse.sim.curves import SegmentCurves
from dse.sim.engine import run_window
from dse.sim.params import DEFAULT_DATA_EXPONENT, DEFAULT_FULL_DATA_SAMPLES, SimParams
from workloads.proxies import curve

# two segments: before 0.70 / 0.60, asymptote 0.90 / 0.85 (acc(0) = 1 - 1/b1 - b2)
CURVES = SegmentCurves(b0=np.array([10.0, 10.0]), b1=np.array([5.0, 4.0]),
                       b2=np.array([0.10, 0.15]), label_acc=np.array([1.0, 1.0]), delta=np.zeros((5, 2)))
S = 120
FULL = 1000.0  # buffer samples: more than DEFAULT_FULL_DATA_SAMPLES, so the data-size cap does not bind


def plan(n=1, processed=1.0, label_rate=0.0, epoch_rate=0.0, capacity=FULL, clear=-1, hold=None):
    full = lambda v: np.broadcast_to(np.asarray(v, dtype=float), (n, S)).copy()  # noqa: E731
    return Plan(processed=np.full(n, processed), infer_format=np.zeros(n, dtype=int), infer_j_per_frame=np.ones(n),
                rates=Schedule.from_steps(full(label_rate), full(epoch_rate), 1.0), n_steps=S,
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
    state.fresh[:] = FULL
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
    state.fresh[:] = FULL
    out = run_window(state, plan(epoch_rate=1 / 60, hold=True), np.zeros(S, dtype=int), CURVES, 30, engine=engine_name)
    assert np.allclose(out.step_accuracy[0], 0.70) and out.accuracy[0] == pytest.approx(0.70)
    assert state.applied[0] == pytest.approx(2.0)
    nxt = run_window(state, plan(), np.zeros(S, dtype=int), CURVES, 30, engine=engine_name)
    assert np.allclose(nxt.step_accuracy[0], curve(2.0, 10.0, 5.0, 0.1))  # 0.86 from the first step


def test_stale_buffer_does_not_adapt_and_drift_resets_progress():
    state = State.initial(1)
    state.fresh[:] = FULL
    state.applied[:] = state.progress[:] = 3.0
    # the window belongs to segment 1: the buffer's samples are now stale
    out = run_window(state, plan(epoch_rate=1 / 10), np.ones(S, dtype=int), CURVES, fps=30,
                     sim=SimParams(drift_transfer=0.0).resolve(1))
    assert np.allclose(out.step_accuracy[0], 0.60)  # accuracy before adaptation, no fresh data
    assert state.applied[0] == 0.0 and state.stale[0] == FULL


def test_drift_carries_the_calibrated_fraction_of_adaptation_over():
    assert SimParams().drift_transfer == 0.09
    state = State.initial(1)
    state.fresh[:] = FULL
    state.applied[:] = state.progress[:] = 3.0
    out = run_window(state, plan(epoch_rate=1 / 10), np.ones(S, dtype=int), CURVES, fps=30)
    # segment 1 at 0.09 * 3 = 0.27 epochs: 1 - (1/(10 * 0.27 + 4) + 0.15) = 0.70075, below the
    # 1 - (1/35 + 0.1) = 0.87143 the student had on segment 0
    assert np.allclose(out.step_accuracy[0], 1 - (1 / 6.7 + 0.15))
    assert state.applied[0] == pytest.approx(0.27) and state.stale[0] == FULL


@pytest.mark.parametrize("engine_name", ["numpy", "numba"])
def test_a_drift_never_raises_accuracy(engine_name):
    pytest.importorskip(engine_name)
    # from segment 1 (before 0.60) to segment 0 (before 0.70), no training in the window.
    # Never adapted (0 epochs): it stays at 0.60, i.e. at -1/6 epochs on segment 0's curve:
    # gap 1/4 + 0.15 - 0.10 = 0.30 there, (1/0.30 - 5)/10 = -0.16667, 1 - (1/3.3333 + 0.1) = 0.60.
    # Adapted for 1 epoch (0.77857 on segment 1): the carried 0.09 epochs give 1 - (1/5.9 + 0.1)
    # = 0.73051 on segment 0, lower, so the carried share stands.
    state = State.initial(2)
    state.segment[:] = 1
    state.applied[:] = state.progress[:] = [0.0, 1.0]
    out = run_window(state, plan(n=2), np.zeros(S, dtype=int), CURVES, 30, engine=engine_name)
    np.testing.assert_allclose(state.applied, [-1 / 6, 0.09], atol=1e-12)
    np.testing.assert_allclose(out.step_accuracy, [[0.60] * S, [1 - (1 / 5.9 + 0.1)] * S], atol=1e-12)
    # a deficit carries nothing: back to segment 1 the first student starts at that curve's 0.60
    # (same accuracy there is 0 epochs), not below it; the second keeps 0.09 * 0.09 epochs
    out = run_window(state, plan(n=2), np.ones(S, dtype=int), CURVES, 30, engine=engine_name)
    np.testing.assert_allclose(state.applied, [0.0, 0.0081], atol=1e-12)
    np.testing.assert_allclose(out.step_accuracy[0], 0.60, atol=1e-12)


@pytest.mark.parametrize("engine_name", ["numpy", "numba"])
def test_the_cap_counts_from_below_the_curve_for_a_student_that_arrived_there(engine_name):
    pytest.importorskip(engine_name)
    # a never-adapted student enters segment 0 at -1/6 epochs (0.60, gap 0.30 to the asymptote
    # 0.90, as above); 23 samples shrink that gap by the share s = (23/747) ** 0.2 = 0.49852:
    # to 0.30 * 0.50148 = 0.15044, i.e. accuracy 0.74956 at (b1/b0) t + start (1 + t) = 0.16470
    # epochs (t = s / (1 - s) = 0.99410), not at the 0.49705 a student at the curve's start gets
    state = State.initial(1)
    state.segment[:] = 1
    run_window(state, plan(), np.zeros(S, dtype=int), CURVES, 30, engine=engine_name)
    assert state.start[0] == pytest.approx(-1 / 6)
    state.fresh[:] = 23.0
    out = run_window(state, plan(epoch_rate=1 / 10, capacity=23.0), np.zeros(S, dtype=int), CURVES, 30,
                     engine=engine_name)
    np.testing.assert_allclose(state.progress, 0.16470, atol=1e-5)
    np.testing.assert_allclose(out.step_accuracy[0, -1], 0.74956, atol=1e-5)


@pytest.mark.parametrize("engine_name", ["numpy", "numba"])
def test_a_small_training_set_caps_the_gain(engine_name):
    pytest.importorskip(engine_name)
    # 23 samples reach the share (23 / 747) ** 0.2 = 0.49852 of the gain: progress is capped at
    # (b1 / b0) * 0.49852 / 0.50148 = 0.49705 epochs, accuracy 1 - (1/(10 * 0.49705 + 5) + 0.1)
    # = 0.79970, about halfway from 0.70 to the asymptote 0.90, however many epochs run (here 12)
    assert DEFAULT_FULL_DATA_SAMPLES == 747.0 and DEFAULT_DATA_EXPONENT == 0.2
    state = State.initial(2)
    state.fresh[:] = [23.0, 46.0]
    p = plan(n=2, epoch_rate=1 / 10, capacity=46.0)
    p.data_fraction = np.array([1.0, 0.5])  # the second trains on half of twice as many: the same cap
    out = run_window(state, p, np.zeros(S, dtype=int), CURVES, 30, engine=engine_name)
    np.testing.assert_allclose(state.progress, 0.49705, atol=1e-5)
    np.testing.assert_allclose(out.step_accuracy[:, -1], 0.79970, atol=1e-5)
    # training on the small set again never lowers progress reached with more data
    state.progress[:] = state.applied[:] = 2.0
    run_window(state, p, np.zeros(S, dtype=int), CURVES, 30, engine=engine_name)
    np.testing.assert_allclose(state.progress, 2.0)


def test_clearing_the_buffer_lets_fresh_labels_drive_retraining():
    state = State.initial(1)
    state.stale[:] = FULL
    state.segment[:] = 1
    out = run_window(state, plan(label_rate=10.0, epoch_rate=1 / 10, clear=0), np.ones(S, dtype=int), CURVES, 30)
    assert state.stale[0] == 0.0
    assert out.step_accuracy[0, -1] > 0.80  # twelve epochs on fresh data: near the asymptote 0.85


def test_candidates_are_independent():
    state = State.initial(3)
    state.fresh[:] = FULL
    p = plan(n=3, epoch_rate=np.array([[0.0], [1 / 60], [1 / 30]]))
    out = run_window(state, p, np.zeros(S, dtype=int), CURVES, fps=30)
    assert out.accuracy[0] < out.accuracy[1] < out.accuracy[2]


# Ekya's Table 1 (workloads/data/reference/ekya_summary.md), all layers: median gains on 10% /
# 50% / 100% of the samples after 5 and 30 epochs
TABLE1_GAIN_5 = {0.1: 0.093, 0.5: 0.120}
TABLE1_GAIN_30 = {0.1: 0.096, 0.5: 0.126, 1.0: 0.147}


def test_data_exponent_is_the_mean_of_what_table1_implies():
    implied = [np.log(TABLE1_GAIN_30[f] / TABLE1_GAIN_30[1.0]) / np.log(f) for f in (0.1, 0.5)]
    np.testing.assert_allclose(implied, [0.185, 0.222], atol=5e-4)
    assert DEFAULT_DATA_EXPONENT == pytest.approx(np.mean(implied), abs=0.005)


def test_subsample_exponent_is_the_least_squares_fit_of_table1():
    import pyarrow.parquet as pq

    from dse.sim.policies.ekya_spatial import SUBSAMPLE_EXPONENT
    from workloads.proxies import DEFAULT_CURVES

    table = pq.read_table(DEFAULT_CURVES, columns=["b0", "b1"])
    r = float(np.unique(np.round(table.column("b0").to_numpy() / table.column("b1").to_numpy(), 6))[0])

    def gain(frac, exponent):  # 5 epochs worth frac**exponent each, under the data-size cap
        p = 5 * frac**exponent
        return TABLE1_GAIN_30[1.0] * min(r * p / (1 + r * p), frac**DEFAULT_DATA_EXPONENT)

    grid = np.round(np.arange(0.5, 1.3, 0.01), 2)
    sse = [sum((gain(f, x) - g) ** 2 for f, g in TABLE1_GAIN_5.items()) for x in grid]
    assert SUBSAMPLE_EXPONENT == grid[int(np.argmin(sse))]
