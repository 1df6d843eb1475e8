"""Helpers for policies that time-share one device (a GPU, or a whole array used unsplit)."""

from __future__ import annotations

import numpy as np

from ..cl.costs import PairCosts
from ._base import pick


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
        "t_inf": pick(costs.infer_s, f_inf, u), "j_inf": pick(costs.infer_j, f_inf, u),
        "t_label": pick(costs.label_s, f_inf, u), "j_label": pick(costs.label_j, f_inf, u),
        "t_train": pick(costs.train_s, f_train, u), "j_train": pick(costs.train_j, f_train, u),
    }
