"""Cross-check with the accelerator model: DaCapo artifact timings for ResNet18 inference."""

from __future__ import annotations

import numpy as np
import pytest

from accel import Design, format_index, kernel_costs
from workloads.zoo import kernel

# DaCapo artifact timing tables (reference/dacapo.md): ResNet18, batch 1, all 16 rows, ms.
PUBLISHED_16_ROWS_MS = {"mx4": 1.56, "mx6": 4.77, "mx9": 18.3}
PUBLISHED_1_ROW_MX4_MS = 20.1


def _latency_ms(fmt: str, rows):
    g = kernel("resnet18", "inference", 1).gemms
    c = kernel_costs(Design.preset("dacapo"), g.m, g.n, g.k, g.repeat, format_index(fmt), rows=rows)
    return c.latency_s[0] * 1e3


@pytest.mark.parametrize("fmt", ["mx4", "mx6", "mx9"])
def test_full_array_within_15_percent(fmt):
    assert _latency_ms(fmt, [16])[0] == pytest.approx(PUBLISHED_16_ROWS_MS[fmt], rel=0.15)


def test_one_row_within_15_percent_and_roughly_inverse_in_rows():
    ms = _latency_ms("mx4", np.arange(1, 17))
    assert ms[0] == pytest.approx(PUBLISHED_1_ROW_MX4_MS, rel=0.15)
    assert np.all(np.diff(ms) < 0)
    # time * rows stays within a factor 2 of the 1-row time (efficiency falls with more rows)
    assert np.all(ms * np.arange(1, 17) / ms[0] < 2.0)
