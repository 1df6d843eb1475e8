"""`dse proxies` wiring and exit codes."""

from __future__ import annotations

from tests.cli_helpers import run
from workloads.proxies import DEFAULTS_DIR

OBS = str(DEFAULTS_DIR / "ekya_observations.parquet")




def test_fit_writes_curves_and_reports_error(capsys, tmp_path):
    out_path = tmp_path / "curves.parquet"
    code, out, _ = run(capsys, "proxies", "fit", OBS, "-o", str(out_path))
    assert code == 0 and out_path.exists() and "fit_rmse" in out
    code, out, _ = run(capsys, "proxies", "validate", str(out_path))
    assert code == 0 and "valid curves table, 6 rows" in out


def test_fit_rejects_curves_input(capsys, tmp_path):
    code, _, err = run(capsys, "proxies", "fit", str(DEFAULTS_DIR / "default_curves.parquet"),
                       "-o", str(tmp_path / "x.parquet"))
    assert code == 2 and "expected observations" in err and not (tmp_path / "x.parquet").exists()


def test_corrupt_file_exit_2(capsys, tmp_path):
    bad = tmp_path / "bad.parquet"
    bad.write_text("nope")
    code, _, err = run(capsys, "proxies", "show", str(bad))
    assert code == 2 and err.startswith(f"error: {bad}: file:") and err.count("\n") == 1


def test_proxies_check_on_the_shipped_demo_observations(capsys, tmp_path):
    code, out, _ = run(capsys, "proxies", "check", str(DEFAULTS_DIR / "demo_observations.parquet"),
                       "-o", str(tmp_path / "check.json"))
    assert code == 0
    for key in ("curve_rmse_median", "data_exponent_fitted", "drift_transfer_measured_median"):
        assert f"{key}: " in out
    assert (tmp_path / "check.json").stat().st_size > 0


def test_proxies_profile_with_a_bad_spec_is_one_error_line(capsys, tmp_path):
    spec = tmp_path / "p.toml"
    spec.write_text('students = ["resnet18"]\nteacher = "wide_resnet50_2"\nscenario = "x"\nsegments = []\n'
                    'checkpoints = {}\nbatch = 3\n')
    code, _, err = run(capsys, "proxies", "profile", str(spec), "-o", str(tmp_path / "o.parquet"))
    assert code == 2 and err.count("\n") == 1
    assert ("batch" in err and "unknown key" in err) or "PyTorch" in err
    assert not (tmp_path / "o.parquet").exists()


def test_a_study_over_the_demo_family_runs_and_reports(capsys, tmp_path):
    import pyarrow.parquet as pq

    storage = str(tmp_path / "s") + "/"
    code, _, err = run(capsys, "study", "start", "demo-family", "--n-trials", "60", "--storage", storage)
    assert code == 0, err
    code, out, err = run(capsys, "report", "demo-family", "--storage", storage, "--out", str(tmp_path / "r"))
    assert code == 0, err
    trials = pq.read_table(tmp_path / "r" / "trials.parquet").to_pylist()
    complete = [t for t in trials if t["state"] == "COMPLETE"]
    assert len(complete) == 60
    assert {"dynamic-ofa", "alert", "dacapo-spatiotemporal"} <= {t["param.policy"] for t in complete}


def test_measured_curves_flow_into_a_study_through_its_proxies_key(capsys, tmp_path):
    import pyarrow.parquet as pq

    curves = tmp_path / "curves.parquet"
    code, _, err = run(capsys, "proxies", "fit", str(DEFAULTS_DIR / "demo_observations.parquet"), "-o", str(curves))
    assert code == 0, err
    assert set(pq.read_table(curves).column("provenance").to_pylist()) == {"measured"}
    study = tmp_path / "measured.toml"
    study.write_text('name = "measured"\npairs = ["digits-family"]\nscenarios = ["demo"]\nproxies = "curves.parquet"\n'
                     'n_trials = 20\nbatch_size = 10\n[objectives]\naccuracy_pct = "maximize"\n'
                     '[accel]\nrows = {low = 4, high = 16, step = 4}\n[policy.dynamic-ofa]\n'
                     'train_row_fraction = {low = 0.2, high = 0.8}\n')
    code, _, err = run(capsys, "study", "start", str(study), "--storage", str(tmp_path / "s") + "/")
    assert code == 0, err
    code, out, _ = run(capsys, "study", "status", "measured", "--storage", str(tmp_path / "s") + "/",
                       "--format", "json")
    assert code == 0 and '"complete": 20' in out
