"""Bytes moved per GEMM: SRAM accesses from the dataflow, DRAM traffic from the tiling.

DRAM: half the buffer holds the tiles being computed on while the other half is refilled
(double buffering). If one operand's tile cannot hold all of K, the reduction is split and
partial sums go out and back. Of the two loop orders (keep a block of A rows resident and
stream B past it, or the reverse) the cheaper is taken; when everything fits, every operand
crosses the DRAM interface exactly once, as in DaCapo's artifact.
"""

from __future__ import annotations

import numpy as np

from .cycles import spatio_temporal


def dram_elements(m, n, k, buffer_elements):
    """Elements moved between DRAM and SRAM for one GEMM (all arguments broadcast)."""
    m, n, k = (np.asarray(a, dtype=np.float64) for a in (m, n, k))
    half = np.maximum(np.floor(np.asarray(buffer_elements, dtype=np.float64) / 2), 2.0)
    k_tile = np.minimum(k, np.floor(half / 2))  # at least one row of A and one column of B fit
    k_chunks = np.ceil(k / k_tile)
    resident = np.maximum(np.floor(half / 2 / k_tile), 1.0)  # A rows or B columns resident per block
    a_elems, b_elems, c_elems = m * k, k * n, m * n
    c_traffic = c_elems * (2 * k_chunks - 1)  # partial sums out and back for split K
    keep_a = a_elems + b_elems * np.ceil(m / np.minimum(resident, m)) + c_traffic
    keep_b = b_elems + a_elems * np.ceil(n / np.minimum(resident, n)) + c_traffic
    fits = (a_elems + b_elems) <= half
    return np.where(fits, a_elems + b_elems + c_elems, np.minimum(keep_a, keep_b))


def sram_accesses(dataflow, rows, cols, m, n, k):
    """(reads, writes) in elements between SRAM and the array edges for one GEMM.

    OS: the operand on the rows is re-read for every column fold and vice versa; outputs are
    written once. WS/IS: the stationary operand is read once, the streamed one once per column
    fold, and partial outputs are written once per row fold.
    """
    s_r, s_c, t = spatio_temporal(dataflow, m, n, k)
    row_folds = -(-s_r // rows)
    col_folds = -(-s_c // cols)
    os = np.asarray(dataflow) == 0
    reads = s_r * t * col_folds + np.where(os, s_c * t * row_folds, s_r * s_c)
    writes = np.where(os, s_r * s_c, t * s_c * row_folds)
    return reads, writes
