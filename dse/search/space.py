"""The search space: Optuna parameters <-> a `Design` batch plus policy parameter arrays.

Parameter names: `accel.<field>` for the accelerator, `policy` for the policy (a categorical
over the study's policies), `<policy>.<param>` for a policy's own parameters (conditional on
it). List-valued choices (precision-mode sets) travel through Optuna as `"mx4+mx6+mx9"`.
"""

from __future__ import annotations

from typing import Any

import optuna

from .spec import Dist, StudySpec

POLICY_PARAM = "policy"


def _encode(value: Any) -> Any:
    return "+".join(value) if isinstance(value, tuple | list) else value


def _decode(key: str, value: Any) -> Any:
    if key == "precision_modes" and isinstance(value, str):
        return value.split("+")
    return value


def _suggest(trial: optuna.Trial, name: str, dist: Dist) -> Any:
    if dist.kind == "fixed":
        return dist.value
    if dist.kind == "categorical":
        return trial.suggest_categorical(name, [_encode(c) for c in dist.choices])
    if dist.kind == "int":
        return trial.suggest_int(name, int(dist.low), int(dist.high), step=int(dist.step or 1), log=dist.log)
    return trial.suggest_float(name, dist.low, dist.high, step=dist.step, log=dist.log)


def suggest(trial: optuna.Trial, spec: StudySpec) -> dict[str, Any]:
    """Sample one candidate (define-by-run, so policy parameters are conditional)."""
    values = {f"accel.{key}": _suggest(trial, f"accel.{key}", dist) for key, dist in spec.accel.items()}
    return {**values, **suggest_policy(trial, spec)}


def suggest_policy(trial: optuna.Trial, spec: StudySpec) -> dict[str, Any]:
    """The policy (a categorical when the study has several) and its own parameters."""
    names = list(spec.policies)
    policy = names[0] if len(names) == 1 else trial.suggest_categorical(POLICY_PARAM, names)
    values: dict[str, Any] = {POLICY_PARAM: policy}
    for key, dist in spec.policies[policy].items():
        values[f"{policy}.{key}"] = _suggest(trial, f"{policy}.{key}", dist)
    return values


def design_record(values: dict[str, Any]) -> dict[str, Any]:
    record = {k.split(".", 1)[1]: _decode(k.split(".", 1)[1], v) for k, v in values.items() if k.startswith("accel.")}
    record.setdefault("preset", "dacapo")
    return record


def policy_params(values: dict[str, Any]) -> dict[str, Any]:
    policy = values[POLICY_PARAM]
    prefix = f"{policy}."
    return {k[len(prefix):]: v for k, v in values.items() if k.startswith(prefix)}


def grid_points(spec: StudySpec) -> list[dict[str, Any]]:
    """Every combination of a grid study (per policy, as its parameters are conditional), in the
    form `Study.enqueue_trial` takes; checked discrete by dse.spec."""
    import itertools

    accel = {f"accel.{k}": [_encode(v) for v in d.values()] for k, d in spec.accel.items() if d.kind != "fixed"}
    points = []
    for policy, params in spec.policies.items():
        space = dict(accel)
        if len(spec.policies) > 1:
            space[POLICY_PARAM] = [policy]
        space.update({f"{policy}.{k}": d.values() for k, d in params.items() if d.kind != "fixed"})
        keys = list(space)
        points += [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*space.values())]
    return points
