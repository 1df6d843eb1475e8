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
