"""`SimParams`: the simulator's fitted and assumed constants, as one value passed in.

Nothing in the simulator reads a module global for these: `simulate(..., params=SimParams(...))`
carries them, per candidate, down to both engines. A field may be a scalar (every candidate)
or an array with one value per candidate, so draws of uncertain constants run in one batch.
Every number here was chosen while looking at a published result or is an assumption; where
each comes from, what it was compared against and the alternatives' scores are in
docs/calibration.md.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, fields

import numpy as np

from ..errors import DseError

#: Fraction of a student's adaptation (epochs of progress) that carries over a segment change
#: (`curves.carried_over`). CALIBRATED to DaCapo's Figure 9 (the 14 ResNet18/WRN50-2 and
#: ViT-B/32/ViT-B/16 geomeans, smallest largest error; least squares would give 0.17) by
#: `scripts/calibrate_transfer.py`; docs/calibration.md has the table.
DEFAULT_DRIFT_TRANSFER = 0.09
#: Samples of one training set that reach a curve's full adaptation: a window's labels at Ekya's
#: rate, 20.75% of 120 s x 30 FPS = 747 frames. An ASSUMPTION, kept over 3,600 (the RTX 3090
#: run's training set) because it agreed better with Figure 9 (docs/calibration.md).
DEFAULT_FULL_DATA_SAMPLES = 747.0
#: Share of the full gain a training set of n samples can reach: (n / full) ** exponent. From
#: Ekya's Table 1 (workloads/data/reference/ekya_summary.md): median gains on 10% / 50% / 100%
#: of the samples give exponents 0.185 and 0.222; 0.2 is their mean. Not fitted to DaCapo.
DEFAULT_DATA_EXPONENT = 0.2
#: Simulation step, s: the engines integrate each window on this grid, and a completed
#: retraining epoch moves accuracy from the next step on.
DEFAULT_STEP_S = 1.0


@dataclass(frozen=True)
class SimParams:
    """The simulator's constants. Each of the first three is a scalar or a (C,) array."""

    drift_transfer: float | np.ndarray = DEFAULT_DRIFT_TRANSFER
    full_data_samples: float | np.ndarray = DEFAULT_FULL_DATA_SAMPLES
    data_exponent: float | np.ndarray = DEFAULT_DATA_EXPONENT
    step_s: float = DEFAULT_STEP_S

    def __post_init__(self) -> None:
        checks = {"drift_transfer": (0.0, 1.0, "in [0, 1]"), "full_data_samples": (1.0, 1e7, "in [1, 1e7]"),
                  "data_exponent": (1e-6, 10.0, "in (0, 10]")}
        for name, (low, high, text) in checks.items():
            value = np.asarray(getattr(self, name), dtype=np.float64)
            if value.ndim > 1 or value.size == 0 or not np.all(np.isfinite(value)) or \
                    np.any(value < low) or np.any(value > high):
                raise DseError(f"params.{name}", f"must be a number or a 1-D array of numbers {text}, "
                                                 f"got {getattr(self, name)!r}")
        if not isinstance(self.step_s, int | float) or not math.isfinite(self.step_s) or not 0 < self.step_s <= 60:
            raise DseError("params.step_s", f"must be a number of seconds in (0, 60], got {self.step_s!r}")

    @classmethod
    def from_mapping(cls, values: dict | None) -> SimParams:
        """From a plain dict (a notebook's or a TOML table's); unknown keys are an error."""
        values = dict(values or {})
        known = [f.name for f in fields(cls)]
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise DseError(f"params.{unknown[0]}", f"unknown simulator parameter (known: {', '.join(known)})")
        return cls(**values)

    def resolve(self, n: int) -> SimArrays:
        """Per-candidate arrays for a batch of n candidates."""
        def per(name: str) -> np.ndarray:
            value = np.asarray(getattr(self, name), dtype=np.float64)
            if value.ndim == 1 and len(value) != n:
                raise DseError(f"params.{name}", f"has {len(value)} values for {n} candidates")
            return np.ascontiguousarray(np.broadcast_to(value, (n,)))

        full, exponent = per("full_data_samples"), per("data_exponent")
        pairs = np.stack([full, exponent], axis=1)
        unique, index = np.unique(pairs, axis=0, return_inverse=True)
        tables = [_cap_table(float(f), float(e)) for f, e in unique]
        width = max(len(t) for t in tables)
        stacked = np.full((len(tables), width), np.inf)  # past a table's own full set: no cap
        for i, t in enumerate(tables):
            stacked[i, :len(t)] = t
        return SimArrays(per("drift_transfer"), stacked, index.reshape(-1).astype(np.int64), float(self.step_s))

    def take(self, index) -> SimParams:
        """The parameters of some candidates (array fields indexed, scalars kept)."""
        def pick(v):
            return np.asarray(v)[index] if np.ndim(v) == 1 else v
        return SimParams(pick(self.drift_transfer), pick(self.full_data_samples), pick(self.data_exponent),
                         self.step_s)


@dataclass(frozen=True)
class SimArrays:
    """`SimParams` resolved for one batch: what the engines and policies read."""

    drift_transfer: np.ndarray  # (C,)
    cap_tables: np.ndarray  # (T, W): s / (1 - s) per whole training-set size, one row per (full, exponent)
    cap_index: np.ndarray  # (C,) each candidate's row of cap_tables
    step_s: float

    def cap_ratio(self, samples: np.ndarray) -> np.ndarray:
        """s / (1 - s) of the data-size cap for training sets of `samples` (rows: candidates;
        shape (C,) or (C, S)); inf where the set is full."""
        samples = np.asarray(samples, dtype=np.float64)
        n = np.minimum(np.floor(samples), self.cap_tables.shape[1] - 1).astype(np.int64)
        rows = self.cap_index.reshape((-1,) + (1,) * (samples.ndim - 1))
        return self.cap_tables[rows, n]


@functools.cache
def _cap_table(full: float, exponent: float) -> np.ndarray:
    """s / (1 - s) with s = (n / full) ** exponent for n = 0 .. ceil(full) whole samples (the last
    entry, and any larger set, is unbounded): the progress cap in units of b1 / b0, the same for
    every curve, so the engines look it up instead of taking a power every step."""
    n = np.arange(int(np.ceil(full)) + 1, dtype=np.float64)
    share = np.minimum(n / full, 1.0) ** exponent
    with np.errstate(divide="ignore"):
        table = np.where(share >= 1.0, np.inf, share / (1.0 - share))
    table.flags.writeable = False
    return table


#: How uncertain each constant is, for `--uncertainty` draws (docs/proxies.md, "Uncertainty";
#: docs/calibration.md, U1, says what each was compared against), around a point value p:
#: (distribution, how the range follows from p). Each range has its median at p; at the shipped
#: values: drift transfer on [0, 0.18] (a full reset to about the least-squares fit, 0.17),
#: full-data samples on [155, 3600] (up to every frame of a window, the RTX 3090 run's training
#: set), data exponent on [0.15, 0.25] (Ekya's Table 1 gives 0.185 and 0.222).
FULL_DATA_RATIO = 3600.0 / DEFAULT_FULL_DATA_SAMPLES
UNCERTAIN: dict[str, tuple[str, Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]]] = {
    "drift_transfer": ("uniform", lambda p: (0.0 * p, np.minimum(2.0 * p, 1.0))),
    "full_data_samples": ("log-uniform", lambda p: (np.maximum(p / FULL_DATA_RATIO, 1.0), p * FULL_DATA_RATIO)),
    "data_exponent": ("uniform", lambda p: (np.maximum(p - 0.05, 1e-3), p + 0.05)),
}


def draw_params(rng: np.random.Generator, n: int, point: SimParams | None = None) -> SimParams:
    """n draws of the uncertain constants (`UNCERTAIN`) around `point` (default: the shipped
    values; scalars), one array each."""
    point = point or SimParams()
    values = {}
    for name, (kind, bounds) in UNCERTAIN.items():
        low, high = bounds(np.asarray(getattr(point, name), dtype=np.float64))
        u = rng.random(n)
        values[name] = np.exp(np.log(low) + u * (np.log(high) - np.log(low))) if kind == "log-uniform" \
            else low + u * (high - low)
    return SimParams(**values, step_s=point.step_s)
