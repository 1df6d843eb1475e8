"""Pareto fronts and hypervolume, on objective values turned into losses (all minimised)."""

from __future__ import annotations

import numpy as np


def to_losses(values: np.ndarray, directions: list[str]) -> np.ndarray:
    sign = np.array([-1.0 if d == "maximize" else 1.0 for d in directions])
    return np.asarray(values, dtype=float) * sign


def nondominated(losses: np.ndarray) -> np.ndarray:
    """Boolean mask of the points no other point dominates (ties kept once each)."""
    losses = np.asarray(losses, dtype=float)
    n = len(losses)
    if n == 0:
        return np.zeros(0, dtype=bool)
    order = np.lexsort(losses.T[::-1])
    mask = np.zeros(n, dtype=bool)
    front: list[np.ndarray] = []
    for i in order:
        p = losses[i]
        if front:
            f = np.array(front)
            if np.any(np.all(f <= p, axis=1)):
                continue  # dominated by (or equal to) a point already on the front
        front.append(p)
        mask[i] = True
    return mask


def hypervolume(losses: np.ndarray, reference: np.ndarray) -> float:
    """Volume dominated by `losses` and bounded by `reference` (points beyond it ignored)."""
    pts = np.asarray(losses, dtype=float)
    ref = np.asarray(reference, dtype=float)
    if len(pts) == 0:
        return 0.0
    pts = pts[np.all(pts < ref, axis=1)]
    if len(pts) == 0:
        return 0.0
    pts = pts[nondominated(pts)]
    if pts.shape[1] == 1:
        return float(ref[0] - pts[:, 0].min())
    if pts.shape[1] == 2:
        pts = pts[np.argsort(pts[:, 0])]
        widths = np.diff(np.append(pts[:, 0], ref[0]))
        return float(np.sum(widths * (ref[1] - pts[:, 1])))
    from optuna._hypervolume import compute_hypervolume  # WFG; private in Optuna 5 (pinned <6)

    return float(compute_hypervolume(pts, ref))
