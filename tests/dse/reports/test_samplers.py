"""The README's search-evidence block, from a finished run's figures."""

from __future__ import annotations

import pytest

from dse.reports.samplers import README_END, README_START, readme_block

FIGURES = {"seeds": 3, "trials": 5000, "reference": "sweep of 1,000 candidates", "joint_over_sequential_hv": 1.03,
           "joint_over_sequential_ci95": [1.01, None], "study_over_sweep_hv_equal_time": 0.9967,
           "sweep_then_study_over_sweep_hv_equal_time": 0.9968, "equal_time_s": 1.88,
           "crossover_s_per_evaluation": 2.4e-05, "evaluation_s": 1.2e-04, "draw_s": 4.1e-05}
SAMPLER = {"sampler": "nsga2", "hv_fraction_median": 0.9764, "hv_fraction_ci95_low": 0.9727,
           "hv_fraction_ci95_high": 0.9788, "trials_to_99pct_median": float("inf"), "seeds_reaching_99pct": 4,
           "seeds": 10, "seconds_median": 2.04}


@pytest.mark.parametrize("draws, words", [(0.58, "about 1 uncertainty draw per candidate"),
                                          (2.4, "about 2 uncertainty draws per candidate")])
def test_the_block_says_draw_or_draws_as_the_count_reads(draws, words):
    block = readme_block({**FIGURES, "crossover_draws": draws}, [SAMPLER])
    assert block.startswith(README_START) and block.endswith(README_END)
    assert words in block
    assert "| nsga2 | 97.64% (97.27%-97.88%) | not reached | 4 of 10 | 2.0 |" in block
    assert "median 1.0300, 95% CI 1.0100-nan" in block  # a null bound is shown, not hidden
