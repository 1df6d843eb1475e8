"""Per-candidate random streams for stochastic policies, independent of the batch.

A candidate's seed is a hash of the base seed (the study's), the policy's name and the
candidate's own parameter values; a draw is a hash of that seed and a counter (window, step,
iteration...). So a candidate gets the same numbers alone or in any batch, and the draws of a
whole batch stay one vectorized expression (counter-based, as in Salmon et al., SC 2011; the
mixing function is SplitMix64, Steele et al., OOPSLA 2014).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finalizer on uint64 arrays (wrapping arithmetic)."""
    with np.errstate(over="ignore"):
        x = x + _GOLDEN
        x = (x ^ (x >> np.uint64(30))) * _M1
        x = (x ^ (x >> np.uint64(27))) * _M2
        return x ^ (x >> np.uint64(31))


def _bits(column: np.ndarray) -> np.ndarray:
    column = np.asarray(column)
    if column.dtype.kind == "f":
        return np.ascontiguousarray(column, dtype=np.float64).view(np.uint64)
    return column.astype(np.int64).view(np.uint64)


def candidate_seeds(base_seed: int, name: str, columns: Mapping[str, np.ndarray], n: int) -> np.ndarray:
    """(n,) uint64 seeds from the base seed, a name and per-candidate parameter columns."""
    h = _mix(np.full(n, (int(base_seed) & 0xFFFFFFFFFFFFFFFF) ^ zlib.crc32(name.encode()), dtype=np.uint64))
    for key in sorted(columns):
        h = _mix(h ^ _mix(np.full(n, zlib.crc32(key.encode()), dtype=np.uint64)) ^ _bits(columns[key]))
    return h


def uniform(seeds: np.ndarray, *counter: int) -> np.ndarray:
    """(n,) floats in [0, 1): draw number `counter` of each candidate's stream."""
    h = seeds
    for c in counter:
        h = _mix(h ^ _mix(np.full(len(seeds), int(c), dtype=np.uint64)))
    return (h >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def integers(seeds: np.ndarray, low: int, high: int, *counter: int) -> np.ndarray:
    """(n,) integers in [low, high) from `uniform`."""
    return low + np.floor(uniform(seeds, *counter) * (high - low)).astype(np.int64)
