"""Cycles: exact against SCALE-Sim v3 (recorded table), properties, and a brute-force array."""

from __future__ import annotations

import csv
import pathlib

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from accel import DATAFLOWS, compute_cycles, folds
from accel.reference import compute_cycles_scalar

REFERENCE = pathlib.Path(__file__).parents[1] / "data" / "scalesim" / "reference_cycles.csv"


def _reference_rows():
    with REFERENCE.open() as fh:
        return list(csv.DictReader(fh))


def test_reference_table_is_large_and_stall_free():
    rows = _reference_rows()
    assert len(rows) >= 60
    assert {r["dataflow"] for r in rows} == set(DATAFLOWS)
    assert {r["kind"] for r in rows} == {"gemm", "conv"}
    assert all(int(r["stall_cycles"]) == 0 for r in rows)


def test_every_scalesim_row_matches_exactly():
    rows = _reference_rows()
    get = {k: np.array([int(r[k]) for r in rows]) for k in ("rows", "cols", "M", "N", "K", "total_cycles")}
    df = np.array([DATAFLOWS.index(r["dataflow"]) for r in rows])
    ours = compute_cycles(get["rows"], get["cols"], df, get["M"], get["N"], get["K"])
    mismatches = [(rows[i]["layer"], rows[i]["rows"], rows[i]["cols"], rows[i]["dataflow"], int(ours[i]),
                   int(get["total_cycles"][i])) for i in np.flatnonzero(ours != get["total_cycles"])]
    assert mismatches == []


def test_hand_computed_os_case():
    # 20x10x30 on 8x8 OS: ceil(20/8)*ceil(10/8) = 6 folds of 30 + 8 + 8 - 2 = 44 cycles, minus 1.
    assert compute_cycles(8, 8, 0, 20, 10, 30) == 6 * 44 - 1


def test_dpe_pipeline_refill_costs_stages_times_block_cycles_per_fold():
    # 2 folds (M = 32 on 16 rows) of T = 4 blocks * 4 cycles, fill 30, plus 5 stages * 4 cycles
    assert compute_cycles(16, 16, 0, 32, 16, 64, 16, 4, 5) == 2 * (16 + 20 + 30) - 1


def test_dpe_blocks_and_format_cycles():
    # DaCapo DPE: K = 64 is 4 blocks of 16; MX6 takes 4 cycles per block -> T = 16.
    assert compute_cycles(16, 16, 0, 16, 16, 64, dpe_width=16, cycles_per_block=4) == 16 + 16 + 16 - 2 - 1
    assert compute_cycles(16, 16, 0, 16, 16, 65, dpe_width=16, cycles_per_block=1) == 5 + 30 - 1


dims = st.integers(1, 300)
arr = st.integers(1, 64)


@settings(max_examples=200, deadline=None)
@given(arr, arr, st.integers(0, 2), dims, dims, dims, st.sampled_from(["m", "n", "k"]), st.integers(1, 50))
def test_cycles_never_decrease_when_a_dimension_grows(r, c, df, m, n, k, which, grow):
    before = compute_cycles(r, c, df, m, n, k, 16, 4)
    bigger = {"m": m, "n": n, "k": k}
    bigger[which] += grow
    assert compute_cycles(r, c, df, bigger["m"], bigger["n"], bigger["k"], 16, 4) >= before


@settings(max_examples=200, deadline=None)
@given(arr, arr, st.integers(0, 2), dims, dims, dims, st.integers(1, 16), st.integers(1, 16))
def test_more_rows_or_cols_never_increase_folds(r, c, df, m, n, k, dr, dc):
    base = folds(r, c, df, m, n, k)
    assert folds(r + dr, c, df, m, n, k) <= base
    assert folds(r, c + dc, df, m, n, k) <= base


@settings(max_examples=200, deadline=None)
@given(arr, arr, st.integers(0, 2), dims, dims, dims, st.sampled_from([1, 4, 16]), st.sampled_from([1, 4, 16]),
       st.integers(0, 8))
def test_vectorized_equals_scalar_reference(r, c, df, m, n, k, b, cpb, stages):
    assert compute_cycles(r, c, df, m, n, k, b, cpb, stages) == compute_cycles_scalar(r, c, df, m, n, k, b, cpb, stages)
