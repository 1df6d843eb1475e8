"""The window-by-window simulation of one scenario for a batch of candidates.

Time inside a window is a grid of `STEP_S` steps. A policy's `Plan` says, per candidate, what
fraction of frames inference processes and, as a `Schedule` of a few phases, how fast the
shared sub-accelerator labels samples and retrains (epochs/s). The engine then integrates over
the steps (the loop over windows is the only Python loop; a window is cut at the segment
changes it may hold):

* labels enter a FIFO buffer of `buffer_capacity` samples; samples labeled before the current
  segment began are stale;
* an epoch over the buffer advances the student's progress on the current segment by the
  buffer's fresh fraction, up to the most progress its training data allows: a set of n fresh
  samples closes the share (n / 747) ** 0.2 of the gap at the curve's start, or of the student's
  own gap if it began the segment below that (`curves.progress_cap`; the largest set this
  segment counts, and training never lowers progress); accuracy follows the
  segment's proxy curve, but changes only when an epoch *completes* (or, for a plan that holds
  its weights, from the next window on);
* a segment change (drift) keeps `DRIFT_TRANSFER` (calibrated, 0.09) of the progress: the
  student starts near the new segment's accuracy before adaptation, but never above the
  accuracy it had on the old segment (`carried_over`); a policy may clear the buffer at any step
  (drift detection);
* frames inference cannot process in time count as wrong (DaCapo's metric).

Two engines compute this: the NumPy reference here (per-step arrays over all candidates,
cumulative sums) and a Numba-compiled one (`engine_numba`, the `fast` extra, about 10x faster
because it builds no per-step arrays), tested to agree to 1e-9. `engine_name()` picks one: the
environment variable `DSE_ENGINE=numpy|numba`, else numba when it is installed.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass, field

import numpy as np

from ..errors import DseError
from .curves import SegmentCurves, cap_table

#: Fraction of a student's adaptation (epochs of progress) that carries over a segment change:
#: after a drift the deployed model starts at `DRIFT_TRANSFER * progress` on the new segment's
#: curve instead of at its accuracy before adaptation (at most at its old accuracy, see
#: `carried_over`). CALIBRATED (the one constant fitted to DaCapo's Figure 9): the smallest
#: largest error over the 14 published ResNet18/WRN50-2 and ViT-B/32/ViT-B/16 geomeans (issue 8
#: bounds every error), everything else fixed, by `scripts/calibrate_transfer.py` (its output,
#: with the least-squares optimum 0.17 for comparison, is in docs/calibration.md).
#: ResNet34/WRN101-2 and ES1/ES2 are predictions.
DRIFT_TRANSFER = 0.09


def carried_over(progress: np.ndarray, curves: SegmentCurves, old, new) -> np.ndarray:
    """Progress a model keeps on segment `new` after a drift from segment `old`: the share
    `DRIFT_TRANSFER` of it, but never more than leaves the model where it stood on the old
    segment (a segment change does not make a model better: a student that never adapted stays
    at its accuracy before adaptation instead of rising to the next curve's start, which is the
    accuracy of a student adapted to the previous segment). Below the new curve's start the
    progress is negative; a deficit (negative progress) is not adaptation and carries nothing.
    Curves are compared without format delta and label cap; a flat curve (b0 = 0) keeps the
    share."""
    b0n, b1n = curves.b0[new], curves.b1[new]
    with np.errstate(divide="ignore", invalid="ignore"):
        # 1 - accuracy on the old curve, less the new curve's b2: the new curve's gap at that accuracy
        gap = 1.0 / (curves.b0[old] * progress + curves.b1[old]) + curves.b2[old] - curves.b2[new]
        level = np.where((gap > 0) & (b0n > 0), (1.0 / gap - b1n) / b0n, np.inf)
    return np.minimum(DRIFT_TRANSFER * np.maximum(progress, 0.0), level)


#: Simulation step, s. A retraining completion moves accuracy from the next step on.
STEP_S = 1.0


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
    def from_steps(cls, label: np.ndarray, epoch: np.ndarray) -> Schedule:
        """One phase per step, for a policy that decides step by step."""
        n, s = label.shape
        start = np.broadcast_to(np.arange(s) * STEP_S, (n, s)).copy()
        return cls(np.zeros(n), np.zeros(n), start, start + STEP_S, label.astype(np.float64),
                   epoch.astype(np.float64))

    def take(self, index) -> Schedule:
        return Schedule(*(getattr(self, f)[index] for f in ("base_label", "base_epoch", "start_s", "end_s", "label",
                                                              "epoch")))

    def dense(self, n_steps: int) -> tuple[np.ndarray, np.ndarray]:
        """(C, S) labeling and retraining rates of each step (a phase covering part of a step
        contributes in proportion)."""
        t0 = np.arange(n_steps)[None, None, :] * STEP_S
        overlap = np.clip(np.minimum(t0 + STEP_S, self.end_s[:, :, None]) - np.maximum(t0, self.start_s[:, :, None]),
                          0.0, STEP_S) / STEP_S  # (C, K, S)
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

    @property
    def label_rate(self) -> np.ndarray:
        """(C, S) samples labeled per second in each step."""
        return self.rates.dense(self.n_steps)[0]

    @property
    def epoch_rate(self) -> np.ndarray:
        """(C, S) retraining epochs per second in each step."""
        return self.rates.dense(self.n_steps)[1]


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


@dataclass
class WindowOutcome:
    accuracy: np.ndarray  # (C,) mean accuracy over all frames of the window
    step_accuracy: np.ndarray | None  # (C, S) deployed student's accuracy per step (if kept)
    energy_j: np.ndarray  # (C,)
    labels: np.ndarray  # (C,)
    epochs: np.ndarray  # (C,)


def _cumsum_from(x: np.ndarray, start: np.ndarray, init: np.ndarray) -> np.ndarray:
    """Running sum of x along steps, restarting from 0 at step `start` (-1: from `init`)."""
    cs = np.cumsum(x, axis=1)
    steps = np.arange(x.shape[1])[None, :]
    before = np.take_along_axis(cs - x, np.clip(start, 0, None)[:, None], axis=1)
    restarted = (start[:, None] >= 0) & (steps >= start[:, None])
    return np.where(restarted, cs - before, init[:, None] + cs)


def run_piece(state: State, plan: Plan, rates: tuple[np.ndarray, np.ndarray], steps: slice, segment: int,
              curves: SegmentCurves) -> np.ndarray:
    """Advance `state` over the steps of one segment; returns (C, len) deployed accuracy."""
    n = len(state.progress)
    drift = state.segment != segment
    state.stale = np.where(drift, np.minimum(state.stale + state.fresh, plan.buffer_capacity), state.stale)
    state.fresh = np.where(drift, 0.0, state.fresh)
    state.data = np.where(drift, 0.0, state.data)
    state.progress = np.where(drift, carried_over(state.progress, curves, state.segment, segment), state.progress)
    state.applied = np.where(drift, carried_over(state.applied, curves, state.segment, segment), state.applied)
    state.start = np.where(drift, np.minimum(state.progress, 0.0), state.start)
    state.segment = np.full(n, segment)

    labels = rates[0][:, steps] * STEP_S
    length = labels.shape[1]
    clear = plan.clear_step - steps.start if plan.clear_step is not None else np.full(n, -1)
    clear = np.where((clear >= 0) & (clear < length), clear, -1)
    capacity = plan.buffer_capacity[:, None]
    fresh = np.minimum(_cumsum_from(labels, clear, state.fresh), capacity)
    idx = np.arange(length)[None, :]
    cleared = (clear[:, None] >= 0) & (idx >= clear[:, None])
    stale = np.where(cleared, 0.0, np.clip(np.minimum(state.stale[:, None], capacity - fresh), 0.0, None))
    held = fresh + stale
    fresh_frac = np.where(held > 0, fresh / np.where(held > 0, held, 1.0), 0.0)

    d_epochs = rates[1][:, steps] * STEP_S * (held > 0)
    epochs = state.epoch_phase[:, None] + np.cumsum(d_epochs, axis=1)
    before = np.concatenate([state.epoch_phase[:, None], epochs[:, :-1]], axis=1)
    completed = np.floor(epochs + 1e-9) > np.floor(before + 1e-9)
    if plan.hold is not None:
        completed = completed & ~plan.hold[:, None]
    weight = 1.0 if plan.epoch_weight is None else plan.epoch_weight[:, None]
    share = 1.0 if plan.data_fraction is None else plan.data_fraction[:, None]
    data = np.maximum(state.data[:, None], np.maximum.accumulate(fresh * share, axis=1))
    # progress_t = max(p_{t-1}, min(p_{t-1} + d_t, cap_t)) with a non-decreasing cap, in closed
    # form: with c_t = max(cap_t, p_0), p_t = D_t + min(p_0, min_{k<=t} (c_k - D_k))
    gained = np.cumsum(d_epochs * fresh_frac * weight, axis=1)
    ceiling = np.maximum(curves.progress_cap(data, segment, state.start[:, None]), state.progress[:, None])
    progress = gained + np.minimum(state.progress[:, None], np.minimum.accumulate(ceiling - gained, axis=1))
    last = np.maximum.accumulate(np.where(completed, idx, -1), axis=1)
    applied = np.where(last >= 0, np.take_along_axis(progress, np.clip(last, 0, None), axis=1),
                       state.applied[:, None])
    acc = curves.accuracy(applied, segment, plan.infer_format[:, None])

    state.fresh, state.stale, state.data = fresh[:, -1], stale[:, -1], data[:, -1]
    state.epoch_phase, state.progress, state.applied = epochs[:, -1], progress[:, -1], applied[:, -1]
    return acc


def _numpy_window(state: State, plan: Plan, step_segments: np.ndarray, curves: SegmentCurves):
    """The reference: per-step arrays over all candidates, one cumulative sum per quantity."""
    n_steps = len(step_segments)
    change = np.flatnonzero(np.diff(step_segments)) + 1
    bounds = [0, *change.tolist(), n_steps]
    rates = plan.rates.dense(n_steps)
    pieces = [run_piece(state, plan, rates, slice(a, b), int(step_segments[a]), curves)
              for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    step_acc = np.concatenate(pieces, axis=1)
    if plan.hold is not None:  # the window's retraining is deployed for the next window
        state.applied = np.where(plan.hold, state.progress, state.applied)
    return step_acc.mean(axis=1), step_acc, np.sum(rates[0], axis=1) * STEP_S, np.sum(rates[1], axis=1) * STEP_S


def _numba_window(state: State, plan: Plan, step_segments: np.ndarray, curves: SegmentCurves, keep_steps: bool):
    from .engine_numba import window_kernel

    n, n_steps = len(state.progress), len(step_segments)
    r = plan.rates
    f64 = lambda a: np.ascontiguousarray(np.broadcast_to(a, (n,)), dtype=np.float64)  # noqa: E731
    clear = np.full(n, -1) if plan.clear_step is None else plan.clear_step
    weight = np.ones(n) if plan.epoch_weight is None else plan.epoch_weight
    hold = np.zeros(n, dtype=np.bool_) if plan.hold is None else np.ascontiguousarray(np.broadcast_to(plan.hold, (n,)),
                                                                                       dtype=np.bool_)
    share = np.ones(n) if plan.data_fraction is None else plan.data_fraction
    for name in ("segment", "progress", "applied", "epoch_phase", "fresh", "stale", "data", "start"):  # in place
        setattr(state, name, np.array(getattr(state, name), dtype=np.int64 if name == "segment" else np.float64))
    acc, labels, epochs = np.empty(n), np.empty(n), np.empty(n)
    step_acc = np.empty((n, n_steps) if keep_steps else (0, 0))
    window_kernel(np.ascontiguousarray(step_segments, dtype=np.int64), float(STEP_S), DRIFT_TRANSFER,
                  cap_table(), f64(share),
                  f64(r.base_label), f64(r.base_epoch), *(np.ascontiguousarray(a, dtype=np.float64) for a in
                                       (r.start_s, r.end_s, r.label, r.epoch)),
                  f64(plan.buffer_capacity), np.ascontiguousarray(np.broadcast_to(clear, (n,)), dtype=np.int64),
                  f64(weight), hold, np.ascontiguousarray(np.broadcast_to(plan.infer_format, (n,)), dtype=np.int64),
                  curves.b0, curves.b1, curves.b2, curves.label_acc, np.ascontiguousarray(curves.delta),
                  state.segment, state.progress, state.applied, state.epoch_phase, state.fresh, state.stale,
                  state.data, state.start, acc, labels, epochs, keep_steps, step_acc)
    return acc, (step_acc if keep_steps else None), labels, epochs


def run_window(state: State, plan: Plan, step_segments: np.ndarray, curves: SegmentCurves, fps: float,
               keep_steps: bool = True, engine: str | None = None) -> WindowOutcome:
    """Integrate one window; `step_segments` is the segment index of every step. `keep_steps`
    asks for every step's accuracy (the compiled engine skips it otherwise)."""
    engine = engine or engine_name()
    if engine == "numba":
        acc, step_acc, labels, epochs = _numba_window(state, plan, step_segments, curves, keep_steps)
    else:
        acc, step_acc, labels, epochs = _numpy_window(state, plan, step_segments, curves)
    frames = fps * len(step_segments) * STEP_S * plan.processed
    energy = sum(np.where(count > 0, count * per_item, 0.0)  # no work, no energy (even at an infinite cost)
                 for count, per_item in ((frames, plan.infer_j_per_frame), (labels, plan.label_j_per_sample),
                                         (epochs, plan.epoch_j)))
    return WindowOutcome(plan.processed * acc, step_acc, energy, labels, epochs)


def engine_name() -> str:
    """The engine `run_window` uses: `ENGINE` if set, else `DSE_ENGINE` (numba or numpy), else
    numba when it is installed."""
    if ENGINE is not None:
        return ENGINE
    chosen = os.environ.get("DSE_ENGINE", "").strip().lower()
    installed = importlib.util.find_spec("numba") is not None
    if chosen not in ("", "numba", "numpy"):
        raise DseError("DSE_ENGINE", f"must be numba or numpy, got {chosen!r}")
    if chosen == "numba" and not installed:
        raise DseError("DSE_ENGINE", "numba is not installed (pip install 'cl-dse[fast]')")
    return chosen or ("numba" if installed else "numpy")


#: Forces an engine ("numba" or "numpy") for this process; None follows `engine_name`.
ENGINE: str | None = None
