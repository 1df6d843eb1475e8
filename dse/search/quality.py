"""Search quality: the hypervolume a study's front reaches against an exhaustive sweep's."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from . import pareto
from .spec import StudySpec


def _column(table: pa.Table, name: str) -> np.ndarray:
    return table[name].to_numpy(zero_copy_only=False).astype(float)  # nulls (failed) become nan


def _feasible_mask(table: pa.Table, spec: StudySpec) -> np.ndarray:
    ok = ~table["failed"].to_numpy(zero_copy_only=False).astype(bool)
    for key, limit in spec.limits().items():
        with np.errstate(invalid="ignore"):
            ok &= _column(table, f"metric.{key}") <= limit
    return ok


def _read(path: str, spec: StudySpec) -> pa.Table:
    """Only the columns feasibility and the objectives need (a 10^6-candidate sweep stays cheap)."""
    names = pq.read_schema(path).names
    wanted = ["failed", *(f"metric.{k}" for k in (*spec.limits(), *spec.objectives))]
    return pq.read_table(path, columns=[c for c in dict.fromkeys(wanted) if c in names])


def _feasible_values(table: pa.Table, spec: StudySpec) -> np.ndarray:
    """Objective values (rows) of a sweep table's feasible candidates under the study's budgets."""
    if table.num_rows == 0 or "metric." + spec.objectives[0] not in table.column_names:
        return np.zeros((0, len(spec.objectives)))
    ok = _feasible_mask(table, spec)
    return np.column_stack([_column(table, f"metric.{o}")[ok] for o in spec.objectives])


def sweep_front(path: str, spec: StudySpec) -> list[dict]:
    """The feasible Pareto front of a sweep file, as objective dicts."""
    values = _feasible_values(_read(path, spec), spec)
    mask = pareto.nondominated(pareto.to_losses(values, spec.directions))
    return [dict(zip(spec.objectives, row, strict=True)) for row in values[mask]]


def sweep_hypervolume(path: str, spec: StudySpec) -> float:
    """Hypervolume of the feasible candidates of a sweep file, with the study's reference point."""
    losses = pareto.to_losses(_feasible_values(_read(path, spec), spec), spec.directions)
    ref = spec.reference_losses()
    return pareto.hypervolume(losses, ref)


def best_candidates(path: str, spec: StudySpec, top: int) -> list[dict]:
    """Parameters of the sweep's feasible Pareto candidates, best first by the first objective,
    typed as the study's distributions expect (the sweep file stores them as text)."""
    from .space import POLICY_PARAM, _encode

    table = pq.read_table(path)  # read once: the parameters, feasibility and objectives
    values = _feasible_values(table, spec)
    ok_rows = np.flatnonzero(_feasible_mask(table, spec))
    t = table.to_pydict()
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
