"""`GemmTable`: the GEMMs of one kernel, one row per GEMM, as numpy columns.

Convolutions are lowered by im2col: M = batch * output pixels, N = filters, K = window
(kernel_h * kernel_w * in_channels / groups). Every row also carries a repeat count (for
identical GEMMs, e.g. depthwise groups or attention heads) and the index of the model layer
it belongs to (layer freezing works on layer indices).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from .errors import WorkloadError

#: GEMM kinds: forward, backward w.r.t. data (input gradient), backward w.r.t. weights.
KINDS: tuple[str, ...] = ("fwd", "bwd_data", "bwd_weight")


@dataclass(frozen=True, eq=False)
class GemmTable:
    name: np.ndarray  # str: layer name
    kind: np.ndarray  # str: one of KINDS
    layer: np.ndarray  # int: index of the model layer (0 = closest to the input)
    m: np.ndarray
    n: np.ndarray
    k: np.ndarray
    repeat: np.ndarray

    def __post_init__(self) -> None:
        n_rows = len(self.name)
        for field in ("m", "n", "k", "repeat", "layer"):
            col = np.asarray(getattr(self, field), dtype=np.int64)
            if len(col) != n_rows:
                raise WorkloadError(field, f"has {len(col)} rows, expected {n_rows}")
            low = 0 if field == "layer" else 1
            if n_rows and np.min(col) < low:
                i = int(np.argmin(col))
                raise WorkloadError(field, f"must be >= {low}, got {col[i]} in row {i} ({self.name[i]})")
            col.setflags(write=False)
            object.__setattr__(self, field, col)
        object.__setattr__(self, "name", np.asarray(self.name, dtype=object))
        object.__setattr__(self, "kind", np.asarray(self.kind, dtype=object))

    def __len__(self) -> int:
        return len(self.name)

    @property
    def macs(self) -> int:
        """Total multiply-accumulates, repeats included."""
        return int(np.sum(self.m * self.n * self.k * self.repeat))

    def select(self, mask: np.ndarray) -> GemmTable:
        return GemmTable(self.name[mask], self.kind[mask], self.layer[mask], self.m[mask], self.n[mask],
                         self.k[mask], self.repeat[mask])

    @staticmethod
    def concat(tables: list[GemmTable]) -> GemmTable:
        cols = {f: np.concatenate([getattr(t, f) for t in tables]) for f in
                ("name", "kind", "layer", "m", "n", "k", "repeat")}
        return GemmTable(**cols)

    @staticmethod
    def from_rows(rows: list[tuple[str, str, int, int, int, int, int]]) -> GemmTable:
        """Rows of (name, kind, layer, m, n, k, repeat)."""
        if not rows:
            return GemmTable(*(np.array([], dtype=object),) * 2, *(np.array([], dtype=np.int64),) * 5)
        cols = list(zip(*rows, strict=True))
        return GemmTable(np.array(cols[0], dtype=object), np.array(cols[1], dtype=object),
                         *(np.array(c, dtype=np.int64) for c in cols[2:]))

    def to_arrow(self) -> pa.Table:
        return pa.table({
            "name": pa.array(list(self.name), pa.string()),
            "kind": pa.array(list(self.kind), pa.string()),
            "layer": pa.array(self.layer, pa.int32()),
            "m": pa.array(self.m, pa.int64()),
            "n": pa.array(self.n, pa.int64()),
            "k": pa.array(self.k, pa.int64()),
            "repeat": pa.array(self.repeat, pa.int32()),
        })


def conv_output_size(size: int, kernel: int, stride: int, padding: int) -> int:
    """PyTorch's convention: floor((H + 2P - R) / S) + 1."""
    return (size + 2 * padding - kernel) // stride + 1


def scalesim_output_size(size: int, kernel: int, stride: int) -> int:
    """SCALE-Sim's convention (topology_utils.py): ceil((H - R + S) / S), no padding."""
    return -(-(size - kernel + stride) // stride)
