"""Helpers for policies that time-share one device (a GPU, or a whole array used unsplit)."""

from __future__ import annotations

import numpy as np

from ..costs import PairCosts
from ._base import WindowContext


def whole_device(costs: PairCosts) -> np.ndarray:
    """The unit index of the whole device: all rows of an array, unit 1 of a GPU."""
    return costs.units.copy()


def inference_share(t_inf: np.ndarray, fps: float) -> tuple[np.ndarray, np.ndarray]:
    """(fraction of device time inference takes with priority, fraction of frames processed)."""
    demand = fps * t_inf
    return np.minimum(demand, 1.0), np.minimum(1.0, 1.0 / demand)


def device_times(costs: PairCosts, f_inf: np.ndarray, f_train: np.ndarray):
    """Per-item seconds and joules of the four kernels on the whole device."""
    u = whole_device(costs)
    return {
        "t_inf": costs.pick("infer_s", f_inf, u), "j_inf": costs.pick("infer_j", f_inf, u),
        "t_label": costs.pick("label_s", f_inf, u), "j_label": costs.pick("label_j", f_inf, u),
        "t_train": costs.pick("train_s", f_train, u), "j_train": costs.pick("train_j", f_train, u),
    }


def predicted_accuracy(ctx: WindowContext, f_inf: np.ndarray, choices: np.ndarray, epoch_s: np.ndarray,
                       start_s: np.ndarray, budget_s: np.ndarray, weight: float | np.ndarray = 1.0):
    """Window-mean accuracy each epoch count in `choices` would give (epochs back to back from
    `start_s`, accuracy moving as each completes, each worth `weight` epochs of progress), from
    the window's first segment's curve and the deployed student's progress; and whether each
    count fits in `budget_s`.
    Returns two (C, len(choices)) arrays."""
    n = len(epoch_s)
    epoch_s = np.where(np.isfinite(epoch_s), epoch_s, 2 * ctx.window_s)  # can never complete
    seg = np.full(n, ctx.step_segments[0])
    p0 = ctx.on_first_segment(ctx.state.applied)
    e = np.asarray(choices, dtype=np.float64)[None, :]
    k = np.arange(int(e.max()) + 1)[None, None, :]
    acc_k = ctx.curves.accuracy(p0[:, None, None] + weight * np.minimum(k, e[..., None]),
                                np.broadcast_to(seg[:, None, None], (n, 1, k.shape[2])), f_inf[:, None, None])
    # accuracy k holds from start + k * epoch_s until the next completion or the window's end
    t_k = np.minimum(start_s[:, None, None] + k * epoch_s[:, None, None], ctx.window_s)
    t_next = np.where(k < e[..., None], np.minimum(t_k + epoch_s[:, None, None], ctx.window_s), ctx.window_s)
    t_k = np.where(k <= e[..., None], t_k, ctx.window_s)
    predicted = np.sum(acc_k * (t_next - t_k), axis=2) / ctx.window_s
    fits = (e == 0) | (e * epoch_s[:, None] <= budget_s[:, None] + 1e-9)
    return predicted, fits
