"""`dse bench` sections at toy sizes: the JSON keys scripts read are there and are real numbers.

No speed is asserted here (figures depend on the machine); `dse bench` prints them."""

from __future__ import annotations

import math

import pytest

from dse.bench import bench_accel, bench_cl, bench_studies
from tests.cli_helpers import TINY


def _finite_positive(figures: dict, keys: tuple[str, ...]) -> None:
    for key in keys:
        assert key in figures, key
        assert math.isfinite(figures[key]) and figures[key] > 0, (key, figures[key])


def test_accel_section_compares_against_its_baselines():
    figures = bench_accel(pairs=20_000, python_pairs=500)
    _finite_positive(figures, ("cycle_evals_per_s", "speedup_vs_python", "kernel_table_designs_per_s",
                               "kernel_table_speedup_vs_summed"))


def test_cl_section_reports_the_issue_keys():
    figures = bench_cl(candidates=60, one_at_a_time=2, reference=20)
    _finite_positive(figures, ("cl_candidates_per_s", "cl_speedup_vs_one_at_a_time",
                               "cl_numpy_engine_candidates_per_s", "cl_distinct_designs"))
    assert figures["cl_distinct_designs"] <= 60


def test_studies_section_reports_the_issue_keys():
    figures = bench_studies(n_trials=40, sweep_samples=300, quality_trials=40)
    _finite_positive(figures, ("study_overhead_ratio", "sweep_candidates_per_s", "sweep_speedup_2_jobs",
                               "hypervolume_fraction"))
    assert figures["hypervolume_fraction"] <= 1.0 + 1e-9  # a study cannot beat the exhaustive front


def test_uncertainty_section_reports_the_cost_of_draws():
    from dse.bench import bench_uncertainty

    figures = bench_uncertainty(n_trials=20, draws=4, reproduce_draws=2)
    _finite_positive(figures, ("study_plain_s", "study_with_draws_s", "study_draws_cost_ratio",
                               "reproduce_with_draws_s"))


def test_storage_section_reports_the_issue_keys():
    from dse.bench import bench_storage

    figures = bench_storage(studies=3, trials=40, open_trials=40, with_postgres=False)
    _finite_positive(figures, ("status_s_100k", "status_command_s_100k", "journal_bytes_per_trial"))
    assert figures["storage_trials_in_folder"] == 120


def test_steady_rate_is_the_rate_between_the_10th_and_90th_percentile_completions():
    """By hand: 100 completions, one every 0.5 s from t = 10 s (2/s), after a slow start (nothing
    for 10 s) and before a slow tail (the last ten 5 s apart). The 10th completion (index 10) is
    at 15 s, the 90th (index 89) at 54.5 s: 79 intervals in 39.5 s, 2.0/s (the whole run, 0 to
    104.5 s, gives 0.96/s). Order does not matter; too few completions give NaN."""
    from dse.bench import steady_rate

    times = [10 + 0.5 * i for i in range(90)] + [54.5 + 5 * k for k in range(1, 11)]
    assert steady_rate(times) == pytest.approx(2.0, rel=1e-12)
    assert steady_rate(list(reversed(times))) == steady_rate(times)
    assert steady_rate([0.0, 1.0, 3.0, 6.0]) == pytest.approx(2 / 3)  # the 0th to the 2nd: 2 intervals in 3 s
    assert math.isnan(steady_rate([0.0, 1.0, 2.0])) and math.isnan(steady_rate([]))


def test_storage_section_on_postgres_reports_both_studies():
    """The PostgreSQL fleets at toy size (a server the bench starts): the headline keys are
    `quick`'s, dacapo-open's carry its name, and each ratio is its own two rates' quotient."""
    pytest.importorskip("psycopg", reason="the PostgreSQL driver (extra 'postgres') is not installed")
    from dse.bench import bench_storage

    figures = bench_storage(studies=2, trials=20, open_trials=20, pg_trials=120, pg_repeats=1)
    assert "postgres_unavailable" not in figures
    for tag in ("", "dacapo_open_"):
        _finite_positive(figures, tuple(f"pg_{tag}{kind}trials_per_s_{j}" for kind in ("", "whole_")
                                        for j in (1, 2, 4)))
        for kind in ("", "whole_"):
            assert figures[f"pg_{tag}{kind}2_over_1"] == (figures[f"pg_{tag}{kind}trials_per_s_2"]
                                                         / figures[f"pg_{tag}{kind}trials_per_s_1"])
    _finite_positive(figures, ("pg_worker_start_s", "machine_2_over_1", "pg_statements_per_trial"))
    assert figures["pg_study_trials"] == 120


def test_search_bench_smoke_run_prints_its_keys(tmp_path):
    """A toy-size `dse bench --only search` (the full one takes ~10 minutes and is not in CI)."""
    from dse.bench import bench_search

    figures = bench_search(str(TINY), seeds=2, n_trials=60, reference_samples=3000, equal_time_seeds=1,
                           out=str(tmp_path / "evidence"))
    for key in ("hv_fraction_at_2000", "trials_to_99pct", "joint_over_sequential_hv", "joint_over_sequential_ci95",
                "study_over_sweep_hv_equal_time", "seeds"):
        assert key in figures, key
    assert figures["seeds"] == 2 and len(figures["joint_over_sequential_ci95"]) == 2
    assert 0 < figures["hv_fraction_at_2000"] <= 1.05 and figures["joint_over_sequential_hv"] > 0
    assert {p.name for p in (tmp_path / "evidence").iterdir()} >= {
        "curves.parquet", "samplers.parquet", "equal_time.parquet", "figures.json", "index.html", "samplers.png"}


def test_search_bench_says_which_default_samplers_this_install_lacks(monkeypatch):
    from dse.bench import bench_search
    from dse.search import evidence

    monkeypatch.setattr(evidence, "default_samplers", lambda: (("random",), "qmc left out: it needs SciPy"))
    heard: list[str] = []
    figures = bench_search(str(TINY), seeds=1, n_trials=20, reference_samples=500, equal_time_seeds=1,
                           notify=heard.append)
    assert heard == ["qmc left out: it needs SciPy"] and figures["seeds"] == 1


def test_bench_json_is_strict_json_with_null_for_figures_that_are_not_finite():
    import json

    from workloads.files import json_text

    text = json_text({"trials_to_99pct": float("inf"), "ci": [1.0, float("nan")], "best_sampler": "nsga3"})
    assert json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}")) == {
        "trials_to_99pct": None, "ci": [1.0, None], "best_sampler": "nsga3"}


def test_the_timed_processes_load_compiled_packages():
    """Workers and commands the bench times load dse's packages as an installed copy does, byte
    compiled, also from a checkout where Python writes no bytecode (PYTHONDONTWRITEBYTECODE)."""
    import importlib.util
    import pathlib

    import accel
    import workloads
    from dse import bench

    pairs = [(pathlib.Path(m.__file__), pathlib.Path(importlib.util.cache_from_source(m.__file__)))
             for m in (bench, accel, workloads)]
    for _, compiled in pairs:
        compiled.unlink(missing_ok=True)
    bench._bytecode_compiled.__wrapped__()
    for source, compiled in pairs:
        assert compiled.stat().st_mtime >= source.stat().st_mtime
