"""The window-by-window simulation of one scenario for a batch of candidates.

Time inside a window is a grid of `SimParams.step_s` steps. A policy's `Plan` says, per candidate, what
fraction of frames inference processes and, as a `Schedule` of a few phases, how fast the
shared sub-accelerator labels samples and retrains (epochs/s). The engine then integrates over
the steps (the loop over windows is the only Python loop; a window is cut at the segment
changes it may hold):

* labels enter a FIFO buffer of `buffer_capacity` samples; samples labeled before the current
  segment began are stale;
* an epoch over the buffer advances the student's progress on the current segment by the
  buffer's fresh fraction, up to the most progress its training data allows: a set of n fresh
  samples closes the share (n / full_data_samples) ** data_exponent of the gap at the curve's start, or of the student's
  own gap if it began the segment below that (`curves.progress_cap`; the largest set this
  segment counts, and training never lowers progress); accuracy follows the
  segment's proxy curve, but changes only when an epoch *completes* (or, for a plan that holds
  its weights, from the next window on);
* a segment change (drift) keeps `drift_transfer` (calibrated, 0.09) of the progress: the
  student starts near the new segment's accuracy before adaptation, but never above the
  accuracy it had on the old segment (`carried_over`); a policy may clear the buffer at any step
  (drift detection);
* frames inference cannot process in time count as wrong (DaCapo's metric).

Two engines compute this: the NumPy reference here (per-step arrays over all candidates,
cumulative sums) and a Numba-compiled one (`engine_numba`, about 10x faster
because it builds no per-step arrays), tested to agree to 1e-9. `engine_name()` picks one: the
environment variable `DSE_ENGINE=numpy|numba`, else numba when it is installed.
The constants arrive as `SimArrays` (one value per candidate); no module global is read.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass

import numpy as np

from ..errors import DseError
from .contracts import Plan, State
from .curves import SegmentCurves, carried_over
from .params import SimArrays, SimParams


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
              curves: SegmentCurves, sim: SimArrays) -> np.ndarray:
    """Advance `state` over the steps of one segment; returns (C, len) deployed accuracy."""
    n = len(state.progress)
    drift = state.segment != segment
    state.stale = np.where(drift, np.minimum(state.stale + state.fresh, plan.buffer_capacity), state.stale)
    state.fresh = np.where(drift, 0.0, state.fresh)
    state.data = np.where(drift, 0.0, state.data)
    for name in ("progress", "applied"):
        value = getattr(state, name)
        setattr(state, name, np.where(drift, carried_over(value, curves, state.segment, segment, sim.drift_transfer),
                                      value))
    state.start = np.where(drift, np.minimum(state.progress, 0.0), state.start)
    state.segment = np.full(n, segment)

    labels = rates[0][:, steps] * sim.step_s
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

    d_epochs = rates[1][:, steps] * sim.step_s * (held > 0)
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
    cap = curves.progress_cap(sim.cap_ratio(data), segment, state.start[:, None])
    ceiling = np.maximum(cap, state.progress[:, None])
    progress = gained + np.minimum(state.progress[:, None], np.minimum.accumulate(ceiling - gained, axis=1))
    last = np.maximum.accumulate(np.where(completed, idx, -1), axis=1)
    applied = np.where(last >= 0, np.take_along_axis(progress, np.clip(last, 0, None), axis=1),
                       state.applied[:, None])
    acc = curves.accuracy(applied, segment, plan.infer_format[:, None])

    state.fresh, state.stale, state.data = fresh[:, -1], stale[:, -1], data[:, -1]
    state.epoch_phase, state.progress, state.applied = epochs[:, -1], progress[:, -1], applied[:, -1]
    return acc


def _numpy_window(state: State, plan: Plan, step_segments: np.ndarray, curves: SegmentCurves, sim: SimArrays):
    """The reference: per-step arrays over all candidates, one cumulative sum per quantity."""
    n_steps = len(step_segments)
    change = np.flatnonzero(np.diff(step_segments)) + 1
    bounds = [0, *change.tolist(), n_steps]
    rates = plan.rates.dense(n_steps, sim.step_s)
    pieces = [run_piece(state, plan, rates, slice(a, b), int(step_segments[a]), curves, sim)
              for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    step_acc = np.concatenate(pieces, axis=1)
    if plan.hold is not None:  # the window's retraining is deployed for the next window
        state.applied = np.where(plan.hold, state.progress, state.applied)
    return (step_acc.mean(axis=1), step_acc, np.sum(rates[0], axis=1) * sim.step_s,
            np.sum(rates[1], axis=1) * sim.step_s)


def _numba_window(state: State, plan: Plan, step_segments: np.ndarray, curves: SegmentCurves, sim: SimArrays,
                  keep_steps: bool):
    from . import engine_numba as nb

    n, n_steps = len(state.progress), len(step_segments)
    r = plan.rates

    def f64(a, default=None):
        a = default if a is None else a
        return np.ascontiguousarray(np.broadcast_to(a, (n,)), dtype=np.float64)

    def i64(a, default):
        return np.ascontiguousarray(np.broadcast_to(default if a is None else a, (n,)), dtype=np.int64)

    for name in nb.KernelState._fields:  # updated in place by the kernel
        setattr(state, name, np.array(getattr(state, name), dtype=np.int64 if name == "segment" else np.float64))
    outputs = nb.KernelOutputs(np.empty(n), np.empty(n), np.empty(n),
                               np.empty((n, n_steps) if keep_steps else (0, 0)))
    contiguous = [np.ascontiguousarray(a, dtype=np.float64) for a in (r.start_s, r.end_s, r.label, r.epoch)]
    nb.window_kernel(
        np.ascontiguousarray(step_segments, dtype=np.int64),
        nb.KernelParams(float(sim.step_s), f64(sim.drift_transfer), sim.cap_tables, sim.cap_index),
        nb.KernelRates(f64(r.base_label), f64(r.base_epoch), *contiguous),
        nb.KernelPlan(f64(plan.buffer_capacity), i64(plan.clear_step, -1), f64(plan.epoch_weight, 1.0),
                      np.ascontiguousarray(np.broadcast_to(False if plan.hold is None else plan.hold, (n,)),
                                           dtype=np.bool_),
                      i64(plan.infer_format, 0), f64(plan.data_fraction, 1.0)),
        nb.KernelCurves(curves.b0, curves.b1, curves.b2, curves.label_acc, curves.delta,
                        np.zeros(n, dtype=np.int64) if curves.row is None else curves.row),
        nb.KernelState(*(getattr(state, name) for name in nb.KernelState._fields)),
        outputs, keep_steps)
    return outputs.accuracy, (outputs.step_accuracy if keep_steps else None), outputs.labels, outputs.epochs


def run_window(state: State, plan: Plan, step_segments: np.ndarray, curves: SegmentCurves, fps: float,
               keep_steps: bool = True, engine: str | None = None, sim: SimArrays | None = None) -> WindowOutcome:
    """Integrate one window; `step_segments` is the segment index of every step. `keep_steps`
    asks for every step's accuracy (the compiled engine skips it otherwise); `engine` is numba or
    numpy (None: `engine_name()`); `sim` the resolved constants (None: `SimParams()`'s)."""
    engine = engine_name(engine)
    sim = sim or SimParams().resolve(len(state.progress))
    if plan.curve_row is not None:  # a model-family policy deployed these members this window
        if curves.row is not None:
            raise DseError("policy", "a model-family policy cannot run with uncertainty draws (both choose curve rows)")
        curves = curves.with_rows(plan.curve_row)
    if engine == "numba":
        acc, step_acc, labels, epochs = _numba_window(state, plan, step_segments, curves, sim, keep_steps)
    else:
        acc, step_acc, labels, epochs = _numpy_window(state, plan, step_segments, curves, sim)
    frames = fps * len(step_segments) * sim.step_s * plan.processed
    energy = sum(np.where(count > 0, count * per_item, 0.0)  # no work, no energy (even at an infinite cost)
                 for count, per_item in ((frames, plan.infer_j_per_frame), (labels, plan.label_j_per_sample),
                                         (epochs, plan.epoch_j)))
    return WindowOutcome(plan.processed * acc, step_acc, energy, labels, epochs)


def engine_name(requested: str | None = None) -> str:
    """The engine to run: `requested` if given, else `DSE_ENGINE` (numba or numpy), else numba
    when it is installed (it is a dependency; the NumPy reference is the fallback)."""
    chosen = (requested if requested is not None else os.environ.get("DSE_ENGINE", "")).strip().lower()
    where = "engine" if requested is not None else "DSE_ENGINE"
    installed = importlib.util.find_spec("numba") is not None
    if chosen not in ("", "numba", "numpy"):
        raise DseError(where, f"must be numba or numpy, got {chosen!r}")
    if chosen == "numba" and not installed:
        raise DseError(where, "numba is not installed (pip install numba)")
    return chosen or ("numba" if installed else "numpy")
