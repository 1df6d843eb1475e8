"""SCALE-Sim topology CSV import/export, round trips and broken files."""

from __future__ import annotations

import numpy as np
import pytest

from workloads import WorkloadError
from workloads.scalesim_csv import read_topology, write_conv_topology, write_gemm_topology


def test_conv_file_lowering_matches_scalesim_convention(tmp_path):
    path = tmp_path / "net.csv"
    write_conv_topology([("c1", 224, 224, 7, 7, 3, 64, 2), ("dw_DP", 10, 10, 3, 3, 8, 8, 1)], path)
    t = read_topology(path)
    # ceil((224 - 7 + 2) / 2) = 110 -> 110 * 110 output pixels, K = 7 * 7 * 3
    assert (t.m[0], t.n[0], t.k[0], t.repeat[0]) == (110 * 110, 64, 147, 1)
    # depthwise: one single-channel GEMM per channel
    assert (t.m[1], t.n[1], t.k[1], t.repeat[1]) == (64, 8, 9, 8)


def test_gemm_round_trip(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text("Layer,M,N,K,\nfc1,33,65,17,\nfc2,1,100,64,\n")
    t = read_topology(path, gemm=True)
    out = tmp_path / "out.csv"
    write_gemm_topology(t, out)
    again = read_topology(out, gemm=True)
    for f in ("m", "n", "k"):
        np.testing.assert_array_equal(getattr(again, f), getattr(t, f))
    assert list(again.name) == ["fc1", "fc2"]


def test_conv_file_macs_are_hand_computed(tmp_path):
    path = tmp_path / "c.csv"
    write_conv_topology([("a", 10, 10, 3, 3, 8, 12, 1)], path)
    # 8 x 8 output pixels, 12 filters, 3 * 3 * 8 window
    assert read_topology(path).macs == 8 * 8 * 12 * 72


@pytest.mark.parametrize("text, field", [
    ("Layer,M,N,K,\nfc,1,2,\n", "line 2"),
    ("Layer,M,N,K,\nfc,1,x,3,\n", "line 2"),
    ("Layer,M,N,K,\nfc,0,2,3,\n", "line 2"),
    ("Layer,M,N,K,\n", "topology"),
])
def test_broken_files_name_the_line(tmp_path, text, field):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(WorkloadError) as info:
        read_topology(path, gemm=True)
    assert info.value.field == field and info.value.source == str(path)


def test_missing_file(tmp_path):
    with pytest.raises(WorkloadError, match="cannot read"):
        read_topology(tmp_path / "none.csv")
