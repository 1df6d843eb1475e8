"""`dse proxies check` on observations built from known curves, and the observations/2 schema."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from workloads.proxies import arrow_schema, read_proxies
from workloads.proxies.check import check
from workloads.proxies.fit import curve

B0, B1, B2 = 1.0, 2.0, 0.1  # acc(e) = 0.9 - 1/(e + 2): 0.4 at e = 0, 0.8 at e = 8


def _row(segment, epochs, samples, acc_after, adapted_on=-1, label_acc=0.95):
    return {"student": "resnet18", "teacher": "wide_resnet50_2", "scenario": "S1", "segment": segment, "window": 0,
            "epochs": float(epochs), "samples": samples, "frozen_layers": 0, "precision": "fp32",
            "acc_before": float(curve(0, B0, B1, B2)), "acc_after": float(acc_after), "label_acc": label_acc,
            "adapted_on": adapted_on}


def observations(exponent: float, e_star: float) -> pa.Table:
    """Two segments on the same curve, measured at the largest set (512); smaller sets reach the
    share (n/512)^exponent of the gain after 8 epochs; a student adapted 8 epochs on segment 0
    is as good on segment 1 as `e_star` epochs there."""
    rows = []
    before = curve(0, B0, B1, B2)
    for seg in (0, 1):
        rows += [_row(seg, e, 512, curve(e, B0, B1, B2)) for e in (1, 2, 4, 8)]
        for n in (32, 128):
            rows.append(_row(seg, 8, n, before + (curve(8, B0, B1, B2) - before) * (n / 512) ** exponent))
    rows.append(_row(1, 8, 512, curve(e_star, B0, B1, B2), adapted_on=0, label_acc=None))
    return pa.Table.from_pylist(rows, schema=arrow_schema("observations"))


def test_check_recovers_the_exponent_and_the_carry_over_it_was_built_with():
    result = check(observations(0.3, 2.0), data_exponent=0.2, drift_transfer=0.09)
    assert result["curve_rmse_max"] < 1e-4  # the points lie on an Ekya curve
    assert result["data_exponent_fitted"] == pytest.approx(0.3, abs=1e-9)
    assert result["data_share_rmse_fitted"] < 1e-9 < result["data_share_rmse_shipped"]
    assert result["drift_transfer_measured_median"] == pytest.approx(2.0 / 8.0, rel=1e-3)
    assert result["carry_over_points"] == 1


def test_a_carried_student_below_the_new_curve_s_start_carries_nothing():
    obs = observations(0.2, 2.0).to_pylist()
    obs[-1]["acc_after"] = 0.2  # worse than the un-adapted student's 0.4
    result = check(pa.Table.from_pylist(obs, schema=arrow_schema("observations")), 0.2, 0.09)
    assert result["drift_transfer_measured_median"] == 0.0


def test_observations_version_1_load_without_label_accuracy_or_carry_over(tmp_path):
    table = observations(0.2, 1.0).drop_columns(["label_acc", "adapted_on"])
    old = table.replace_schema_metadata({b"cl_dse.schema": b"observations/1"})
    pq.write_table(old, tmp_path / "v1.parquet")
    kind, loaded = read_proxies(tmp_path / "v1.parquet")
    assert kind == "observations" and loaded.column("label_acc").null_count == loaded.num_rows
    assert set(loaded.column("adapted_on").to_pylist()) == {-1}


def test_fit_uses_the_measured_label_accuracy_and_skips_carry_over_points():
    from workloads.proxies import fit_observations

    curves = fit_observations(observations(0.2, 2.0), label_acc=0.5).to_pylist()
    assert [c["label_acc"] for c in curves] == pytest.approx([0.95, 0.95])  # measured, not the fallback 0.5
    assert [c["n_obs"] for c in curves] == [4, 4]  # the 512-sample points only
    assert curves[1]["acc_asymptote"] == pytest.approx(1 - B2, abs=1e-3)
    assert np.isclose(curves[0]["fit_rmse"], 0.0, atol=1e-4)
