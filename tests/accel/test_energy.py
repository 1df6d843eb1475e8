"""Area and power: the DaCapo point, and how they scale with the design."""

from __future__ import annotations

import numpy as np
import pytest

from accel import Design, area_mm2, power_w
from accel import constants as K

PUBLISHED_AREA_MM2 = 2.501  # DaCapo, ISCA 2024 (reference/dacapo.md)
PUBLISHED_POWER_W = 0.236


def test_dacapo_area_and_power_within_ten_percent():
    d = Design.preset("dacapo")
    assert area_mm2(d)[0] == pytest.approx(PUBLISHED_AREA_MM2, rel=0.10)
    assert power_w(d)[0] == pytest.approx(PUBLISHED_POWER_W, rel=0.10)


def test_constants_carry_their_sources():
    import inspect

    text = inspect.getsource(K)
    for name in ("Horowitz", "Stillmaker", "CALIBRATED", "NanGate", "IEDM"):
        assert name in text


def test_more_precision_modes_cost_area_and_power():
    base = {"preset": "dacapo"}
    d = Design.from_records([{**base, "precision_modes": ["mx4"]}, {**base, "precision_modes": ["mx4", "mx6", "mx9"]},
                             {**base, "precision_modes": ["mx4", "mx6", "mx9", "bf16"]}])
    area = area_mm2(d)
    assert area[0] < area[1] < area[2]
    assert np.all(power_w(d) > 0)


def test_area_grows_with_array_and_sram():
    d = Design.from_records([{"rows": 16}, {"rows": 32}, {"rows": 32, "sram_kb": 192}])
    a = area_mm2(d)
    assert a[0] < a[1] < a[2]
    # SRAM area: 96 KiB * 8192 bits * 0.127 um^2 / 0.5 = 0.1998 mm^2 per 96 KiB
    assert a[2] - a[1] == pytest.approx(96 * 8192 * 0.127 / 0.5 * 1e-6)
