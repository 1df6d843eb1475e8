"""Uncertainty draws: the proxies' curve parameters and the simulator's constants, drawn
together and simulated in one batch with the candidates (candidate-major: row c * N + d is draw
d of candidate c). How each parameter is drawn is in docs/proxies.md, "Uncertainty"."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import DseError
from .curves import SD_COLUMNS
from .params import SimParams, draw_params

#: The percentiles an interval reports.
LOW_PCT, HIGH_PCT = 5.0, 95.0


@dataclass(frozen=True)
class Draws:
    """N joint draws: `z` (N, 5) standard normals for the curve parameters (`SD_COLUMNS`
    order), and the simulator's constants (`params`, arrays of N)."""

    z: np.ndarray
    params: SimParams

    @property
    def n(self) -> int:
        return len(self.z)

    @classmethod
    def sample(cls, n: int, seed: int = 0, spread: float = 1.0, point: SimParams | None = None) -> Draws:
        """n seeded draws around the point constants `point` (default: the shipped ones).
        `spread` scales every stated uncertainty (1: as stated; 0: every draw is the point)."""
        if not isinstance(n, int | np.integer) or n < 1:
            raise DseError("uncertainty", f"must be a number of draws >= 1, got {n!r}")
        if not 0.0 <= spread <= 10.0:
            raise DseError("uncertainty.spread", f"must be in [0, 10], got {spread!r}")
        rng = np.random.default_rng(seed)
        z = rng.standard_normal((n, len(SD_COLUMNS))) * spread
        point = point or SimParams()
        drawn = draw_params(rng, n, point)
        scaled = {name: np.asarray(getattr(point, name)) + spread * (getattr(drawn, name) - getattr(point, name))
                  for name in ("drift_transfer", "full_data_samples", "data_exponent")}
        if spread > 1.0:  # keep scaled constants inside their valid ranges
            scaled["drift_transfer"] = np.clip(scaled["drift_transfer"], 0.0, 1.0)
            scaled["full_data_samples"] = np.maximum(scaled["full_data_samples"], 1.0)
            scaled["data_exponent"] = np.maximum(scaled["data_exponent"], 1e-3)
        return cls(z, SimParams(**scaled, step_s=point.step_s))

    def rows(self, n_candidates: int) -> np.ndarray:
        """(C * N,) each simulated row's draw."""
        return np.tile(np.arange(self.n), n_candidates)

    def candidates(self, n_candidates: int) -> np.ndarray:
        """(C * N,) each simulated row's candidate."""
        return np.repeat(np.arange(n_candidates), self.n)

    def params_for(self, n_candidates: int) -> SimParams:
        """The drawn constants for C candidates x N draws (candidate-major)."""
        p = self.params

        def tiled(value) -> np.ndarray:
            return np.tile(np.broadcast_to(np.asarray(value, dtype=np.float64), (self.n,)), n_candidates)

        return SimParams(tiled(p.drift_transfer), tiled(p.full_data_samples), tiled(p.data_exponent), p.step_s)


def by_candidate(values: np.ndarray, n_draws: int) -> np.ndarray:
    """(C * N, ...) rows -> (C, N, ...)."""
    values = np.asarray(values)
    return values.reshape((-1, n_draws) + values.shape[1:])


def interval(values: np.ndarray, axis: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(median, 5th, 95th percentile) along the draws axis."""
    median, low, high = np.percentile(values, [50.0, LOW_PCT, HIGH_PCT], axis=axis)
    return median, low, high
