"""Compute cycles of GEMMs on (sub-)arrays, exact against SCALE-Sim v3's stall-free model.

SCALE-Sim reduces a layer and a dataflow to (S_r, S_c, T): S_r x S_c outputs/operands are
mapped spatially onto the R x C array and T is streamed in time
(`calc_spatio_temporal_params` in scalesim/topology_utils.py). Each of the
ceil(S_r/R) * ceil(S_c/C) folds then takes T plus the systolic fill/drain:
T + R + C - 2 cycles for output stationary and T + 2R + C - 2 for weight/input stationary
(the weights/inputs are preloaded through R rows first). SCALE-Sim reports the index of the
last output write, which is one less than the sum (verified on every row of
tests/data/scalesim/reference_cycles.csv).

A dot-product-engine array consumes the reduction dimension K in blocks of B elements; a
block step takes `cycles_per_block` cycles (DaCapo: MX4/MX6/MX9 = 1/4/16). A scalar MAC is
the case B = 1, one cycle per step, and then the model is exactly SCALE-Sim's.
"""

from __future__ import annotations

import numpy as np

# Rows: dataflow os / ws / is. Columns: which of (M, N, K) is S_r, S_c, T.
_M, _N, _K = 0, 1, 2
SPATIO_TEMPORAL_AXES = np.array([
    [_M, _N, _K],  # os: outputs stationary, reduction streamed
    [_K, _N, _M],  # ws: weights stationary, output pixels streamed
    [_K, _M, _N],  # is: inputs stationary, filters streamed
])
#: Fill/drain rows per fold, in units of R, by dataflow (os preloads nothing).
FILL_ROWS = np.array([1, 2, 2], dtype=np.int64)


def spatio_temporal(dataflow, m, n, k):
    """(S_r, S_c, T) for broadcastable arrays of dataflow codes and GEMM dimensions."""
    dims = (m, n, k)
    return tuple(np.choose(dataflow, [dims[axis] for axis in SPATIO_TEMPORAL_AXES[:, j]]) for j in range(3))


def folds(rows, cols, dataflow, m, n, k, dpe_width=1):
    """Number of (row fold, column fold) pairs: how often the array is re-mapped."""
    k_steps = -(-np.asarray(k, dtype=np.int64) // dpe_width)
    s_r, s_c, _ = spatio_temporal(dataflow, m, n, k_steps)
    return -(-s_r // rows) * -(-s_c // cols)


def compute_cycles(rows, cols, dataflow, m, n, k, dpe_width=1, cycles_per_block=1, pipeline_stages=0):
    """Stall-free cycles of a GEMM (M x K) @ (K x N); all arguments broadcast together.

    rows, cols: array (or sub-array) size; dataflow: 0/1/2 = os/ws/is; dpe_width: B;
    cycles_per_block: cycles one B-element step takes in the chosen format; pipeline_stages:
    PE pipeline refilled every fold (0 for SCALE-Sim's scalar MACs; see accel.constants).
    """
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    dataflow = np.asarray(dataflow, dtype=np.int64)
    k_steps = -(-np.asarray(k, dtype=np.int64) // dpe_width)
    s_r, s_c, t = spatio_temporal(dataflow, np.asarray(m, dtype=np.int64), np.asarray(n, dtype=np.int64), k_steps)
    n_folds = -(-s_r // rows) * -(-s_c // cols)
    per_fold = (t + pipeline_stages) * cycles_per_block + FILL_ROWS[dataflow] * rows + cols - 2
    return n_folds * per_fold - 1

