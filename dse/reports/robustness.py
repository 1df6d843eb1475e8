"""How robust a Pareto front is to the uncertainty of the simulator's inputs.

With uncertainty draws (a study's `uncertainty = N`), every trial stores its objectives per draw;
draws are common to all candidates (the same N draws), so comparisons are paired. For each
Pareto design (found on the medians) this gives the probability that it stays non-dominated
among the front, draw by draw, and the probability that it dominates the DaCapo reference,
simulated with the same draws.
"""

from __future__ import annotations

import numpy as np

from ..search import pareto
from ..search.spec import StudySpec

#: A design "robustly" dominates the reference when it does in at least this share of the draws.
ROBUST_PROBABILITY = 0.9


def _per_draw(row_values: dict, draws: dict | None, spec: StudySpec, n: int) -> np.ndarray:
    """(N, objectives) values of one design: its draws where stored, else its constant value."""
    cols = [np.asarray(draws[o], dtype=float) if draws and o in draws else np.full(n, float(row_values[o]))
            for o in spec.objectives]
    return np.stack(cols, axis=1)


def robustness(front: list[dict], spec: StudySpec, reference: dict | None = None,
               reference_draws: dict | None = None) -> list[dict]:
    """Per front row (with its "draws"), p_nondominated and (with a reference) p_dominates_dacapo."""
    n = next((len(next(iter(r["draws"].values()))) for r in front if r.get("draws")), 0)
    if not n:
        return [{} for _ in front]
    values = np.stack([_per_draw(r, r.get("draws"), spec, n) for r in front])  # (F, N, K)
    losses = pareto.to_losses(values.reshape(-1, len(spec.objectives)), spec.directions).reshape(values.shape)
    stays = np.mean([pareto.nondominated(losses[:, d, :]) for d in range(n)], axis=0)
    out = [{"p_nondominated": float(p)} for p in stays]
    if reference is not None:
        ref = pareto.to_losses(_per_draw(reference, reference_draws, spec, n), spec.directions)  # (N, K)
        dominates = np.all(losses <= ref[None], axis=2) & np.any(losses < ref[None], axis=2)  # (F, N)
        for row, p in zip(out, dominates.mean(axis=1), strict=True):
            row["p_dominates_dacapo"] = float(p)
    return out
