"""`dse reproduce dacapo`: files, the figure9.csv contract, and the published-value table."""

from __future__ import annotations

import csv

import pytest

from dse.cli import main
from dse.reproduce import PUBLISHED, SCENARIOS, SYSTEMS


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
