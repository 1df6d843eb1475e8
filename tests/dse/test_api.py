"""The Python API: every example in docs/api.md runs, and the functions agree with the CLI."""

from __future__ import annotations

import pathlib
import re

import pytest

DOC = pathlib.Path(__file__).parents[2] / "docs" / "api.md"
EXAMPLES = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)


def test_the_page_has_examples():
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("index", range(len(EXAMPLES)))
def test_docs_example_runs(index, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exec(compile(EXAMPLES[index], f"docs/api.md example {index + 1}", "exec"), {})


def test_public_names_are_exported():
    import dse

    for name in ("simulate", "evaluate", "run_study", "trials", "report", "SimParams", "DseError", "run_worker",
                 "list_studies", "delete_study", "repair_studies"):
        assert name in dse.__all__ and callable(getattr(dse, name))


def test_a_bad_simulator_constant_names_the_field():
    import dse

    with pytest.raises(dse.DseError, match=r"params.drift_transfer: must be .* got 1.5"):
        dse.SimParams(drift_transfer=1.5)
    with pytest.raises(dse.DseError, match="params.drift_tranfser: unknown simulator parameter"):
        dse.simulate(sim_params={"drift_tranfser": 0.1})


def test_evaluate_matches_simulate_for_one_candidate():
    import numpy as np

    import dse

    scores = dse.evaluate("dacapo", "dacapo-spatiotemporal", scenarios=["S1", "S5"])
    table = dse.simulate(design="dacapo", scenarios=["S1", "S5"])
    geomean = float(np.exp(np.mean(np.log(table.column("accuracy_pct").to_numpy()))))
    assert scores.column("accuracy_pct")[0].as_py() == pytest.approx(geomean, rel=1e-12)


def test_per_candidate_constants_equal_one_at_a_time_runs():
    """Vectorized draws of the simulator's constants equal the same draws simulated alone."""
    import numpy as np

    import dse
    from accel import Design

    rng = np.random.default_rng(5)
    n = 6
    params = dse.SimParams(drift_transfer=rng.uniform(0, 0.4, n), full_data_samples=rng.uniform(100, 3000, n),
                           data_exponent=rng.uniform(0.1, 0.4, n))
    designs = Design.preset("dacapo").take([0] * n)
    batch = dse.simulate(design=designs, scenarios=["S3", "ES1"], sim_params=params)
    for i in range(n):
        alone = dse.simulate(design=designs.take([i]), scenarios=["S3", "ES1"], sim_params=params.take([i]))
        np.testing.assert_allclose(batch.column("accuracy_pct").to_numpy()[2 * i:2 * i + 2],
                                   alone.column("accuracy_pct").to_numpy(), rtol=1e-12)
