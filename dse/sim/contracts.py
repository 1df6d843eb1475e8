"""The types that pass between the allocation policies and the window engine.

A policy reads a `WindowContext` and returns a `Plan` (with its `Schedule`); the engine
integrates the plan and owns the `State`. Both sides import this module and nothing of each
other, so the simulator's packages have no import cycle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .curves import SegmentCurves, carried_over
from .params import SimArrays


@dataclass(frozen=True)
class Param:
    """A policy parameter: its default, its range or choices, and what it means."""

    default: float | int | str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    integer: bool = False
    doc: str = ""

    def problem(self, value: object) -> str | None:
        """Why `value` is not allowed, or None: the one rule that study files and simulations
        both apply."""
        if self.choices is not None:
            return None if value in self.choices else f"must be one of {', '.join(self.choices)}, got {value!r}"
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            return f"must be a number, got {value!r}"
        if not math.isfinite(value) or (self.low is not None and value < self.low) or \
                (self.high is not None and value > self.high):
            return f"must be in [{self.low}, {self.high}], got {value!r}"
        if self.integer and value != round(value):
            return f"must be an integer, got {value!r}"
        return None


@dataclass
class Schedule:
    """Piecewise-constant labeling and retraining rates over a window, per candidate.

    Outside its phases a candidate runs at `base_*`; inside phase k (`start_s[k]` <= t <
    `end_s[k]`, seconds from the window's start) at that phase's own rates. A candidate's phases
    are disjoint and sorted by start; an unused phase has start == end. A policy describes a
    window in a few phases, so nothing per step is built unless a reference run asks for it.
    """

    base_label: np.ndarray  # (C,) samples labeled per second
    base_epoch: np.ndarray  # (C,) retraining epochs per second
    start_s: np.ndarray  # (C, K)
    end_s: np.ndarray  # (C, K)
    label: np.ndarray  # (C, K)
    epoch: np.ndarray  # (C, K)

    @classmethod
    def constant(cls, label: np.ndarray, epoch: np.ndarray) -> Schedule:
        label, epoch = np.broadcast_arrays(np.asarray(label, dtype=np.float64), np.asarray(epoch, dtype=np.float64))
        empty = np.zeros((len(label), 0))
        return cls(label.copy(), epoch.copy(), empty, empty, empty, empty)

    @classmethod
    def phases(cls, base_label, base_epoch, *phases: tuple) -> Schedule:
        """Phases given as (start_s, length_s, label, epoch) tuples of (C,) arrays, in time order."""
        base_label, base_epoch = (np.asarray(v, dtype=np.float64) for v in (base_label, base_epoch))
        n = len(base_label)
        cols = [np.stack([np.broadcast_to(np.asarray(p[i], dtype=np.float64), (n,)) for p in phases], axis=1)
                for i in range(4)]
        start, length, label, epoch = cols
        return cls(base_label, base_epoch, start, start + np.maximum(length, 0.0), label, epoch)

    @classmethod
    def from_steps(cls, label: np.ndarray, epoch: np.ndarray, step_s: float) -> Schedule:
        """One phase per step of `step_s`, for a policy that decides step by step."""
        n, s = label.shape
        start = np.broadcast_to(np.arange(s) * step_s, (n, s)).copy()
        return cls(np.zeros(n), np.zeros(n), start, start + step_s, label.astype(np.float64),
                   epoch.astype(np.float64))

    def take(self, index) -> Schedule:
        return Schedule(*(getattr(self, f)[index] for f in ("base_label", "base_epoch", "start_s", "end_s", "label",
                                                              "epoch")))

    def dense(self, n_steps: int, step_s: float) -> tuple[np.ndarray, np.ndarray]:
        """(C, S) labeling and retraining rates of each step of `step_s` (a phase covering part
        of a step contributes in proportion)."""
        t0 = np.arange(n_steps)[None, None, :] * step_s
        overlap = np.clip(np.minimum(t0 + step_s, self.end_s[:, :, None]) - np.maximum(t0, self.start_s[:, :, None]),
                          0.0, step_s) / step_s  # (C, K, S)
        out = []
        for base, phase in ((self.base_label, self.label), (self.base_epoch, self.epoch)):
            with np.errstate(invalid="ignore"):  # an infinite rate over an empty overlap adds nothing
                extra = np.sum(np.where(overlap > 0, (phase - base[:, None])[:, :, None] * overlap, 0.0), axis=1)
            out.append(base[:, None] + extra)
        return out[0], out[1]


def disjoint(start_s: np.ndarray, end_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(C, K) intervals that may overlap -> sorted disjoint ones covering the same union (for
    phases that share their rates); the freed ones become empty."""
    end = np.maximum(end_s, start_s)
    if np.any(start_s[:, 1:] < start_s[:, :-1]):  # most windows' phases come sorted: no sort then
        order = np.argsort(start_s, axis=1, kind="stable")
        start, end = np.take_along_axis(start_s, order, axis=1), np.take_along_axis(end, order, axis=1)
    else:
        start = start_s
    reach = np.maximum.accumulate(end, axis=1)
    before = np.concatenate([np.full((len(start), 1), -np.inf), reach[:, :-1]], axis=1)
    new_start = np.maximum(start, before)
    return new_start, np.maximum(end, new_start)


@dataclass
class Plan:
    """One window's allocation, from a policy: (C,) arrays and the window's `Schedule`."""

    processed: np.ndarray  # fraction of frames inference processes in time
    infer_format: np.ndarray  # format index inference runs in
    infer_j_per_frame: np.ndarray
    rates: Schedule
    n_steps: int
    buffer_capacity: np.ndarray
    label_j_per_sample: np.ndarray
    epoch_j: np.ndarray  # energy of one epoch (training + validation)
    clear_step: np.ndarray = field(default=None)  # (C,) step at which the buffer is emptied; -1 none
    epoch_weight: np.ndarray = field(default=None)  # (C,) progress one epoch brings (subsampled epochs < 1)
    #: (C,) fraction of the buffer's samples an epoch trains on (a subsample): scales the
    #: training set's size in the progress cap; None = 1
    data_fraction: np.ndarray = field(default=None)
    #: (C,) bool: the retrained weights are swapped in only at the window's end, for the next
    #: window (a per-window protocol); None or False: at every epoch's completion
    hold: np.ndarray = field(default=None)
    #: (C,) int: the curves row (family member, `CurveBook.family`) deployed this window; None:
    #: each candidate's own row. The family's training progress is shared, so only which
    #: member's curve turns it into accuracy changes
    curve_row: np.ndarray = field(default=None)


@dataclass
class State:
    """Per-candidate state carried from window to window."""

    segment: np.ndarray
    progress: np.ndarray  # epochs of fresh retraining accrued on the current segment
    applied: np.ndarray  # progress as of the last completed epoch (what the deployed model knows)
    epoch_phase: np.ndarray  # epochs done, fractional part = the epoch in flight
    fresh: np.ndarray  # labeled samples of the current segment in the buffer
    stale: np.ndarray  # labeled samples of earlier segments in the buffer
    data: np.ndarray  # largest training set (fresh samples) used on the current segment: sets the progress cap
    start: np.ndarray  # progress the current segment began at if below its curve's start (<= 0): the cap counts from it

    @classmethod
    def initial(cls, n: int) -> State:
        z = np.zeros(n)
        return cls(np.zeros(n, dtype=np.int64), z.copy(), z.copy(), z.copy(), z.copy(), z.copy(), z.copy(), z.copy())


@dataclass(frozen=True)
class WindowContext:
    window: int
    step_segments: np.ndarray  # (S,) segment index of each step
    state: State  # read only: the engine owns it
    curves: SegmentCurves
    fps: float
    window_s: float
    sim: SimArrays  # the simulator's constants, per candidate

    @property
    def step_s(self) -> float:
        return self.sim.step_s

    @property
    def n_steps(self) -> int:
        return len(self.step_segments)

    def drift_steps(self) -> list[int]:
        """Steps at which a new segment starts (step 0 if the window starts one)."""
        first = [0] if np.any(self.state.segment != self.step_segments[0]) else []
        return first + (np.flatnonzero(np.diff(self.step_segments)) + 1).tolist()

    def on_first_segment(self, progress: np.ndarray) -> np.ndarray:
        """`progress` (per candidate, on the state's segment) as it stands on the window's first
        segment: carried over where the window starts a new one."""
        first = self.step_segments[0]
        same = self.state.segment == first
        kept = carried_over(progress, self.curves, self.state.segment, first, self.sim.drift_transfer)
        return np.where(same, progress, kept)

    def accuracy_across_drift(self, k: int, fmt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(accuracy before, accuracy after) the drift that starts at step k, as a policy can know
        them: the deployed student's progress before a drift at the window's start; for a later
        drift the retraining of this window is not known yet, so none."""
        n = len(self.state.segment)
        old = self.state.segment if k == 0 else np.full(n, self.step_segments[k - 1])
        progress = self.state.applied if k == 0 else np.zeros(n)
        new = self.step_segments[k]
        kept = carried_over(progress, self.curves, old, new, self.sim.drift_transfer)
        return self.curves.accuracy(progress, old, fmt), self.curves.accuracy(kept, np.full(n, new), fmt)
