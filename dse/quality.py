"""Search quality: the hypervolume a study's front reaches against an exhaustive sweep's."""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq

from . import pareto
from .spec import StudySpec


def _feasible_values(path: str, spec: StudySpec) -> np.ndarray:
    """Objective values (rows) of a sweep file's feasible candidates under the study's budgets."""
    t = pq.read_table(path).to_pydict()
    ok = ~np.array(t["failed"], dtype=bool)
    c = spec.constraints
    limits = {"dropped_fraction": c.get("max_dropped_fraction"), "area_mm2": c.get("max_area_mm2"),
              "peak_power_w": c.get("max_peak_power_w"), "avg_power_w": c.get("max_avg_power_w")}
    for key, limit in limits.items():
        if limit is not None:
            values = np.array([np.nan if v is None else v for v in t[f"metric.{key}"]], dtype=float)
            ok &= values <= limit
    values = np.array([[t[f"metric.{o}"][i] for o in spec.objectives] for i in np.flatnonzero(ok)], dtype=float)
    return values.reshape(-1, len(spec.objectives))


def sweep_front(path: str, spec: StudySpec) -> list[dict]:
    """The feasible Pareto front of a sweep file, as objective dicts."""
    values = _feasible_values(path, spec)
    mask = pareto.nondominated(pareto.to_losses(values, spec.directions))
    return [dict(zip(spec.objectives, row, strict=True)) for row in values[mask]]


def sweep_hypervolume(path: str, spec: StudySpec) -> float:
    """Hypervolume of the feasible candidates of a sweep file, with the study's reference point."""
    losses = pareto.to_losses(_feasible_values(path, spec), spec.directions)
    ref = pareto.to_losses(np.array([[spec.hypervolume_reference[o] for o in spec.objectives]]), spec.directions)[0]
    return pareto.hypervolume(losses, ref)
