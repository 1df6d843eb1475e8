"""Accuracy curves of one (student, teacher, scenario) as arrays over segments."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accel import FORMAT_NAMES
from workloads.proxies import DEFAULT_CURVES, curve, read_proxies
from workloads.proxies.io import group_rows
from workloads.proxies.schema import DELTA_FORMATS

from ..errors import DseError


@dataclass(frozen=True)
class SegmentCurves:
    """One entry per segment of a scenario (accuracy before adaptation is the curve at 0)."""

    b0: np.ndarray
    b1: np.ndarray
    b2: np.ndarray
    label_acc: np.ndarray
    delta: np.ndarray  # (formats, segments): accuracy change of running inference in a format

    def accuracy(self, epochs: np.ndarray, segment: np.ndarray, fmt: np.ndarray | int) -> np.ndarray:
        """Student accuracy after `epochs` of fresh retraining on `segment`, inference in `fmt`."""
        acc = curve(epochs, self.b0[segment], self.b1[segment], self.b2[segment])
        return np.minimum(acc, self.label_acc[segment]) + self.delta[fmt, segment]

    def progress_cap(self, ratio: np.ndarray, segment: np.ndarray | int, start: np.ndarray | float = 0.0
                     ) -> np.ndarray:
        """Most progress (epochs) a training set can bring: where the student's remaining gap to
        the asymptote has shrunk by the share s of the data-size cap (`ratio` = s / (1 - s),
        `SimArrays.cap_ratio`; inf for a full set). The gap is counted from the curve's start,
        or from below it for a student that began the segment there (`start` < 0 epochs,
        `carried_over`)."""
        return progress_cap(ratio, self.b0[segment], self.b1[segment], start)


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
    b0n, b1n = curves.b0[new], curves.b1[new]
    with np.errstate(divide="ignore", invalid="ignore"):
        # 1 - accuracy on the old curve, less the new curve's b2: the new curve's gap at that accuracy
        gap = 1.0 / (curves.b0[old] * progress + curves.b1[old]) + curves.b2[old] - curves.b2[new]
        level = np.where((gap > 0) & (b0n > 0), (1.0 / gap - b1n) / b0n, np.inf)
    return np.minimum(transfer * np.maximum(progress, 0.0), level)


class CurveBook:
    """Every curve of a proxies file, looked up by (student, teacher, scenario)."""

    def __init__(self, path=None):
        self.path = str(path or DEFAULT_CURVES)
        _, table = read_proxies(self.path, expect="curves")
        self._table = table
        self._groups = group_rows(table, ("student", "teacher", "scenario"))

    def get(self, student: str, teacher: str, scenario: str, n_segments: int) -> SegmentCurves:
        rows = self._groups.get((student, teacher, scenario))
        if rows is None:
            raise DseError("proxies", f"no curves for student {student}, teacher {teacher}, scenario {scenario}",
                           self.path)
        seg = self._table.column("segment").to_numpy()[rows]
        order = np.argsort(seg)
        if not np.array_equal(seg[order], np.arange(n_segments)):
            raise DseError("proxies", f"{scenario} has {n_segments} segments but the curves cover "
                                      f"{sorted(seg.tolist())}", self.path)
        col = {c: self._table.column(c).to_numpy()[rows][order] for c in ("b0", "b1", "b2", "label_acc")}
        delta = np.zeros((len(FORMAT_NAMES), n_segments))
        for f in DELTA_FORMATS:
            delta[FORMAT_NAMES.index(f)] = self._table.column(f"delta_{f}").to_numpy()[rows][order]
        return SegmentCurves(col["b0"], col["b1"], col["b2"], col["label_acc"], delta)
