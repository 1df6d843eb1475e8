"""Contract tests run for every registered policy, and DaCapo's drift detection."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from accel import PLATFORMS, Design
from dse.errors import DseError
from dse.sim.contracts import State
from dse.sim.costs import accel_pair_costs, gpu_pair_costs
from dse.sim.curves import SegmentCurves
from dse.sim.params import SimParams
from dse.sim.policies import POLICIES, WindowContext
from dse.sim.simulate import simulate

PAIR = ("resnet18", "wide_resnet50_2")


@pytest.fixture(scope="module")
def designs():
    # DaCapo, a bigger array, and a 2-row 100 MHz array that cannot meet 30 FPS in any format
    # (ResNet18 in MX4 on both rows: about 52 ms a frame)
    return Design.from_records([{"preset": "dacapo"}, {"rows": 32, "cols": 32, "sram_kb": 256},
                                {"rows": 2, "cols": 16, "freq_mhz": 100}])


@pytest.fixture(scope="module")
def costs(designs):
    return accel_pair_costs(designs, *PAIR)


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_policy_contract_on_arrays(name, costs):
    r1 = simulate(costs, POLICIES[name], None, *PAIR, ("S1", "ES1"))
    r2 = simulate(costs, POLICIES[name], None, *PAIR, ("S1", "ES1"))
    np.testing.assert_array_equal(r1.window_accuracy, r2.window_accuracy)  # deterministic
    assert r1.window_accuracy.shape == (3, 2, 14)
    assert np.all((r1.scenario_accuracy >= 0) & (r1.scenario_accuracy <= 1))
    assert np.all((r1.processed >= 0) & (r1.processed <= 1))
    assert np.all(np.isfinite(r1.power_w)) and np.all(r1.power_w >= 0)
    assert r1.processed[2].mean() < 1.0  # the slow 2-row array cannot keep up at 30 FPS


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_policy_contract_on_a_gpu(name):
    costs = gpu_pair_costs(PLATFORMS["orin-high"], *PAIR)
    if POLICIES[name].spatial:
        with pytest.raises(DseError, match="cannot run on a GPU"):
            POLICIES[name](costs)
        return
    r = simulate(costs, POLICIES[name], None, *PAIR, ("S1",))
    assert np.all((r.scenario_accuracy > 0) & (r.scenario_accuracy <= 1))


@pytest.mark.parametrize("name", ["ekya", "eomu", "edgeol", "static"])
def test_gpu_platforms_infer_without_an_mx_accuracy_delta(name):
    # the MX precision parameters apply to arrays only: a GPU computes in floating point
    from accel import FORMAT_NAMES
    from dse.sim.policies._base import GPU_FORMAT

    costs = gpu_pair_costs(PLATFORMS["orin-high"], *PAIR)
    policy = POLICIES[name](costs, {"infer_precision": "mx4"})
    assert np.all(policy.formats("infer_precision") == FORMAT_NAMES.index(GPU_FORMAT))


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_policies_declare_documented_parameters(name):
    cls = POLICIES[name]
    assert cls.summary and cls.paper and len(inspect.getmodule(cls).__doc__) > 100
    for key, spec in cls.params.items():
        assert spec.doc, f"{name}.{key} has no doc"


def test_unknown_and_out_of_range_parameters(costs):
    with pytest.raises(DseError, match="policy.n_q"):
        POLICIES["dacapo-spatiotemporal"](costs, {"n_q": 3})
    with pytest.raises(DseError, match="policy.drift_threshold"):
        POLICIES["dacapo-spatiotemporal"](costs, {"drift_threshold": 2.0})
    with pytest.raises(DseError, match="policy.infer_precision"):
        POLICIES["dacapo-spatiotemporal"](costs, {"infer_precision": "fp8"})


def test_oracle_bounds_every_policy(costs):
    oracle = simulate(costs, POLICIES["oracle"], None, *PAIR, ("S3",)).scenario_accuracy
    for name in POLICIES:
        assert np.all(simulate(costs, POLICIES[name], None, *PAIR, ("S3",)).scenario_accuracy <= oracle + 1e-9)


def _context(new_acc_before: float, n: int):
    new_b1 = 1.0 / (1.0 - 0.10 - new_acc_before)  # acc(0) = 1 - 1/b1 - b2
    curves = SegmentCurves(b0=np.array([10.0, 10.0]), b1=np.array([5.0, new_b1]), b2=np.array([0.10, 0.10]),
                           label_acc=np.ones(2), delta=np.zeros((5, 2)))
    state = State.initial(n)
    state.applied[:] = 5.0  # adapted to segment 0: 1 - (1/55 + 0.1) = 0.882
    return WindowContext(3, np.ones(120, dtype=int), state, curves, 30.0, 120.0, SimParams().resolve(n))


def test_drift_detection_fires_on_a_crafted_segment_change(costs):
    policy = POLICIES["dacapo-spatiotemporal"](costs.take([0]))
    policy.reset()
    plan = policy.plan(_context(0.70, 1))  # 18 points below the validation accuracy
    detect = int(np.floor(policy.period[0] / 1.0))  # 1 s steps
    assert plan.clear_step[0] == detect
    t_label = policy.t_label[0]
    label_rate, epoch_rate = plan.rates.dense(plan.n_steps, 1.0)
    assert epoch_rate[0, detect + 1] == 0.0  # labeling N_ldd samples, no retraining
    assert label_rate[0, detect + 1] == pytest.approx(1 / t_label)


def test_drift_detection_stays_quiet_without_a_real_drop(costs):
    policy = POLICIES["dacapo-spatiotemporal"](costs.take([0]))
    policy.reset()
    plan = policy.plan(_context(0.87, 1))  # 1.2 points below: under the 5-point threshold
    assert plan.clear_step[0] == -1
    assert np.all(plan.rates.dense(plan.n_steps, 1.0)[1][0] > 0)


def test_spatial_step_gives_published_splits():
    # DaCapo: ResNet18 3/13, ResNet34 4/12, ViT-B/32 4/12 under the artifact's ViT assumption
    # (reference/dacapo.md)
    d = Design.preset("dacapo")
    r18 = POLICIES["dacapo-spatiotemporal"](accel_pair_costs(d, *PAIR))
    r34 = POLICIES["dacapo-spatiotemporal"](accel_pair_costs(d, "resnet34", "wide_resnet101_2"))
    vit = POLICIES["dacapo-spatiotemporal"](accel_pair_costs(d, "vit_b_32", "vit_b_16", vit_attention=False))
    assert (r18.infer_rows[0], r18.b_rows[0]) == (3, 13)
    assert (r34.infer_rows[0], r34.b_rows[0]) == (4, 12)
    assert (vit.infer_rows[0], vit.b_rows[0]) == (4, 12)


def test_docs_page_lists_every_policy_and_parameter():
    import pathlib

    from dse.sim.policies.docs import policies_markdown

    page = (pathlib.Path(__file__).parents[3] / "docs" / "policies.md").read_text()
    assert policies_markdown() in page


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_declared_cost_tables_suffice(name, designs):
    """Simulating with only the tables a policy declares equals simulating with all of them."""
    cls = POLICIES[name]
    rng = np.random.default_rng(7)
    params = {k: rng.choice(spec.choices, len(designs)).astype(object) for k, spec in cls.params.items()
              if spec.choices}
    full = accel_pair_costs(designs, *PAIR)
    lean = accel_pair_costs(designs, *PAIR, needs=cls.kernel_formats(params))
    a = simulate(full, cls, params, *PAIR, ("S1", "ES1"))
    b = simulate(lean, cls, params, *PAIR, ("S1", "ES1"))
    np.testing.assert_array_equal(a.window_accuracy, b.window_accuracy)
    np.testing.assert_array_equal(a.power_w, b.power_w)


def test_scenario_accuracy_is_the_geometric_mean_of_the_scored_windows(costs):
    # DaCapo's artifact (script/summarize/figure_9.py): gmean of the per-window accuracies after
    # the 4 warm-up windows, then gmean over scenarios
    r = simulate(costs, POLICIES["dacapo-spatiotemporal"], None, *PAIR, ("S3", "ES1"))
    scored = r.window_accuracy[:, :, 4:]
    np.testing.assert_allclose(r.scenario_accuracy, np.exp(np.log(scored).mean(axis=2)), rtol=1e-12)
    assert np.all(r.scenario_accuracy[0] < scored[0].mean(axis=1))  # windows differ: below the mean
    np.testing.assert_allclose(r.geomean_accuracy, np.exp(np.log(r.scenario_accuracy).mean(axis=1)), rtol=1e-12)


def test_profiled_orin_configurations_follow_the_artifacts_rule():
    """DaCapo's artifact (orin-baseline/ekya_orin, gen_range_sample_rate_and_epochs) on its own
    profiles. ResNet34 on Orin (60 W): 3,600 frames x 26.30 ms = 94.66 s of inference leaves 25.34 s;
    5 epochs fit up to 5 % (180 samples: 6 batches x 0.1204 s x 5 + 180 x 0.1008 s = 21.75 s; 6 %:
    25.98 s), 15 epochs up to 4 %, 30 up to 3 % -> rates 3 / 4 / 5 %. At 30 W nothing fits (even
    1 %: 116.8 + 7.3 s) -> 1 % three times. ResNet18 at 60 W: 12 / 19 / 26 %."""
    from accel.platforms import MEASURED_S
    from dse.sim.policies.ekya import profiled_rates

    def rates(platform, student, teacher):
        m = MEASURED_S[platform]
        return profiled_rates(np.array([m[(student, "inference")]]), np.array([m[(student, "training")]]),
                              np.array([m[(teacher, "labeling")]]), 120.0, 30.0)[0].tolist()

    assert rates("orin-high", "resnet34", "wide_resnet101_2") == [0.03, 0.04, 0.05]
    assert rates("orin-low", "resnet34", "wide_resnet101_2") == [0.01, 0.01, 0.01]
    assert rates("orin-high", "resnet18", "wide_resnet50_2") == [0.12, 0.19, 0.26]


def test_profiled_ekya_falls_back_to_the_lowest_rate_and_5_epochs():
    """The first window has no profile (and at 30 W nothing fits): the artifact's fallback."""
    costs = gpu_pair_costs(PLATFORMS["orin-low"], "resnet34", "wide_resnet101_2")
    policy = POLICIES["ekya"](costs, {"configs": "profiled", "deploy": "window", "epoch_weight": 0.05})
    policy.reset()
    rate, epochs = policy._profiled(_context(0.80, 1))
    assert rate.tolist() == [0.01] and epochs.tolist() == [5.0]
