"""`dse study compare-samplers` through the real CLI: its outputs, and bad input."""

from __future__ import annotations

import pyarrow.parquet as pq

from tests.cli_helpers import TINY, run


def test_compare_samplers_writes_parquet_and_a_page(capsys, tmp_path):
    out = tmp_path / "cmp"
    code, stdout, _ = run(capsys, "study", "compare-samplers", str(TINY), "--samplers", "nsga2,random", "--seeds", "2",
                          "--n-trials", "40", "--reference-samples", "2000", "--equal-time-seeds", "0",
                          "--n-jobs", "1", "--out", str(out))
    assert code == 0, stdout
    assert "hv_fraction_at_2000:" in stdout and "joint_over_sequential_ci95:" in stdout
    samplers = pq.read_table(out / "samplers.parquet").to_pylist()
    assert [r["sampler"] for r in samplers] == ["nsga2", "random"] and all(r["seeds"] == 2 for r in samplers)
    curves = pq.read_table(out / "curves.parquet").to_pydict()
    # 2 samplers x 2 seeds x 4 batches of 10, then 2 sequential runs of 4 batches
    assert len(curves["run"]) == 24 and set(curves["run"]) == {"nsga2", "random", "sequential"}
    assert all(0 <= f <= 1.05 for f in curves["hv_fraction"])
    assert (out / "index.html").read_text().count("<img") == 2


def test_an_unknown_sampler_is_one_error_line(capsys, tmp_path):
    code, _, err = run(capsys, "study", "compare-samplers", str(TINY), "--samplers", "nsga2,annealing",
                       "--out", str(tmp_path / "x"))
    assert code == 2 and err.strip().count("\n") == 0 and "annealing" in err
    assert not (tmp_path / "x").exists()
