"""The window-by-window simulation of one scenario for a batch of candidates.

Time inside a window is a grid of `STEP_S` steps. A policy's `Plan` says, per candidate, what
fraction of frames inference processes and, per step, how fast the shared sub-accelerator
labels samples and retrains (epochs/s). The engine then integrates, with cumulative sums over
the steps (the loop over windows is the only Python loop; a window is cut at the one or two
segment changes it may hold):

* labels enter a FIFO buffer of `buffer_capacity` samples; samples labeled before the current
  segment began are stale;
* an epoch over the buffer advances the student's progress on the current segment by the
  buffer's fresh fraction; accuracy follows the segment's proxy curve, but changes only when an
  epoch *completes*;
* a segment change (drift) resets progress: the student starts from the new segment's
  accuracy before adaptation; a policy may clear the buffer at any step (drift detection);
* frames inference cannot process in time count as wrong (DaCapo's metric).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .curves import SegmentCurves

#: Simulation step, s. A retraining completion moves accuracy from the next step on.
STEP_S = 1.0


@dataclass
class Plan:
    """One window's allocation, from a policy. (C,) arrays, or (C, S) per step."""

    processed: np.ndarray  # fraction of frames inference processes in time
    infer_format: np.ndarray  # format index inference runs in
    infer_j_per_frame: np.ndarray
    label_rate: np.ndarray  # (C, S) samples labeled per second
    epoch_rate: np.ndarray  # (C, S) retraining epochs per second
    buffer_capacity: np.ndarray
    label_j_per_sample: np.ndarray
    epoch_j: np.ndarray  # energy of one epoch (training + validation)
    clear_step: np.ndarray = field(default=None)  # (C,) step at which the buffer is emptied; -1 none
    epoch_weight: np.ndarray = field(default=None)  # (C,) progress one epoch brings (subsampled epochs < 1)


@dataclass
class State:
    """Per-candidate state carried from window to window."""

    segment: np.ndarray
    progress: np.ndarray  # epochs of fresh retraining accrued on the current segment
    applied: np.ndarray  # progress as of the last completed epoch (what the deployed model knows)
    epoch_phase: np.ndarray  # epochs done, fractional part = the epoch in flight
    fresh: np.ndarray  # labeled samples of the current segment in the buffer
    stale: np.ndarray  # labeled samples of earlier segments in the buffer

    @classmethod
    def initial(cls, n: int) -> State:
        z = np.zeros(n)
        return cls(np.zeros(n, dtype=np.int64), z.copy(), z.copy(), z.copy(), z.copy(), z.copy())


@dataclass
class WindowOutcome:
    accuracy: np.ndarray  # (C,) mean accuracy over all frames of the window
    step_accuracy: np.ndarray  # (C, S) accuracy of the deployed student at each step
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


def run_piece(state: State, plan: Plan, steps: slice, segment: int, curves: SegmentCurves) -> np.ndarray:
    """Advance `state` over the steps of one segment; returns (C, len) deployed accuracy."""
    n = len(state.progress)
    drift = state.segment != segment
    state.stale = np.where(drift, np.minimum(state.stale + state.fresh, plan.buffer_capacity), state.stale)
    state.fresh = np.where(drift, 0.0, state.fresh)
    state.progress = np.where(drift, 0.0, state.progress)
    state.applied = np.where(drift, 0.0, state.applied)
    state.segment = np.full(n, segment)

    labels = plan.label_rate[:, steps] * STEP_S
    length = labels.shape[1]
    clear = plan.clear_step - steps.start if plan.clear_step is not None else np.full(n, -1)
    clear = np.where((clear >= 0) & (clear < length), clear, -1)
    cap = plan.buffer_capacity[:, None]
    fresh = np.minimum(_cumsum_from(labels, clear, state.fresh), cap)
    idx = np.arange(length)[None, :]
    cleared = (clear[:, None] >= 0) & (idx >= clear[:, None])
    stale = np.where(cleared, 0.0, np.clip(np.minimum(state.stale[:, None], cap - fresh), 0.0, None))
    held = fresh + stale
    fresh_frac = np.where(held > 0, fresh / np.where(held > 0, held, 1.0), 0.0)

    d_epochs = plan.epoch_rate[:, steps] * STEP_S * (held > 0)
    epochs = state.epoch_phase[:, None] + np.cumsum(d_epochs, axis=1)
    before = np.concatenate([state.epoch_phase[:, None], epochs[:, :-1]], axis=1)
    completed = np.floor(epochs + 1e-9) > np.floor(before + 1e-9)
    weight = 1.0 if plan.epoch_weight is None else plan.epoch_weight[:, None]
    progress = state.progress[:, None] + np.cumsum(d_epochs * fresh_frac * weight, axis=1)
    last = np.maximum.accumulate(np.where(completed, idx, -1), axis=1)
    applied = np.where(last >= 0, np.take_along_axis(progress, np.clip(last, 0, None), axis=1),
                       state.applied[:, None])
    acc = curves.accuracy(applied, segment, plan.infer_format[:, None])

    state.fresh, state.stale = fresh[:, -1], stale[:, -1]
    state.epoch_phase, state.progress, state.applied = epochs[:, -1], progress[:, -1], applied[:, -1]
    return acc


def run_window(state: State, plan: Plan, step_segments: np.ndarray, curves: SegmentCurves, fps: float
               ) -> WindowOutcome:
    """Integrate one window; `step_segments` is the segment index of every step."""
    n_steps = len(step_segments)
    change = np.flatnonzero(np.diff(step_segments)) + 1
    bounds = [0, *change.tolist(), n_steps]
    pieces = [run_piece(state, plan, slice(a, b), int(step_segments[a]), curves)
              for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    step_acc = np.concatenate(pieces, axis=1)
    frames = fps * n_steps * STEP_S * plan.processed
    labels = np.sum(plan.label_rate, axis=1) * STEP_S
    epochs = np.sum(plan.epoch_rate, axis=1) * STEP_S
    energy = sum(np.where(count > 0, count * per_item, 0.0)  # no work, no energy (even at an infinite cost)
                 for count, per_item in ((frames, plan.infer_j_per_frame), (labels, plan.label_j_per_sample),
                                         (epochs, plan.epoch_j)))
    return WindowOutcome(plan.processed * step_acc.mean(axis=1), step_acc, energy, labels, epochs)
