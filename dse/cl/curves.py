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
