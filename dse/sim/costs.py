"""Per-candidate kernel costs for one model pair, computed once per batch (not per window).

`PairCosts` holds, for every distinct design and every sub-array size r = 0..R_max (index =
rows; 0 and sizes a design cannot give are +inf), the time and energy of one student inference
frame, one teacher labeling sample, one training sample and one validation sample, in every
number format the batch uses; `index` maps each candidate to its design's row. GPU platforms
are one "unit": the whole device, time-shared. Identical designs in a batch are costed once and
their tables are not copied per candidate (`pick` reads through `index`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accel import FIELD_NAMES, FORMAT_NAMES, Design, gpu_kernel_costs, kernel_costs
from accel.energy import EnergyTable, energy_table
from accel.platforms import Platform, measured_seconds
from workloads.zoo import kernel, num_weight_layers

from .pairs import FAMILIES

#: DaCapo's kernel batch sizes (reference/dacapo.md): inference and labeling batch 1,
#: retraining and validation batch 16.
INFER_BATCH = 1
LABEL_BATCH = 1
TRAIN_BATCH = 16
VAL_BATCH = 16


#: (field prefix, which model, phase, batch, frozen) of each costed kernel; frozen "half" = the
#: leading half of the student's weight layers.
KERNELS = (("infer", "student", "inference", INFER_BATCH, False), ("label", "teacher", "labeling", LABEL_BATCH, False),
           ("train", "student", "training", TRAIN_BATCH, False),
           ("train_frozen", "student", "training", TRAIN_BATCH, True),
           ("val", "student", "inference", VAL_BATCH, False))
KERNEL_FIELDS = tuple(f"{prefix}_{unit}" for prefix, *_ in KERNELS for unit in ("s", "j"))


@dataclass(frozen=True)
class PairCosts:
    """Tables shaped (designs, formats, units + 1), seconds and joules per item; `index`,
    `units` and `granularity` are per candidate."""

    infer_s: np.ndarray
    infer_j: np.ndarray
    label_s: np.ndarray
    label_j: np.ndarray
    train_s: np.ndarray
    train_j: np.ndarray
    train_frozen_s: np.ndarray  # training with the leading half of the weight layers frozen
    train_frozen_j: np.ndarray
    val_s: np.ndarray
    val_j: np.ndarray
    units: np.ndarray  # (C,) rows of each design (1 for a GPU)
    granularity: np.ndarray  # (C,)
    time_shared: bool  # GPU platforms: one unit, kernels share it in time
    index: np.ndarray  # (C,) each candidate's row in the tables
    #: a model family's members (`pairs.FAMILIES`) and their inference tables, (V, designs,
    #: formats, units + 1); empty when the student has no family or no policy asked for them
    variants: tuple[str, ...] = ()
    variant_infer_s: np.ndarray | None = None
    variant_infer_j: np.ndarray | None = None

    @property
    def n_candidates(self) -> int:
        return len(self.units)

    def take(self, index) -> PairCosts:
        f = {k: getattr(self, k)[index] for k in ("units", "granularity", "index")}
        return PairCosts(**{k: getattr(self, k) for k in KERNEL_FIELDS}, **f, time_shared=self.time_shared,
                         variants=self.variants, variant_infer_s=self.variant_infer_s,
                         variant_infer_j=self.variant_infer_j)

    def pick(self, field: str, fmt: np.ndarray | int, units: np.ndarray) -> np.ndarray:
        """field[c, fmt[c], units[c]] for every candidate c (units clipped to the table)."""
        return self._pick(getattr(self, field), fmt, units)

    def member_infer(self, unit: str, member: int | None, fmt: np.ndarray | int, units: np.ndarray) -> np.ndarray:
        """`pick` of inference seconds (`unit` "s") or joules ("j") of a model-family member
        (`variants[member]`), or of the student itself for member None."""
        return self._pick(self.member_infer_table(unit, member), fmt, units)

    def member_infer_table(self, unit: str, member: int | None) -> np.ndarray:
        """(designs, formats, units + 1) inference table of a family member, or of the student (None)."""
        return getattr(self, f"infer_{unit}") if member is None else getattr(self, f"variant_infer_{unit}")[member]

    def _pick(self, table: np.ndarray, fmt: np.ndarray | int, units: np.ndarray) -> np.ndarray:
        return table[self.index, np.broadcast_to(fmt, self.index.shape), np.clip(units, 0, table.shape[2] - 1)]

    def per_candidate(self, field: str, fmt: int) -> np.ndarray:
        """(C, units + 1) table of one format, one row per candidate."""
        return getattr(self, field)[self.index, fmt, :]


def _frozen(student: str, half: bool, vit_attention: bool) -> int:
    return num_weight_layers(student, vit_attention) // 2 if half else 0


def _kernel_table(design: Design, model: str, phase: str, batch: int, fmt: int, max_rows: int, frozen: int,
                  vit_attention: bool, table: EnergyTable):
    k = kernel(model, phase, batch, frozen, vit_attention)
    g = k.gemms
    rows = np.arange(1, max_rows + 1)
    c = kernel_costs(design, g.m, g.n, g.k, g.repeat, fmt, rows, table)
    pad = np.full((len(design), 1), np.inf)
    return np.hstack([pad, c.latency_s]) / batch, np.hstack([pad, c.energy_j]) / batch


def accel_pair_costs(design: Design, student: str, teacher: str, formats: tuple[str, ...] = ("mx4", "mx6", "mx9"),
                     vit_attention: bool = True, needs: dict[str, set[str]] | None = None) -> PairCosts:
    """Costs of the pair's kernels on every sub-array size of every design. `needs` (kernel ->
    formats, from a policy's `kernel_formats`) limits the work to the tables it reads; the others
    stay +inf."""
    keys = np.stack([getattr(design, f).astype(np.float64) for f in FIELD_NAMES], axis=1)
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    unique = design.take(first)
    max_rows = int(unique.rows.max())
    shape = (len(unique), len(FORMAT_NAMES), max_rows + 1)
    out = {name: np.full(shape, np.inf) for name in KERNEL_FIELDS}
    models = {"student": student, "teacher": teacher}
    table = energy_table(unique)
    for fmt_name in formats:
        f = FORMAT_NAMES.index(fmt_name)
        if not np.any(unique.supports(f)):
            continue
        for prefix, who, phase, batch, half in KERNELS:
            if needs is not None and fmt_name not in needs.get(prefix, ()):
                continue
            s, j = _kernel_table(unique, models[who], phase, batch, f, max_rows,
                                 _frozen(student, half, vit_attention), vit_attention, table)
            out[f"{prefix}_s"][:, f, :] = s
            out[f"{prefix}_j"][:, f, :] = j
    variants = FAMILIES.get(student, ()) if needs is None or needs.get("variant_infer") else ()
    var = {"s": np.full((len(variants), *shape), np.inf), "j": np.full((len(variants), *shape), np.inf)}
    for fmt_name in formats:
        f = FORMAT_NAMES.index(fmt_name)
        wanted = needs is None or fmt_name in needs.get("variant_infer", ())
        if not variants or not wanted or not np.any(unique.supports(f)):
            continue
        for v, name in enumerate(variants):
            var["s"][v, :, f, :], var["j"][v, :, f, :] = _kernel_table(
                unique, name, "inference", INFER_BATCH, f, max_rows, 0, vit_attention, table)
    return PairCosts(**out, units=design.rows.copy(), granularity=design.partition_granularity.copy(),
                     time_shared=False, index=inverse.reshape(-1).astype(np.int64), variants=variants,
                     variant_infer_s=var["s"] if variants else None, variant_infer_j=var["j"] if variants else None)


def gpu_pair_costs(platform: Platform, student: str, teacher: str, n_candidates: int = 1,
                   vit_attention: bool = True) -> PairCosts:
    """Costs on a GPU platform (one time-shared unit); the same for every format. Measured
    kernel times where the platform has them (accel.platforms.MEASURED_S), else the roofline;
    frozen-layer training scales the full training time by its share of the MACs."""
    shape = (1, len(FORMAT_NAMES), 2)
    models = {"student": student, "teacher": teacher}
    out = {}
    for prefix, who, phase, batch, half in KERNELS:
        model = models[who]
        g = kernel(model, phase, batch, _frozen(student, half, vit_attention), vit_attention).gemms
        measured = measured_seconds(platform, model, phase)
        if measured is not None:  # measured on the real (complete) models
            full = kernel(model, phase, batch, 0, vit_attention).gemms
            per_item = measured * g.macs / full.macs
        else:
            per_item = gpu_kernel_costs(platform, g.m, g.n, g.k, g.repeat)[0] / batch
        s = np.full(shape, np.inf)
        s[:, :, 1] = per_item
        out[f"{prefix}_s"], out[f"{prefix}_j"] = s, s * platform.power_w
    return PairCosts(**out, units=np.ones(n_candidates, dtype=np.int64),
                     granularity=np.ones(n_candidates, dtype=np.int64), time_shared=True,
                     index=np.zeros(n_candidates, dtype=np.int64))
