"""Plain-Python, one-GEMM-at-a-time versions of the cycle formula.

Used as the baseline of `dse bench` (same formula, no numpy) and as an oracle in tests.
"""

from __future__ import annotations

import math

_AXES = {0: (0, 1, 2), 1: (2, 1, 0), 2: (2, 0, 1)}
_FILL_ROWS = {0: 1, 1: 2, 2: 2}


def compute_cycles_scalar(rows: int, cols: int, dataflow: int, m: int, n: int, k: int,
                          dpe_width: int = 1, cycles_per_block: int = 1, pipeline_stages: int = 0) -> int:
    dims = (m, n, math.ceil(k / dpe_width))
    s_r, s_c, t = (dims[a] for a in _AXES[dataflow])
    n_folds = math.ceil(s_r / rows) * math.ceil(s_c / cols)
    return n_folds * ((t + pipeline_stages) * cycles_per_block + _FILL_ROWS[dataflow] * rows + cols - 2) - 1
