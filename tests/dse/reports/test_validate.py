"""Out-of-sample validation: the batched calibration equals one run per constant, and the CLI writes it."""

from __future__ import annotations

import csv

import numpy as np

from dse.reports.reproduce import figure9_values, gmean_of
from dse.reports.validate import GRID, fit_transfer
from dse.sim.params import SimParams
from dse.sim.uncertainty import Draws
from tests.cli_helpers import run

PAIR = "resnet18-wrn50"


def test_a_batch_of_constants_equals_one_run_per_constant():
    picks = np.array([0.0, 0.09, 0.3])
    batch = figure9_values(True, pairs=(PAIR,), draws=Draws(np.zeros((3, 5)), SimParams(drift_transfer=picks)))
    for i, t in enumerate(picks):
        alone = figure9_values(True, pairs=(PAIR,), params=SimParams(drift_transfer=float(t)))
        for key, values in batch.items():
            np.testing.assert_allclose(values[i], alone[key][0], rtol=1e-12, err_msg=str((key, t)))


def test_fitting_on_resnet18_alone_gives_a_transfer_on_the_grid_with_its_largest_error():
    fit = fit_transfer(PAIR, None)
    assert fit.transfer in GRID and 0 <= fit.max_points < 3.0 and fit.rms_points <= fit.max_points


def test_cli_writes_the_validation(capsys, tmp_path):
    code, out, _ = run(capsys, "reproduce", "dacapo", "--validate", "--uncertainty", "20", "--out", str(tmp_path))
    assert code == 0 and "predicted: largest error" in out
    with (tmp_path / "validation.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 14 and {r["fitted_on"] for r in rows} == {"resnet18-wrn50", "vit_b32-vit_b16"}
    for r in rows:
        assert float(r["p05"]) <= float(r["p95"]) and r["inside"] in ("True", "False")
        assert abs(float(r["error_points"]) - (float(r["predicted_pct"]) - float(r["published_pct"]))) < 0.011



def test_gmean_is_over_s1_to_s6_only():
    # (50 * 200 * 100^4)^(1/6) = 100; ES1 and ES2 (last two) do not count
    np.testing.assert_allclose(gmean_of(np.array([[50.0, 200.0, 100.0, 100.0, 100.0, 100.0, 1.0, 1.0]])), [100.0])
