"""MX block floating point (Rouhani et al., ISCA 2023, "shared microexponents"), emulated by
fake quantization: values are rounded to what an MX4 / MX6 / MX9 tensor can hold, then used in
FP32 arithmetic, as DaCapo's artifact evaluates its formats.

No maintained MX emulation installs from PyPI here (Microsoft's `microxcaling` is GitHub-only),
so this is a documented one. Along the last axis, every block of 16 elements shares one
exponent E = floor(log2(max |x|)) (8 bits in hardware; not bounded here), and every pair of
elements has a 1-bit micro-exponent u: u = 1 when the pair's own largest magnitude is below
2^E, giving that pair one more bit of resolution. An element is a sign and an m-bit magnitude
q (m = 2 / 4 / 7 for MX4 / MX6 / MX9):

    x ~= sign * q * 2^(E - u - (m - 1)),  q = round(|x| / 2^(E - u - (m - 1))) in [0, 2^m - 1]

rounded to nearest (ties to even) and saturating at 2^m - 1. A block of zeros stays zero.
A last block shorter than 16 elements shares an exponent among the elements it has.
"""

from __future__ import annotations

import numpy as np

#: Mantissa (magnitude) bits per element of each format.
MANTISSA_BITS = {"mx4": 2, "mx6": 4, "mx9": 7}
BLOCK = 16
SUBBLOCK = 2


def quantize(x, fmt: str) -> np.ndarray:
    """`x` (any shape, float) rounded to the MX format `fmt` along its last axis."""
    if fmt not in MANTISSA_BITS:
        raise ValueError(f"unknown MX format {fmt!r} (known: {', '.join(MANTISSA_BITS)})")
    m = MANTISSA_BITS[fmt]
    x = np.asarray(x, dtype=np.float64)
    shape = x.shape
    flat = x.reshape(-1, shape[-1]) if x.ndim else x.reshape(1, 1)
    n = flat.shape[1]
    pad = (-n) % BLOCK
    padded = np.pad(flat, ((0, 0), (0, pad)))
    blocks = padded.reshape(flat.shape[0], -1, BLOCK)
    mag = np.abs(blocks)
    with np.errstate(divide="ignore"):
        e_block = np.floor(np.log2(mag.max(axis=2, keepdims=True)))  # -inf for an all-zero block
        pairs = mag.reshape(*mag.shape[:2], BLOCK // SUBBLOCK, SUBBLOCK)
        e_pair = np.floor(np.log2(pairs.max(axis=3)))
    micro = (e_pair < e_block).astype(np.float64)  # (rows, blocks, pairs)
    exponent = np.repeat(e_block - micro, SUBBLOCK, axis=2) - (m - 1)
    scale = np.where(np.isfinite(exponent), np.exp2(np.where(np.isfinite(exponent), exponent, 0.0)), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(scale > 0, np.minimum(np.round(mag / np.where(scale > 0, scale, 1.0)), 2.0**m - 1), 0.0)
    out = (np.sign(blocks) * q * scale).reshape(flat.shape[0], -1)[:, :n]
    return out.reshape(shape)
