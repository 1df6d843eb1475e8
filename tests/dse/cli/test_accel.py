"""`dse accel` wiring: outputs parse, and user mistakes exit 2 with one line."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.cli_helpers import run


def test_info_json(capsys):
    code, out, _ = run(capsys, "accel", "info", "dacapo", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["rows"] == 16 and abs(doc["area_mm2"] - 2.501) < 0.25


def test_scalesim_mode_csv(capsys, tmp_path):
    topo = tmp_path / "t.csv"
    topo.write_text("Layer,M,N,K,\ng0,20,10,30,\n")
    code, out, _ = run(capsys, "accel", "eval", "--topology", str(topo), "--gemm", "--rows", "8", "--cols", "8",
                       "--dataflow", "os", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows[0]["layer"] == "g0" and int(rows[0]["cycles"]) == 263
    assert 0 < float(rows[0]["utilization"]) <= 1


def test_model_mode_rows_range(capsys):
    code, out, _ = run(capsys, "accel", "eval", "--design", "dacapo", "--model", "resnet18", "--phase", "inference",
                       "--batch", "1", "--rows", "1-16", "--precision", "mx4", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [int(r["rows"]) for r in rows] == list(range(1, 17))
    assert {"model", "phase", "batch", "rows", "precision", "latency_s", "energy_j"} <= set(rows[0])


@pytest.mark.parametrize("design_toml, field", [
    ("rows = 0\n", "rows"), ("rows = 8\npartition_granularity = 16\n", "partition_granularity"),
    ('precision_modes = ["fp7"]\n', "precision_modes"), ("dram_gbps = -3.0\n", "dram_gbps"),
    ("rows = [\n", "toml"),
])
def test_invalid_design_exits_2_with_one_line(capsys, tmp_path, design_toml, field):
    path = tmp_path / "bad.toml"
    path.write_text(design_toml)
    code, out, err = run(capsys, "accel", "eval", "--design", str(path), "--mnk", "8,8,8")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"error: {path}: {field}")
    assert "Traceback" not in err


def test_unknown_precision_for_design_exits_2(capsys):
    code, _, err = run(capsys, "accel", "eval", "--design", "dacapo", "--mnk", "8,8,8", "--precision", "bf16")
    assert code == 2 and "bf16 is not supported" in err
