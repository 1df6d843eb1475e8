"""Every trial of a study as one table: parameters, objectives, metrics, constraints."""

from __future__ import annotations

import optuna
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from workloads.files import atomic_path

from .spec import StudySpec


def trials_table(study: optuna.Study, spec: StudySpec, details: dict[int, dict] | None = None) -> pa.Table:
    """Every trial: parameters, objectives, metrics (with the study's detail file's per-scenario
    metrics, `details` from `detail.read`), constraints."""
    details = details or {}
    trials = study.get_trials(deepcopy=False)
    params = sorted({k for t in trials for k in t.params})
    metrics = sorted({k for t in trials for k in t.user_attrs.get("metrics", {})}
                     | {k for row in details.values() for k in row if not k.startswith("draws.")})
    constraints = sorted({k for t in trials for k in t.constraints})
    cols: dict[str, list] = {"trial": [], "state": [], "feasible": [], "fail_reason": [], "duration_s": []}
    cols.update({f"objective.{o}": [] for o in spec.objectives})
    cols.update({f"param.{p}": [] for p in params})
    cols.update({f"metric.{m}": [] for m in metrics})
    cols.update({f"constraint.{c}": [] for c in constraints})
    for t in trials:
        cols["trial"].append(t.number)
        cols["state"].append(t.state.name)
        complete = t.state == optuna.trial.TrialState.COMPLETE
        cols["feasible"].append(complete and all(v <= 0 for v in t.constraints.values()))
        cols["fail_reason"].append(t.user_attrs.get("fail_reason", ""))
        cols["duration_s"].append(t.duration.total_seconds() if t.duration else None)
        for i, o in enumerate(spec.objectives):
            cols[f"objective.{o}"].append(t.values[i] if t.values else None)
        for p in params:
            v = t.params.get(p)
            cols[f"param.{p}"].append(None if v is None else str(v) if isinstance(v, str) else float(v))
        m = {**t.user_attrs.get("metrics", {}),
             **{k: v for k, v in details.get(t.number, {}).items() if not k.startswith("draws.")}}
        for k in metrics:
            cols[f"metric.{k}"].append(m.get(k))
        for k in constraints:
            cols[f"constraint.{k}"].append(t.constraints.get(k))
    return pa.table(cols)


def write_table(table: pa.Table, path: str, fmt: str) -> None:
    """Write `table` as Parquet or CSV, atomically."""
    with atomic_path(path) as tmp:
        if fmt == "parquet":
            pq.write_table(table, tmp)
        else:
            pacsv.write_csv(table, tmp)
