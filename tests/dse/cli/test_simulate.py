"""`dse simulate` wiring and exit codes."""

from __future__ import annotations

import csv
import io

import pytest

from tests.cli_helpers import run


def test_per_window_table_and_plot(capsys, tmp_path):
    png = tmp_path / "t.png"
    code, out, _ = run(capsys, "simulate", "--design", "dacapo", "--policy", "dacapo-spatiotemporal", "--pair",
                       "resnet18", "--scenario", "S1", "--format", "csv", "--plot", str(png), "--windows")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 14 and png.stat().st_size > 10_000
    assert all(0 < float(r["accuracy_pct"]) < 100 for r in rows)


def test_per_scenario_csv_is_the_api_table(capsys):
    import dse

    code, out, _ = run(capsys, "simulate", "--design", "dacapo", "--pair", "resnet18-wrn50", "--scenario", "S1",
                       "--scenario", "S4", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    table = dse.simulate(design="dacapo", policy="dacapo-spatiotemporal", pair="resnet18-wrn50",
                         scenarios=["S1", "S4"]).to_pylist()
    assert code == 0 and [r["scenario"] for r in rows] == ["S1", "S4"]
    for cli_row, api_row in zip(rows, table, strict=True):
        for key in ("accuracy_pct", "avg_power_w", "dropped_fraction", "energy_j"):
            assert float(cli_row[key]) == api_row[key]  # the CLI prints repr-exact floats in CSV


def test_gpu_platform_with_a_time_shared_policy(capsys):
    code, out, _ = run(capsys, "simulate", "--platform", "orin-low", "--policy", "ekya", "--pair", "vit_b_32")
    assert code == 0 and "geomean_accuracy_pct" in out


@pytest.mark.parametrize("args, text", [
    (("--platform", "orin-low", "--policy", "dacapo-spatial"), "cannot run on a GPU"),
    (("--pair", "alexnet"), "unknown pair"),
    (("--param", "n_t=-5"), "policy.n_t"),
    (("--scenario", "S9"), "neither a shipped scenario"),
    (("--proxies", "no-such-curves.parquet"), "does not exist"),
])
def test_mistakes_exit_2_with_one_line(capsys, args, text):
    code, out, err = run(capsys, "simulate", *args)
    assert code == 2 and text in err and err.count("\n") == 1 and out == ""


def test_a_study_trial_resimulates_to_its_stored_metrics(capsys, tmp_path):
    import pathlib

    from dse.search import study as st
    from dse.search.spec import load_spec

    journal = str(tmp_path / "s.journal")
    st.create(load_spec(str(pathlib.Path(__file__).parents[2] / "data" / "studies" / "tiny.toml")), journal, 10)
    st.run("tiny", journal)
    trial = next(t for t in st.load("tiny", journal).get_trials() if t.state.name == "COMPLETE")
    code, out, _ = run(capsys, "simulate", "--study", "tiny", "--trial", str(trial.number), "--storage", journal,
                       "--scenario", "S1", "--format", "json")
    import json

    doc = json.loads(out)
    assert code == 0
    assert doc["geomean_accuracy_pct"] == pytest.approx(trial.user_attrs["metrics"]["accuracy_pct"], rel=1e-9)
    # the per-scenario accuracy the study stored beside its journal, next to the re-simulated one
    assert doc["stored_acc_resnet18-wrn50_S1"] == pytest.approx(doc["rows"][0]["accuracy_pct"], rel=1e-9)


def test_every_policy_resimulates_alone_to_what_it_scored_in_its_batch(tmp_path):
    """Trials ran in mixed batches of 15 (all policies, random sampler); each re-simulated alone
    through the API gives its stored metrics: no result depends on its batch (EOMU included)."""
    import pathlib

    import dse
    from dse.search import study as st
    from dse.search.spec import load_spec
    from dse.sim.policies import POLICIES

    journal = str(tmp_path / "p.journal")
    spec = load_spec(str(pathlib.Path(__file__).parents[2] / "data" / "studies" / "every-policy.toml"))
    st.create(spec, journal)
    st.run(spec.name, journal)
    complete = [t for t in st.load(spec.name, journal).get_trials() if t.state.name == "COMPLETE"]
    seen = set()
    for t in complete:
        result, _, policy = dse.run_simulation(pair="resnet18-wrn50", scenarios=spec.scenarios, study=spec.name,
                                               trial=t.number, storage=journal)
        metrics = t.user_attrs["metrics"]
        assert 100 * result.geomean_accuracy[0] == pytest.approx(metrics["accuracy_pct"], rel=1e-12), policy
        assert result.power_w[0] == pytest.approx(metrics["avg_power_w"], rel=1e-12), policy
        seen.add(policy)
    assert seen == set(POLICIES)
