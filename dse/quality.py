"""Search quality: the hypervolume a study's front reaches against an exhaustive sweep's."""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq

from . import pareto
from .spec import StudySpec


def sweep_hypervolume(path: str, spec: StudySpec) -> float:
    """Hypervolume of the feasible candidates of a sweep file, with the study's reference point."""
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
    losses = pareto.to_losses(values.reshape(-1, len(spec.objectives)), spec.directions)
    ref = pareto.to_losses(np.array([[spec.hypervolume_reference[o] for o in spec.objectives]]), spec.directions)[0]
    return pareto.hypervolume(losses, ref)
