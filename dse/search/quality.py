"""Search quality: the hypervolume a study's front reaches against an exhaustive sweep's."""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq

from . import pareto
from .spec import StudySpec


def _feasible_mask(t: dict, spec: StudySpec) -> np.ndarray:
    ok = ~np.array(t["failed"], dtype=bool)
    for key, limit in spec.limits().items():
        values = np.array([np.nan if v is None else v for v in t[f"metric.{key}"]], dtype=float)
        ok &= values <= limit
    return ok


def _feasible_values(path: str, spec: StudySpec) -> np.ndarray:
    """Objective values (rows) of a sweep file's feasible candidates under the study's budgets."""
    t = pq.read_table(path).to_pydict()
    ok = _feasible_mask(t, spec)
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


def best_candidates(path: str, spec: StudySpec, top: int) -> list[dict]:
    """Parameters of the sweep's feasible Pareto candidates, best first by the first objective,
    typed as the study's distributions expect (the sweep file stores them as text)."""
    from .space import POLICY_PARAM, _encode

    t = pq.read_table(path).to_pydict()
    values = _feasible_values(path, spec)
    ok_rows = np.flatnonzero(_feasible_mask(t, spec))
    mask = pareto.nondominated(pareto.to_losses(values, spec.directions))
    rows = ok_rows[mask]
    sign = -1.0 if spec.directions[0] == "maximize" else 1.0
    rows = rows[np.argsort(sign * values[mask][:, 0], kind="stable")][:top]
    dists = {f"accel.{k}": d for k, d in spec.accel.items()}
    dists.update({f"{p}.{k}": d for p, params in spec.policies.items() for k, d in params.items()})
    out = []
    for r in rows:
        params = {}
        for column, cells in t.items():
            if not column.startswith("param.") or cells[r] is None:
                continue
            key = column.removeprefix("param.")
            if key == POLICY_PARAM:
                if len(spec.policies) > 1:
                    params[key] = cells[r]
                continue
            d = dists.get(key)
            if d is None or d.kind == "fixed":
                continue
            if d.kind == "categorical":
                params[key] = next(_encode(c) for c in d.choices if str(_encode(c)) == cells[r])
            else:
                params[key] = int(float(cells[r])) if d.kind == "int" else float(cells[r])
        out.append(params)
    return out
