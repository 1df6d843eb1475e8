"""Accuracy proxies: schema validation on real broken files, fitting, shipped defaults."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from workloads import WorkloadError
from workloads.proxies import DEFAULTS_DIR, curve, fit_curve, fit_observations, read_proxies, write_proxies
from workloads.proxies.schema import SCHEMA_KEY
from workloads.zoo import MODELS

DATA = str(DEFAULTS_DIR)


def test_fit_recovers_known_parameters_from_synthetic_observations():
    rng = np.random.default_rng(1)
    for b0, b1, b2 in [(4.962, 20.641, 0.316), (2.694, 8.794, 0.167), (10.0, 7.0, 0.05)]:
        e = np.array([0, 1, 2, 3, 5, 8, 12, 20, 30], dtype=float)
        fit = fit_curve(e, curve(e, b0, b1, b2))
        assert (fit.b0, fit.b1, fit.b2) == pytest.approx((b0, b1, b2), rel=1e-4)
        noisy = curve(e, b0, b1, b2) + rng.normal(0, 0.002, len(e))
        assert fit_curve(e, noisy).rmse < 0.004


def test_shipped_files_validate_and_cover_the_pairs():
    _, curves = read_proxies(f"{DATA}/default_curves.parquet", expect="curves")
    pairs = set(zip(curves.column("student").to_pylist(), curves.column("teacher").to_pylist(), strict=True))
    assert pairs == {("resnet18", "wide_resnet50_2"), ("vit_b_32", "vit_b_16"), ("resnet34", "wide_resnet101_2")}
    _, obs = read_proxies(f"{DATA}/ekya_observations.parquet", expect="observations")
    fitted = fit_observations(obs)
    rmse = dict(zip(fitted.column("segment").to_pylist(), fitted.column("fit_rmse").to_pylist(), strict=True))
    assert rmse[5] < 0.002  # Ekya's all-layers/all-data configuration: a near-perfect fit


def _write_raw(tmp_path, table, name="t.parquet"):
    path = tmp_path / name
    pq.write_table(table, path)
    return path


def _good_obs():
    return read_proxies(f"{DATA}/ekya_observations.parquet")[1]


def _with(table, name, array):
    return table.set_column(table.column_names.index(name), name, array)


@pytest.mark.parametrize("mutate, field", [
    (lambda t: t.drop_columns(["acc_after"]), "acc_after"),
    (lambda t: _with(t, "acc_after", pa.array(["x"] * t.num_rows)), "acc_after"),
    (lambda t: _with(t, "acc_after", pa.array([np.nan] + [0.5] * (t.num_rows - 1))), "acc_after"),
    (lambda t: _with(t, "acc_before", pa.array([1.5] * t.num_rows)), "acc_before"),
    (lambda t: _with(t, "student", pa.array(["resnet9000"] * t.num_rows)), "student"),
    (lambda t: t.slice(0, 0), "rows"),
])
def test_broken_tables_name_the_column(tmp_path, mutate, field):
    table = mutate(_good_obs())
    meta = {SCHEMA_KEY: b"observations/1"}
    path = _write_raw(tmp_path, table.replace_schema_metadata(meta))
    with pytest.raises(WorkloadError) as info:
        read_proxies(path)
    assert info.value.field == field and info.value.source == str(path)


def test_wrong_version_missing_metadata_and_truncated_file(tmp_path):
    t = _good_obs()
    path = _write_raw(tmp_path, t.replace_schema_metadata({SCHEMA_KEY: b"observations/7"}))
    with pytest.raises(WorkloadError, match="version '7'"):
        read_proxies(path)
    path = _write_raw(tmp_path, t.replace_schema_metadata(None), "plain.parquet")
    with pytest.raises(WorkloadError, match="not a cl-dse proxy file"):
        read_proxies(path)
    good = tmp_path / "good.parquet"
    write_proxies(t, "observations", good)
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(WorkloadError, match="not a readable Parquet file"):
        read_proxies(cut)


def test_write_is_validated_and_leaves_nothing_on_error(tmp_path):
    bad = _with(_good_obs(), "acc_after", pa.array([2.0] * _good_obs().num_rows))
    with pytest.raises(WorkloadError):
        write_proxies(bad, "observations", tmp_path / "out.parquet")
    assert list(tmp_path.iterdir()) == []


def test_models_in_shipped_curves_are_in_the_zoo():
    _, curves = read_proxies(f"{DATA}/default_curves.parquet")
    assert set(curves.column("student").to_pylist()) <= set(MODELS)


def test_docs_page_lists_the_current_schema():
    import pathlib

    from workloads.proxies.docs import schema_markdown

    page = (pathlib.Path(__file__).parents[2] / "docs" / "proxies.md").read_text()
    assert schema_markdown() in page


def test_provenance_and_uncertainty_round_trip(tmp_path):
    from workloads.proxies import DEFAULT_CURVES, read_proxies, write_proxies

    _, table = read_proxies(DEFAULT_CURVES, expect="curves")
    assert set(table.column("provenance").to_pylist()) == {"rule", "extrapolated"}
    write_proxies(table, "curves", tmp_path / "c.parquet")
    _, again = read_proxies(tmp_path / "c.parquet", expect="curves")
    assert again.equals(table)
    r34 = [r for r in table.to_pylist() if r["student"] == "resnet34"]
    assert {r["provenance"] for r in r34} == {"extrapolated"} and {r["sd_asymptote"] for r in r34} == {0.03}


def test_a_version_1_curves_file_loads_with_unknown_provenance_and_the_stated_uncertainty(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from workloads.proxies import DEFAULT_CURVES, V1_UNCERTAINTY, read_proxies

    _, table = read_proxies(DEFAULT_CURVES, expect="curves")
    v1 = table.drop_columns(list(V1_UNCERTAINTY)).replace_schema_metadata({b"cl_dse.schema": b"curves/1"})
    pq.write_table(v1, tmp_path / "old.parquet")
    _, loaded = read_proxies(tmp_path / "old.parquet", expect="curves")
    assert set(loaded.column("provenance").to_pylist()) == {"unknown"}
    for name, value in V1_UNCERTAINTY.items():
        assert set(loaded.column(name).to_pylist()) == {value}
    assert loaded.select(v1.column_names).equals(v1.cast(pa.schema([table.schema.field(n) for n in v1.column_names])))


def test_an_unknown_provenance_is_rejected_with_the_column(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    import pytest

    from workloads import WorkloadError
    from workloads.proxies import DEFAULT_CURVES, read_proxies

    _, table = read_proxies(DEFAULT_CURVES, expect="curves")
    i = table.column_names.index("provenance")
    bad = table.set_column(i, "provenance", pa.array(["guessed"] * table.num_rows))
    pq.write_table(bad, tmp_path / "bad.parquet")
    with pytest.raises(WorkloadError, match="provenance: unknown provenance 'guessed'"):
        read_proxies(tmp_path / "bad.parquet")
