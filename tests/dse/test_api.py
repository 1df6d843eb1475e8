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
                 "list_studies", "delete_study", "repair_studies", "sweep", "enqueue_best", "accel_info",
                 "accel_eval", "validate_proxies", "proxies_summary", "fit_proxies", "serve_dashboard", "run_bench"):
        assert name in dse.__all__ and callable(getattr(dse, name))


def test_every_command_has_its_function():
    """Every `dse` command and subcommand is named in the API's docstring (and so has a function)."""
    import click

    import dse
    from dse.cli import COMMANDS, cli

    ctx = click.Context(cli)
    functions = {"sweep": "sweep", "bench": "run_bench", "accel info": "accel_info", "accel eval": "accel_eval",
                 "proxies validate": "validate_proxies", "proxies show": "proxies_summary",
                 "proxies fit": "fit_proxies", "proxies profile": "profile_proxies", "proxies check": "check_proxies",
                 "study dashboard": "serve_dashboard", "study list": "list_studies", "study delete": "delete_study",
                 "study repair": "repair_studies", "study status": "status", "study export": "trials",
                 "study start": "run_study", "study resume": "resume_study", "worker": "run_worker",
                 "report study": "report", "report compare": "compare_reports",
                 "reproduce dacapo": "reproduce_dacapo", "simulate": "simulate",
                 "study compare-samplers": "compare_samplers"}
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        subs = [f"{name} {sub}" for sub in command.commands] if isinstance(command, click.Group) else [name]
        for full in subs:
            assert full in functions, f"`dse {full}` has no API function listed here"
            assert callable(getattr(dse, functions[full])) and functions[full] in dse.__doc__, full


def test_sweep_writes_the_same_file_as_the_command(capsys, tmp_path):
    import pyarrow.parquet as pq

    import dse
    from tests.cli_helpers import TINY, run

    run_ = dse.sweep(str(TINY), str(tmp_path / "api.parquet"), samples=40)
    code, _, _ = run(capsys, "sweep", str(TINY), "--samples", "40", "-o", str(tmp_path / "cli.parquet"))
    assert code == 0 and run_["written"] == 40 and run_["seconds"] > 0
    assert pq.read_table(tmp_path / "api.parquet").equals(pq.read_table(tmp_path / "cli.parquet"))
    assert dse.sweep_size(str(TINY), samples=40) == 40
    with pytest.raises(dse.DseError, match="accel.freq_mhz"):  # a continuous range has no grid
        dse.sweep(str(TINY), str(tmp_path / "g.parquet"), grid=True)
    with pytest.raises(dse.DseError, match="grid/samples"):
        dse.sweep_size(str(TINY))
    assert not (tmp_path / "g.parquet").exists()


def test_accel_functions_agree_with_the_command(capsys):
    import csv
    import io

    import dse
    from tests.cli_helpers import run

    rows = dse.accel_eval(mnk=[(20, 10, 30)], rows=8, cols=8, dataflow="os")
    assert rows[0]["cycles"] == 263  # SCALE-Sim's count for this GEMM (tests/dse/cli/test_accel.py)
    code, out, _ = run(capsys, "accel", "eval", "--mnk", "20,10,30", "--rows", "8", "--cols", "8", "--dataflow",
                       "os", "--format", "csv")
    assert code == 0 and int(next(csv.DictReader(io.StringIO(out)))["cycles"]) == 263
    kernels = dse.accel_eval("dacapo", model="resnet18", rows=[1, 16], precision="mx4")
    assert [r["rows"] for r in kernels] == [1, 16] and kernels[0]["latency_s"] > kernels[1]["latency_s"]
    assert abs(dse.accel_info("dacapo")[0]["area_mm2"] - 2.501) < 0.25
    with pytest.raises(dse.DseError, match="exactly one of"):
        dse.accel_eval("dacapo")
    with pytest.raises(dse.DseError, match="--cols/--dataflow"):
        dse.accel_eval("dacapo", mnk=[(4, 4, 4)], cols=8)


def test_proxy_functions_agree_with_the_command(capsys, tmp_path):
    import pyarrow.parquet as pq

    import dse
    from tests.cli_helpers import run
    from workloads.proxies import DEFAULTS_DIR

    observations = str(DEFAULTS_DIR / "ekya_observations.parquet")
    curves = dse.fit_proxies(observations, str(tmp_path / "api.parquet"), label_acc=0.9)
    code, _, _ = run(capsys, "proxies", "fit", observations, "-o", str(tmp_path / "cli.parquet"), "--label-acc", "0.9")
    assert code == 0 and curves.num_rows == 6
    assert pq.read_table(tmp_path / "api.parquet").equals(pq.read_table(tmp_path / "cli.parquet"))
    assert dse.validate_proxies(str(tmp_path / "api.parquet")) == {"kind": "curves", "rows": 6}
    summary = dse.proxies_summary(observations)
    assert summary["kind"] == "observations"
    assert sum(g["rows"] for g in summary["groups"]) == dse.validate_proxies(observations)["rows"]
    with pytest.raises(dse.DseError, match="label_acc"):
        dse.fit_proxies(observations, str(tmp_path / "x.parquet"), label_acc=1.5)
    assert not (tmp_path / "x.parquet").exists()


def test_run_bench_names_an_unknown_section():
    import dse

    with pytest.raises(dse.DseError, match="sections: unknown section 'disk'"):
        dse.run_bench(["disk"])


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
