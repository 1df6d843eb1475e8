"""Per-candidate kernel costs for one model pair, computed once per batch (not per window).

`PairCosts` holds, for every candidate and every sub-array size r = 0..R_max (index = rows;
0 and sizes a design cannot give are +inf), the time and energy of one student inference
frame, one teacher labeling sample, one training sample and one validation sample, in every
number format the batch uses. GPU platforms are one "unit": the whole device, time-shared.
Identical designs in a batch are costed once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accel import FIELD_NAMES, FORMAT_NAMES, Design, gpu_kernel_costs, kernel_costs
from accel.platforms import Platform, measured_seconds
from workloads.zoo import kernel

#: DaCapo's kernel batch sizes (reference/dacapo.md): inference and labeling batch 1,
#: retraining and validation batch 16.
INFER_BATCH = 1
LABEL_BATCH = 1
TRAIN_BATCH = 16
VAL_BATCH = 16


@dataclass(frozen=True)
class PairCosts:
    """Arrays shaped (candidates, formats, units + 1); seconds and joules per item."""

    infer_s: np.ndarray
    infer_j: np.ndarray
    label_s: np.ndarray
    label_j: np.ndarray
    train_s: np.ndarray
    train_j: np.ndarray
    val_s: np.ndarray
    val_j: np.ndarray
    units: np.ndarray  # (C,) rows of each design (1 for a GPU)
    granularity: np.ndarray  # (C,)
    time_shared: bool  # GPU platforms: one unit, kernels share it in time

    @property
    def n_candidates(self) -> int:
        return len(self.units)

    def take(self, index) -> PairCosts:
        f = {k: getattr(self, k)[index] for k in ("infer_s", "infer_j", "label_s", "label_j", "train_s", "train_j",
                                                   "val_s", "val_j", "units", "granularity")}
        return PairCosts(**f, time_shared=self.time_shared)


def _kernel_table(design: Design, model: str, phase: str, batch: int, fmt: int, max_rows: int, frozen: int,
                  vit_attention: bool):
    k = kernel(model, phase, batch, frozen, vit_attention)
    g = k.gemms
    rows = np.arange(1, max_rows + 1)
    c = kernel_costs(design, g.m, g.n, g.k, g.repeat, fmt, rows)
    pad = np.full((len(design), 1), np.inf)
    return np.hstack([pad, c.latency_s]) / batch, np.hstack([pad, c.energy_j]) / batch


def accel_pair_costs(design: Design, student: str, teacher: str, formats: tuple[str, ...] = ("mx4", "mx6", "mx9"),
                     frozen: int = 0, vit_attention: bool = True) -> PairCosts:
    """Costs of the pair's four kernels on every sub-array size of every design."""
    keys = np.stack([getattr(design, f).astype(np.float64) for f in FIELD_NAMES], axis=1)
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    unique = design.take(first)
    max_rows = int(unique.rows.max())
    shape = (len(unique), len(FORMAT_NAMES), max_rows + 1)
    out = {name: np.full(shape, np.inf) for name in ("infer_s", "infer_j", "label_s", "label_j", "train_s",
                                                       "train_j", "val_s", "val_j")}
    for fmt_name in formats:
        f = FORMAT_NAMES.index(fmt_name)
        if not np.any(unique.supports(f)):
            continue
        for prefix, model, phase, batch in (("infer", student, "inference", INFER_BATCH),
                                            ("label", teacher, "labeling", LABEL_BATCH),
                                            ("train", student, "training", TRAIN_BATCH),
                                            ("val", student, "inference", VAL_BATCH)):
            s, j = _kernel_table(unique, model, phase, batch, f, max_rows,
                                 frozen if phase == "training" else 0, vit_attention)
            out[f"{prefix}_s"][:, f, :] = s
            out[f"{prefix}_j"][:, f, :] = j
    inverse = inverse.reshape(-1)
    return PairCosts(**{k: v[inverse] for k, v in out.items()}, units=design.rows.copy(),
                     granularity=design.partition_granularity.copy(), time_shared=False)


def gpu_pair_costs(platform: Platform, student: str, teacher: str, n_candidates: int = 1,
                   vit_attention: bool = True) -> PairCosts:
    """Costs on a GPU platform (one time-shared unit); the same for every format. Measured
    kernel times where the platform has them (accel.platforms.MEASURED_S), else the roofline."""
    shape = (n_candidates, len(FORMAT_NAMES), 2)
    out = {}
    for prefix, model, phase, batch in (("infer", student, "inference", INFER_BATCH),
                                        ("label", teacher, "labeling", LABEL_BATCH),
                                        ("train", student, "training", TRAIN_BATCH),
                                        ("val", student, "inference", VAL_BATCH)):
        measured = measured_seconds(platform, model, phase)
        if measured is not None:  # measured on the real (complete) models
            per_item = measured
        else:
            g = kernel(model, phase, batch, 0, vit_attention).gemms
            per_item = gpu_kernel_costs(platform, g.m, g.n, g.k, g.repeat)[0] / batch
        s = np.full(shape, np.inf)
        j = np.full(shape, np.inf)
        s[:, :, 1] = per_item
        j[:, :, 1] = per_item * platform.power_w
        out[f"{prefix}_s"], out[f"{prefix}_j"] = s, j
    return PairCosts(**out, units=np.ones(n_candidates, dtype=np.int64),
                     granularity=np.ones(n_candidates, dtype=np.int64), time_shared=True)
