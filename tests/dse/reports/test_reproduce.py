"""`dse reproduce dacapo`: files, the figure9.csv contract, and the published-value table."""

from __future__ import annotations

import csv

import pytest

from dse.cli import main
from dse.reports.reproduce import PUBLISHED, SCENARIOS, SYSTEMS, agreement
from tests.cli_helpers import run
from workloads.proxies import DEFAULT_CURVES


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("fig9")
    with pytest.raises(SystemExit) as info:
        main(["reproduce", "dacapo", "--out", str(out)])
    assert info.value.code == 0
    return out


def _rows(path):
    with path.open() as fh:
        return list(csv.DictReader(fh))


def test_files_and_csv_contract(out_dir):
    for name in ("figure9.csv", "figure9_full_vit.csv", "figure9.md", "figure9.png"):
        assert (out_dir / name).stat().st_size > 0
    rows = _rows(out_dir / "figure9.csv")
    assert list(rows[0]) == ["pair", "system", "scenario", "accuracy_pct"]
    assert {r["pair"] for r in rows} == {"resnet18-wrn50", "vit_b32-vit_b16", "resnet34-wrn101"}
    assert {r["system"] for r in rows} == set(SYSTEMS)
    assert {r["scenario"] for r in rows} == {*SCENARIOS, "GMEAN"}
    assert len(rows) == 3 * len(SYSTEMS) * (len(SCENARIOS) + 1)
    assert all(0 < float(r["accuracy_pct"]) < 100 for r in rows)


def test_vit_switch_changes_only_the_vit_pair(out_dir):
    artifact = {(r["pair"], r["system"], r["scenario"]): r["accuracy_pct"] for r in _rows(out_dir / "figure9.csv")}
    full = {(r["pair"], r["system"], r["scenario"]): r["accuracy_pct"]
            for r in _rows(out_dir / "figure9_full_vit.csv")}
    for key, value in artifact.items():
        if key[0] != "vit_b32-vit_b16":
            assert full[key] == value


def test_markdown_shows_published_values_side_by_side(out_dir):
    text = (out_dir / "figure9.md").read_text()
    for pair, systems in PUBLISHED.items():
        for system, value in systems.items():
            assert f"| {pair} | {system} |" in text and f"{value:.2f}" in text


def _gmean_rows(values: dict[str, dict[str, float]]) -> list[dict]:
    return [{"pair": p, "system": s, "scenario": "GMEAN", "accuracy_pct": v} for p, t in values.items()
            for s, v in t.items()]


def test_agreement_of_the_published_values_with_themselves():
    a = agreement(_gmean_rows(PUBLISHED))
    assert (a.n_published, a.within_3_points, a.rms_points, a.max_points) == (14, 14, 0.0, 0.0)
    # the order holds for ResNet18; in the published ViT values EOMU (83.16) is above
    # DaCapo-Spatial (83.08), so the published figure itself does not satisfy it there
    assert a.ranking == {"resnet18-wrn50": True, "vit_b32-vit_b16": False}


def test_agreement_counts_errors_by_hand():
    shifted = {p: {s: v + (4.0 if s == "EOMU" else 1.0) for s, v in t.items()} for p, t in PUBLISHED.items()}
    a = agreement(_gmean_rows(shifted))
    assert a.within_3_points == 12 and a.max_points == pytest.approx(4.0)
    assert a.rms_points == pytest.approx(((2 * 16 + 12 * 1) / 14) ** 0.5)


def test_markdown_states_the_agreement(out_dir):
    text = (out_dir / "figure9.md").read_text()
    assert "published geomeans within 3 points" in text


def test_reproduction_keeps_its_agreement_with_the_published_figure(out_dir):
    # A REGRESSION LOCK, not a validation: these 14 values are in-sample (docs/calibration.md lists
    # the choices made while comparing with them). It pins today's agreement -- all 14 within 3
    # points (largest error 2.69, OrinHigh-Ekya on ViT-B/32; RMS 1.63), the published ranking on
    # both pairs -- so a change that moves the reproduction away from it is noticed.
    a = agreement([{**r, "accuracy_pct": float(r["accuracy_pct"])} for r in _rows(out_dir / "figure9.csv")])
    assert a.within_3_points == 14 and a.max_points < 2.75 and a.rms_points < 1.65
    assert a.ranking == {"resnet18-wrn50": True, "vit_b32-vit_b16": True}


def test_proxies_option_reads_a_curves_file(capsys, tmp_path, out_dir):
    code, _, _ = run(capsys, "reproduce", "dacapo", "--proxies", str(DEFAULT_CURVES), "--out", str(tmp_path / "r"))
    assert code == 0
    assert (tmp_path / "r" / "figure9.csv").read_text() == (out_dir / "figure9.csv").read_text()
    assert f"Accuracy proxies: `{DEFAULT_CURVES}`" in (tmp_path / "r" / "figure9.md").read_text()


def test_proxies_without_every_pair_fail_before_writing(capsys, tmp_path):
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(DEFAULT_CURVES)
    keep = pc.not_equal(table.column("student"), "vit_b_32")
    partial = tmp_path / "partial.parquet"
    pq.write_table(table.filter(keep), partial)
    code, out, err = run(capsys, "reproduce", "dacapo", "--proxies", str(partial), "--out", str(tmp_path / "r"))
    assert code == 2 and "no curves for student vit_b_32" in err and err.count("\n") == 1
    assert not (tmp_path / "r").exists()


def test_uncertainty_adds_an_interval_around_every_value(capsys, tmp_path):
    code, out, _ = run(capsys, "reproduce", "dacapo", "--uncertainty", "40", "--seed", "1", "--out", str(tmp_path))
    rows = _rows(tmp_path / "figure9.csv")
    assert code == 0 and list(rows[0]) == ["pair", "system", "scenario", "accuracy_pct", "accuracy_p05", "accuracy_p95"]
    for r in rows:
        assert float(r["accuracy_p05"]) <= float(r["accuracy_pct"]) <= float(r["accuracy_p95"])
    assert "median [5th, 95th percentile]" in (tmp_path / "figure9.md").read_text()
