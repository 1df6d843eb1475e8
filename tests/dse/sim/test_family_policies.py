"""Model-family policies (dynamic-ofa, ALERT's choice of DNN) on hand-built windows: costs and
curves written out here, so the member each policy deploys can be worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from accel import FORMAT_NAMES
from dse.sim.contracts import State, WindowContext
from dse.sim.costs import KERNEL_FIELDS, PairCosts
from dse.sim.curves import SegmentCurves
from dse.sim.params import SimParams
from dse.sim.policies import POLICIES

F = len(FORMAT_NAMES)
MX6, MX9 = FORMAT_NAMES.index("mx6"), FORMAT_NAMES.index("mx9")
FPS = 100.0


def costs(units: int) -> PairCosts:
    """One design of `units` rows (granularity 1). A member's frame takes t / rows seconds:
    small t = 0.01 s, large t = 0.04 s, so at 100 FPS small needs 1 row and large 4 rows.
    Labeling 1 ms and a training sample 2 ms on any rows; energies 1 mJ per frame (small) and 3 mJ
    (large)."""
    rows = np.arange(units + 1, dtype=float)
    with np.errstate(divide="ignore"):
        per_row = np.where(rows > 0, 1.0 / rows, np.inf)
    base = {k: np.full((1, F, units + 1), np.inf) for k in KERNEL_FIELDS}
    for f in range(F):
        base["label_s"][0, f, 1:] = 0.001
        base["label_j"][0, f, 1:] = 0.001
        base["train_s"][0, f, 1:] = 0.002
        base["train_j"][0, f, 1:] = 0.002
        base["infer_s"][0, f] = 0.04 * per_row
        base["infer_j"][0, f, 1:] = 0.003
    var_s = np.stack([np.broadcast_to(t * per_row, (1, F, units + 1)) for t in (0.01, 0.04)]).copy()
    var_j = np.stack([np.full((1, F, units + 1), j) for j in (0.001, 0.003)])
    return PairCosts(**base, units=np.array([units]), granularity=np.array([1]), time_shared=False,
                     index=np.array([0]), variants=("small", "large"), variant_infer_s=var_s, variant_infer_j=var_j)


# Two members on one segment: small's curve tops out at 0.70 (b2 = 0.30), large's at 0.90.
# Both start at 1 - (1/b1 + b2): small 0.60, large 0.80 (b1 = 10).
CURVES = SegmentCurves(b0=np.array([[1.0], [1.0]]), b1=np.array([[10.0], [10.0]]), b2=np.array([[0.30], [0.10]]),
                       label_acc=np.array([[1.0], [1.0]]), delta=np.zeros((2, F, 1)))


def context(n: int = 1) -> WindowContext:
    return WindowContext(0, np.zeros(60, dtype=np.int64), State.initial(n), CURVES, FPS, 60.0,
                         SimParams().resolve(n))


def test_dynamic_ofa_deploys_the_most_accurate_member_that_keeps_up():
    # 4 rows, half train: 2 left for inference. Small: 0.005 s a frame (meets 100 FPS); large 0.02 s (does not)
    policy = POLICIES["dynamic-ofa"](costs(4), {"train_row_fraction": 0.5}, fps=FPS)
    assert policy.infer_rows.tolist() == [2]
    plan = policy.plan(context())
    assert plan.curve_row.tolist() == [0]  # small: the large one would drop frames
    assert plan.processed.tolist() == [1.0] and plan.infer_j_per_frame.tolist() == [0.001]
    # labeling and training share the other 2 rows: a period is n_l x 1 ms + n_t x 2 ms
    assert plan.rates.base_label[0] == pytest.approx(108 / (108 * 0.001 + 324 * 0.002))
    # 8 rows, 4 for inference: large takes 0.01 s a frame, meets the rate, and is more accurate (0.80 > 0.60)
    plan = POLICIES["dynamic-ofa"](costs(8), {"train_row_fraction": 0.5}, fps=FPS).plan(context())
    assert plan.curve_row.tolist() == [1] and plan.infer_j_per_frame.tolist() == [0.003]


def test_dynamic_ofa_with_no_member_keeping_up_runs_the_one_that_processes_most():
    # 2 rows, 1 for inference, 150 FPS: small (0.01 s a frame) processes 100 of them a second, large 25
    plan = POLICIES["dynamic-ofa"](costs(2), {"train_row_fraction": 0.5}, fps=150.0).plan(
        WindowContext(0, np.zeros(60, dtype=np.int64), State.initial(1), CURVES, 150.0, 60.0, SimParams().resolve(1)))
    assert plan.curve_row.tolist() == [0] and plan.processed[0] == pytest.approx(100 / 150)


def test_alert_chooses_among_members_and_formats_by_energy_under_its_accuracy_goal():
    # 8 rows. Every (member, format) meets the frame rate on its fewest rows; small is predicted
    # 0.60, large 0.80. Goal 0.7: only large qualifies, so large runs (in the cheapest format).
    plan = POLICIES["alert"](costs(8), {"accuracy_goal": 0.7}, fps=FPS).plan(context())
    assert plan.curve_row.tolist() == [1]
    # Goal 0.5: both qualify; small costs 1 mJ a frame against 3 mJ: small runs
    plan = POLICIES["alert"](costs(8), {"accuracy_goal": 0.5}, fps=FPS).plan(context())
    assert plan.curve_row.tolist() == [0] and plan.infer_j_per_frame.tolist() == [0.001]
    # Goal 0.95: nobody qualifies: the most accurate (large) runs
    plan = POLICIES["alert"](costs(8), {"accuracy_goal": 0.95}, fps=FPS).plan(context())
    assert plan.curve_row.tolist() == [1]
