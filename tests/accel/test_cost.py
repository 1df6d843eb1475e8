"""Full per-GEMM cost: roofline latency, sub-arrays, invalid row counts and formats."""

from __future__ import annotations

import numpy as np
import pytest

from accel import FIELD_NAMES, Design, format_index, gemm_costs, kernel_costs
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


@pytest.mark.parametrize("fmt", range(5))
def test_factored_kernel_costs_equal_the_sum_of_gemm_costs(fmt):
    from accel.cost import _summed_kernel_costs
    from dse.bench import random_designs, random_dpe_designs
    from workloads.zoo import kernel

    rng = np.random.default_rng(fmt)
    scalar, dpe = random_designs(rng, 60), random_dpe_designs(rng, 60)  # many array structures
    designs = Design.from_arrays(**{f: np.concatenate([getattr(scalar, f), getattr(dpe, f)]) for f in FIELD_NAMES})
    for model, phase, batch in (("resnet18", "training", 16), ("wide_resnet50_2", "inference", 1)):
        g = kernel(model, phase, batch, 0, True).gemms
        rows = np.arange(0, 40)
        fast = kernel_costs(designs, g.m, g.n, g.k, g.repeat, fmt, rows)
        ref = _summed_kernel_costs(designs, g.m, g.n, g.k, g.repeat, fmt, rows)
        for name in ("latency_s", "energy_j", "cycles"):
            np.testing.assert_allclose(getattr(fast, name), getattr(ref, name), rtol=1e-12, err_msg=name)
