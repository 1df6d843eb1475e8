"""MX fake quantization against blocks computed by hand (workloads/profiling/mx.py's rule)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workloads.profiling.mx import quantize


def test_mx4_block_by_hand():
    # block max 1.0 -> E = 0; MX4: m = 2 bits, step 2^(E - u - 1)
    # pair (1.0, 0.3): its max is 2^0, u = 0, step 0.5: 1.0 -> 2 * 0.5; 0.3 -> round(0.6) = 1 -> 0.5
    # pair (0.2, 0.05): max below 2^0, u = 1, step 0.25: 0.2 -> round(0.8) = 1 -> 0.25; 0.05 -> 0
    # pair (-0.9, 0.7): max 0.9 < 2^0, u = 1, step 0.25: -0.9 -> round(3.6) = 4, saturates at 3 -> -0.75;
    # 0.7 -> round(2.8) = 3 -> 0.75
    x = np.zeros(16)
    x[:6] = [1.0, 0.3, 0.2, 0.05, -0.9, 0.7]
    expected = np.zeros(16)
    expected[:6] = [1.0, 0.5, 0.25, 0.0, -0.75, 0.75]
    assert np.array_equal(quantize(x, "mx4"), expected)


def test_mx9_block_by_hand_and_saturation():
    # block max 3.0 -> E = 1; MX9: m = 7, step 2^(1 - 0 - 6) = 1/32 for pairs reaching 2^1
    # 3.0 = 96/32 exactly; 2.01 -> round(64.32) = 64 -> 2.0
    # pair (0.1, 0.0): max below 2^1, u = 1, step 1/64: 0.1 -> round(6.4) = 6 -> 0.09375
    # 3.99 would need q = 127.68 -> saturates at 127 -> 3.96875
    x = np.array([3.0, 2.01, 0.1, 0.0, 3.99] + [0.0] * 11)
    q = quantize(x, "mx9")
    assert q[:5].tolist() == [3.0, 2.0, 0.09375, 0.0, 3.96875]


def test_blocks_are_independent_and_zero_blocks_stay_zero():
    # 100 in MX6: E = 6, step 2^(6 - 3) = 8: 12.5 steps, ties to even -> 12 -> 96
    x = np.concatenate([np.full(16, 100.0), np.zeros(16), [0.3]])
    q = quantize(x.reshape(1, -1), "mx6")
    assert np.array_equal(q[0, :16], np.full(16, 96.0)) and not q[0, 16:32].any()
    # last, short block: 0.3 alone: E = -2, u = 0, MX6 step 2^(-2 - 3) = 1/32: round(9.6) = 10 -> 0.3125
    assert q[0, 32] == 0.3125


@given(st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=1, max_size=40),
       st.sampled_from(["mx4", "mx6", "mx9"]))
def test_error_is_within_half_a_step_and_more_bits_never_hurt_much(values, fmt):
    x = np.array(values)
    q = quantize(x, fmt)
    assert np.all(np.sign(q) * np.sign(x) >= 0)  # never flips a sign
    blocks = np.pad(np.abs(x), (0, (-len(x)) % 16)).reshape(-1, 16).max(axis=1)
    with np.errstate(divide="ignore"):
        step = np.exp2(np.floor(np.log2(np.repeat(blocks, 16)[: len(x)])) - ({"mx4": 2, "mx6": 4, "mx9": 7}[fmt] - 1))
    step = np.where(np.isfinite(step), step, 0.0)
    assert np.all(np.abs(q - x) <= step * 1.0 + 1e-12)  # half a step, or saturation by less than one step
    assert np.abs(quantize(x, "mx9") - x).max() <= np.abs(quantize(x, "mx4") - x).max() + 1e-12


def test_unknown_format_is_an_error():
    with pytest.raises(ValueError, match="unknown MX format"):
        quantize([1.0], "mx5")
