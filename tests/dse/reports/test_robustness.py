"""Robustness of a Pareto front under uncertainty draws: hand-computed cases and a real study."""

from __future__ import annotations

import pathlib

import pytest

from dse.reports.robustness import robustness
from dse.search.spec import load_spec

TINY = pathlib.Path(__file__).parents[2] / "data" / "studies" / "tiny.toml"  # accuracy up, area down


def test_hand_computed_probabilities():
    spec = load_spec(str(TINY))
    front = [{"accuracy_pct": 75.0, "area_mm2": 1.0, "draws": {"accuracy_pct": [80.0, 70.0]}},
             {"accuracy_pct": 75.0, "area_mm2": 1.0, "draws": {"accuracy_pct": [75.0, 75.0]}},
             {"accuracy_pct": 60.0, "area_mm2": 0.5, "draws": {"accuracy_pct": [60.0, 60.0]}}]
    ref = {"accuracy_pct": 75.0, "area_mm2": 1.5}
    out = robustness(front, spec, ref, {"accuracy_pct": [78.0, 72.0]})
    # draw 0: the first beats the second; draw 1 the reverse; the third (smallest) always stays
    assert [r["p_nondominated"] for r in out] == [0.5, 0.5, 1.0]
    # against the reference (78 / 72 at 1.5 mm^2): the first wins draw 0, the second draw 1
    assert [r["p_dominates_dacapo"] for r in out] == [0.5, 0.5, 0.0]


def test_without_draws_there_is_nothing_to_say():
    assert robustness([{"accuracy_pct": 1.0, "area_mm2": 1.0}], load_spec(str(TINY))) == [{}]


def test_a_study_with_draws_reports_robustness(tmp_path):
    import dse

    journal = str(tmp_path / "u.journal")
    status = dse.run_study(str(TINY), storage=journal, n_trials=20, uncertainty=8)
    assert status["complete"] == 20
    written = dse.report("tiny", out=str(tmp_path / "r"), storage=journal)
    summary = (tmp_path / "r" / "summary.md").read_text()
    assert "medians over 8 uncertainty draws" in summary and "Robust:" in summary
    header = (tmp_path / "r" / "pareto.csv").read_text().splitlines()[0].split(",")
    assert {"p_nondominated", "p_dominates_dacapo", "metric.accuracy_p05"} <= set(header)
    table = dse.trials("tiny", storage=journal)
    p05, med = table.column("metric.accuracy_p05").to_pylist(), table.column("objective.accuracy_pct").to_pylist()
    assert all(a is None or a <= m + 1e-9 for a, m in zip(p05, med, strict=True))
    assert "pareto.png" in written.files
    with pytest.raises(dse.DseError, match="--uncertainty"):
        dse.run_study(str(TINY), storage=str(tmp_path / "x.journal"), uncertainty=5000)
