"""Full per-GEMM cost: roofline latency, sub-arrays, invalid row counts and formats."""

from __future__ import annotations

import numpy as np
import pytest

from accel import Design, format_index, gemm_costs, kernel_costs
from accel.memory import dram_elements


def test_latency_is_the_slower_of_compute_and_dram():
    d = Design.from_records([{"dram_gbps": 204.8}, {"dram_gbps": 0.01}])
    c = gemm_costs(d, [256], [256], [256], format_index("mx6"))
    assert c.latency_s[0, 0, 0] == c.compute_s[0, 0, 0]
    assert c.latency_s[1, 0, 0] == c.dram_s[1, 0, 0] > c.compute_s[1, 0, 0]


def test_everything_fits_means_one_pass_over_dram():
    # 64x64x64: A + B = 8192 elements, far under half of 96 KiB in MX6 -> each operand once.
    assert dram_elements(64, 64, 64, 96 * 1024 / 0.75) == 3 * 64 * 64


def test_small_buffer_moves_more():
    assert dram_elements(512, 512, 512, 4096) > 3 * 512 * 512


def test_invalid_rows_and_unsupported_formats_cost_infinity():
    d = Design.from_records([{"rows": 16, "partition_granularity": 4}])
    c = gemm_costs(d, [64], [64], [64], format_index("mx6"), rows=[3, 4, 16, 20])
    assert np.isinf(c.latency_s[0, 0, [0, 3]]).all()
    assert np.isfinite(c.latency_s[0, 0, [1, 2]]).all()
    c = gemm_costs(d, [64], [64], [64], format_index("bf16"))
    assert np.isinf(c.latency_s).all()


def test_kernel_sums_repeats():
    d = Design.preset("dacapo")
    one = kernel_costs(d, [100], [64], [576], [1], 1)
    three = kernel_costs(d, [100], [64], [576], [3], 1)
    assert three.latency_s[0, 0] == pytest.approx(3 * one.latency_s[0, 0])
    assert three.energy_j[0, 0] == pytest.approx(3 * one.energy_j[0, 0])


def test_fewer_rows_is_slower():
    d = Design.preset("dacapo")
    c = kernel_costs(d, [12544, 3136], [64, 64], [147, 576], [1, 4], 1, rows=np.arange(1, 17))
    assert np.all(np.diff(c.latency_s[0]) < 0)
