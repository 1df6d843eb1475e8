"""Search evidence: hypervolume bookkeeping on hand-computed fronts, confidence intervals, the
crossover arithmetic on hand-made curves, and real (small) runs of every mode."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from dse.search import evidence as ev
from dse.search.spec import load_spec
from tests.cli_helpers import TINY


@pytest.fixture(scope="module")
def tiny():
    return load_spec(str(TINY))  # objectives: accuracy (max), area (min); reference 0 %, 20 mm^2


def test_front_tracker_hypervolume_by_hand(tiny):
    tracker = ev.FrontTracker(tiny)
    ok = {"dropped_fraction": 0.0}
    # (accuracy, area): (80, 10) alone dominates 80 x (20 - 10) = 800
    assert tracker.add([{**ok, "accuracy_pct": 80.0, "area_mm2": 10.0}]) == pytest.approx(800.0)
    # (60, 5) adds a 60 x 5 slab: 800 + 60 x (10 - 5) = 1100; a dominated point and an infeasible one change nothing
    hv = tracker.add([{**ok, "accuracy_pct": 60.0, "area_mm2": 5.0}, {**ok, "accuracy_pct": 50.0, "area_mm2": 12.0},
                      {"dropped_fraction": 0.1, "accuracy_pct": 99.0, "area_mm2": 1.0}, None])
    assert hv == pytest.approx(1100.0)
    assert len(tracker.front) == 2


def test_front_tracker_keeps_the_candidates_behind_its_front(tiny):
    tracker = ev.FrontTracker(tiny)
    ok = {"dropped_fraction": 0.0}
    metrics = [{**ok, "accuracy_pct": a, "area_mm2": s} for a, s in ((80, 10), (60, 5), (50, 12), (70, 7))]
    tracker.add(metrics, [{"id": i} for i in range(4)])
    assert sorted(c["id"] for c in tracker.candidates) == [0, 1, 3]
    assert [c["id"] for c in tracker.spread(2)] == [0, 1]  # the two ends along accuracy


def test_bootstrap_interval_collapses_on_constant_values_and_covers_the_median():
    assert ev.bootstrap_ci([2.0] * 10) == (2.0, 2.0)
    values = np.random.default_rng(1).normal(5.0, 1.0, 200)
    lo, hi = ev.bootstrap_ci(values)
    assert lo < np.median(values) < hi and hi - lo < 0.5


def test_curve_lookups_by_hand():
    c = ev.Curve("x", 0, np.array([10, 20, 30]), np.array([1.0, 2.0, 3.0]), np.array([5.0, 7.0, 9.0]))
    assert ev.value_at(c, 9) == 0.0 and ev.value_at(c, 25) == 7.0 and ev.value_at(c, 30) == 9.0
    assert ev.value_at_time(c, 2.5) == 7.0
    assert ev.value_at_time(c, 2.5, added_s_per_evaluation=0.05) == 5.0  # clock 1.5, 3.0, 4.5
    assert ev.trials_to_fraction(c, 10.0, 0.7) == 20 and ev.trials_to_fraction(c, 10.0, 0.99) == float("inf")
    assert ev.value_at_seconds(c, 20) == 2.0


def test_crossover_by_hand():
    """A study: 100 evaluations in 1 s, hypervolume 1.0. A sweep: 1 ms an evaluation, hypervolume
    0.5 until its 1,000th evaluation, then 1.2. With an added cost a per evaluation the study
    takes 1 + 100a s, in which the sweep finishes floor((1 + 100a) / (0.001 + a)) evaluations
    (in batches of 100): a = 0 -> 1,000 (sweep wins, 1/1.2); a = 1e-4 -> 918 -> 900 (study
    wins, 1/0.5); a = 1e-3 -> 550 -> 500 (study wins). The crossover is 1e-4."""
    study = ev.Curve("study", 0, np.array([100]), np.array([1.0]), np.array([1.0]))
    evals = np.arange(100, 2001, 100)
    sweep = ev.Curve("sweep", 0, evals, evals * 0.001, np.where(evals >= 1000, 1.2, 0.5))
    result = ev.crossover(study, sweep, 100, grid_s=np.array([1e-4, 1e-3]))
    assert result["study_over_sweep"][0] == pytest.approx(1.0 / 1.2)  # no added cost: the sweep wins
    assert result["study_over_sweep"][1] == pytest.approx(2.0)  # 1.01 s: the sweep made 918 evaluations
    assert result["crossover_s"] == pytest.approx(1e-4)


def test_runs_are_reproducible_per_seed_and_differ_between_seeds(tiny):
    a = ev.run_curve(tiny, "nsga2", 1, 60)[0]
    b = ev.run_curve(tiny, "nsga2", 1, 60)[0]
    c = ev.run_curve(tiny, "nsga2", 2, 60)[0]
    assert np.array_equal(a.hypervolume, b.hypervolume) and list(a.evaluations) == [10, 20, 30, 40, 50, 60]
    assert not np.array_equal(a.hypervolume, c.hypervolume)
    assert np.all(np.diff(a.hypervolume) >= 0)


def test_sequential_keeps_the_budget_and_tunes_the_policy_on_phase_one_hardware(tiny, monkeypatch):
    seen = []
    original = ev.evaluate

    def spy(spec, candidates, book):
        seen.extend(candidates)
        return original(spec, candidates, book)

    monkeypatch.setattr(ev, "evaluate", spy)
    curve = ev.run_sequential(tiny, 4, 60)
    assert curve.evaluations[-1] == 60 and np.all(np.diff(curve.hypervolume) >= 0)
    phase1, phase2 = seen[:30], seen[30:]
    assert len(phase2) == 30
    # phase one: the first policy at its default (DaCapo's N_t = 324), hardware searched
    assert {(c["policy"], c["dacapo-spatiotemporal.n_t"]) for c in phase1} == {("dacapo-spatiotemporal", 324)}

    def hardware(c):
        return tuple(sorted((k, v) for k, v in c.items() if k.startswith("accel.")))

    assert len({hardware(c) for c in phase1}) > 5
    # phase two: only phase one's (Pareto) hardware, both policies and their parameters searched
    assert {hardware(c) for c in phase2} <= {hardware(c) for c in phase1}
    assert {c["policy"] for c in phase2} == {"dacapo-spatiotemporal", "static"}


def test_equal_time_gives_the_sweep_the_study_s_time(tiny):
    run = ev.equal_time(tiny, "nsga2", 3, 60)
    study, sweep, both = run["curves"]
    assert study.seconds[-1] == run["seconds"]
    assert sweep.seconds[-2] < run["seconds"] if len(sweep.seconds) > 1 else True
    assert both.evaluations[-1] > 0 and both.label == "sweep-then-study"


def test_with_sampler_keeps_population_size_between_genetic_samplers(tiny):
    assert ev.with_sampler(tiny, "nsga3").sampler_options == {"population_size": 10}
    assert ev.with_sampler(tiny, "random").sampler_options == {}
    assert dataclasses.replace(tiny, sampler="random").sampler == "random"


def test_ratios_with_an_empty_denominator():
    assert ev.ratio(2.0, 4.0) == 0.5
    assert ev.ratio(1.0, 0.0) == float("inf")  # e.g. a sweep that finished no chunk in the study's time
    assert np.isnan(ev.ratio(0.0, 0.0))
