"""Accuracy curves of one (student, teacher, scenario) as arrays over segments."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pyarrow as pa

from accel import FORMAT_NAMES
from workloads.proxies import DEFAULT_CURVES, DEMO_CURVES, curve, read_proxies
from workloads.proxies.io import group_rows
from workloads.proxies.schema import DELTA_FORMATS

from ..errors import DseError


@dataclass(frozen=True)
class SegmentCurves:
    """Curve coefficients of a scenario's segments (accuracy before adaptation is the curve at
    0), as (rows, segments) arrays: one row, or one per uncertainty draw. `row` maps each
    candidate of a batch to its row (None: every candidate reads row 0). 1-D arrays (one row)
    are accepted and stored as one row."""

    b0: np.ndarray
    b1: np.ndarray
    b2: np.ndarray
    label_acc: np.ndarray
    delta: np.ndarray  # (rows, formats, segments): accuracy change of running inference in a format
    row: np.ndarray | None = None  # (C,) each candidate's row

    def __post_init__(self) -> None:
        for name in ("b0", "b1", "b2", "label_acc"):
            value = np.asarray(getattr(self, name), dtype=np.float64)
            object.__setattr__(self, name, np.ascontiguousarray(value[None, :] if value.ndim == 1 else value))
        delta = np.asarray(self.delta, dtype=np.float64)
        object.__setattr__(self, "delta", np.ascontiguousarray(delta[None] if delta.ndim == 2 else delta))

    @property
    def n_rows(self) -> int:
        return self.b0.shape[0]

    def with_rows(self, row: np.ndarray | None) -> SegmentCurves:
        """The same coefficients with each candidate mapped to a row."""
        return replace(self, row=None if row is None else np.ascontiguousarray(row, dtype=np.int64))

    def _rows(self, ndim: int):
        """The row index, shaped to lead a value of `ndim` dimensions (candidates first)."""
        if self.row is None:
            return 0
        return self.row.reshape((-1,) + (1,) * max(ndim - 1, 0))

    def at(self, name: str, segment, ndim: int = 1) -> np.ndarray:
        """Coefficient `name` on `segment`, per candidate, shaped to broadcast against a
        (candidates, ...) value of `ndim` dimensions."""
        return getattr(self, name)[self._rows(ndim), segment]

    def accuracy(self, epochs: np.ndarray, segment: np.ndarray, fmt: np.ndarray | int) -> np.ndarray:
        """Student accuracy after `epochs` of fresh retraining on `segment`, inference in `fmt`
        (`epochs` leads with the candidates when rows are per candidate)."""
        nd = np.ndim(epochs)
        acc = curve(epochs, self.at("b0", segment, nd), self.at("b1", segment, nd), self.at("b2", segment, nd))
        return np.minimum(acc, self.at("label_acc", segment, nd)) + self.delta[self._rows(nd), fmt, segment]

    def progress_cap(self, ratio: np.ndarray, segment: np.ndarray | int, start: np.ndarray | float = 0.0
                     ) -> np.ndarray:
        """Most progress (epochs) a training set can bring: where the student's remaining gap to
        the asymptote has shrunk by the share s of the data-size cap (`ratio` = s / (1 - s),
        `SimArrays.cap_ratio`; inf for a full set). The gap is counted from the curve's start,
        or from below it for a student that began the segment there (`start` < 0 epochs,
        `carried_over`)."""
        nd = np.ndim(ratio)
        return progress_cap(ratio, self.at("b0", segment, nd), self.at("b1", segment, nd), start)


def progress_cap(ratio, b0, b1, start=0.0):
    """`SegmentCurves.progress_cap` on raw curve coefficients. The gap of `curve` after e epochs
    is 1/(b0 e + b1); shrinking the gap at `start` = min(start, 0) epochs by the share s, with
    t = s / (1 - s), is reached at p = (b1 / b0) t + start (1 + t) (from the curve's start:
    (b1 / b0) t)."""
    t = np.asarray(ratio, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        cap = (b1 / b0) * t + np.minimum(start, 0.0) * (1.0 + t)
    return np.where(np.isinf(t) | np.isnan(cap) | (b0 <= 0) | (b1 <= 0), np.inf, cap)


def carried_over(progress: np.ndarray, curves: SegmentCurves, old, new, transfer: np.ndarray) -> np.ndarray:
    """Progress a model keeps on segment `new` after a drift from segment `old`: the share
    `transfer` (`SimParams.drift_transfer`) of it, but never more than leaves the model where it
    stood on the old segment (a segment change does not make a model better: a student that
    never adapted stays at its accuracy before adaptation instead of rising to the next curve's
    start, which is the accuracy of a student adapted to the previous segment). Below the new
    curve's start the progress is negative; a deficit (negative progress) is not adaptation and
    carries nothing. Curves are compared without format delta and label cap; a flat curve
    (b0 = 0) keeps the share."""
    nd = np.ndim(progress)
    b0n, b1n = curves.at("b0", new, nd), curves.at("b1", new, nd)
    with np.errstate(divide="ignore", invalid="ignore"):
        # 1 - accuracy on the old curve, less the new curve's b2: the new curve's gap at that accuracy
        gap = 1.0 / (curves.at("b0", old, nd) * progress + curves.at("b1", old, nd)) + curves.at("b2", old, nd) \
            - curves.at("b2", new, nd)
        level = np.where((gap > 0) & (b0n > 0), (1.0 / gap - b1n) / b0n, np.inf)
    return np.minimum(transfer * np.maximum(progress, 0.0), level)


class CurveBook:
    """Every curve of a proxies file, looked up by (student, teacher, scenario)."""

    def __init__(self, path=None):
        self.path = str(path or DEFAULT_CURVES)
        _, table = read_proxies(self.path, expect="curves")
        if path is None and DEMO_CURVES.exists():  # the shipped defaults include the demo family's measured curves
            table = pa.concat_tables([table, read_proxies(DEMO_CURVES, expect="curves")[1]])
        self._table = table
        self._groups = group_rows(table, ("student", "teacher", "scenario"))

    def _columns(self, student: str, teacher: str, scenario: str, n_segments: int,
                 names: tuple[str, ...]) -> dict[str, np.ndarray]:
        """Columns `names` of one (student, teacher, scenario), in segment order; an error if the
        file lacks them or covers other segments than the scenario's."""
        rows = self._groups.get((student, teacher, scenario))
        if rows is None:
            raise DseError("proxies", f"no curves for student {student}, teacher {teacher}, scenario {scenario}",
                           self.path)
        seg = self._table.column("segment").to_numpy()[rows]
        order = np.argsort(seg)
        if not np.array_equal(seg[order], np.arange(n_segments)):
            raise DseError("proxies", f"{scenario} has {n_segments} segments but the curves cover "
                                      f"{sorted(seg.tolist())}", self.path)
        return {name: self._table.column(name).to_numpy()[rows][order] for name in names}

    def get(self, student: str, teacher: str, scenario: str, n_segments: int) -> SegmentCurves:
        deltas = tuple(f"delta_{f}" for f in DELTA_FORMATS)
        col = self._columns(student, teacher, scenario, n_segments, ("b0", "b1", "b2", "label_acc", *deltas))
        delta = np.zeros((len(FORMAT_NAMES), n_segments))
        for f in DELTA_FORMATS:
            delta[FORMAT_NAMES.index(f)] = col[f"delta_{f}"]
        return SegmentCurves(col["b0"], col["b1"], col["b2"], col["label_acc"], delta)

    def family(self, students: tuple[str, ...], teacher: str, scenario: str, n_segments: int) -> SegmentCurves:
        """One row per family member (`pairs.FAMILIES`), in the family's order: a model-family
        policy deploys a member by pointing candidates at its row (`Plan.curve_row`)."""
        rows = [self.get(s, teacher, scenario, n_segments) for s in students]
        return SegmentCurves(*(np.concatenate([getattr(r, k) for r in rows])
                               for k in ("b0", "b1", "b2", "label_acc", "delta")))

    def sd(self, student: str, teacher: str, scenario: str, n_segments: int) -> dict[str, np.ndarray]:
        """Per segment, the standard deviations of the curves' parameters (`sd_*` columns)."""
        return self._columns(student, teacher, scenario, n_segments, SD_COLUMNS)


#: The uncertainty columns of a curves table, in the order of a draw's standard normals.
SD_COLUMNS = ("sd_asymptote", "sd_acc_before", "sd_log_rate", "sd_label_acc", "sd_delta")
#: Formats whose accuracy delta is drawn (BF16 is the floating-point reference: delta 0).
DRAWN_DELTAS = ("mx4", "mx6", "mx9", "int8")


def draw_curves(curves: SegmentCurves, sd: dict[str, np.ndarray], z: np.ndarray) -> SegmentCurves:
    """One row of curves per draw: z is (draws, 5) standard normals, one per parameter kind in
    `SD_COLUMNS` order, shared by every segment (docs/proxies.md, "Uncertainty")."""
    z = np.asarray(z, dtype=np.float64)
    b0, b1, b2 = curves.b0[0], curves.b1[0], curves.b2[0]
    asym = np.clip((1.0 - b2)[None, :] + z[:, :1] * sd["sd_asymptote"][None, :], 0.05, 0.995)
    drop = np.clip((1.0 / b1)[None, :] + z[:, 1:2] * sd["sd_acc_before"][None, :], 0.005, asym - 0.01)
    rate = (b0 / b1)[None, :] * np.exp(z[:, 2:3] * sd["sd_log_rate"][None, :])
    new_b1 = 1.0 / drop
    label = np.clip(curves.label_acc[0][None, :] + z[:, 3:4] * sd["sd_label_acc"][None, :], 0.05, 1.0)
    delta = np.repeat(curves.delta[:1], len(z), axis=0)
    drawn = [FORMAT_NAMES.index(f) for f in DRAWN_DELTAS]
    delta[:, drawn, :] = np.minimum(delta[:, drawn, :] + z[:, 4, None, None] * sd["sd_delta"][None, None, :], 0.0)
    return SegmentCurves(rate * new_b1, new_b1, 1.0 - asym, label, delta)
