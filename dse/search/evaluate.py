"""Evaluate a batch of candidates (parameter dicts) in as few vectorized calls as possible.

Candidates are grouped by policy; each group is one `Design` batch and one simulation per model
pair. A candidate whose design is invalid (e.g. a granularity that does not divide its rows) or
that cannot run is returned as failed with the reason, never raised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accel import FORMAT_NAMES, AccelError, Design, area_mm2, peak_power_w
from workloads.scenarios import load_scenario

from ..errors import DseError
from ..sim.costs import accel_pair_costs
from ..sim.curves import CurveBook
from ..sim.pairs import PAIRS
from ..sim.params import SimParams
from ..sim.policies import POLICIES
from ..sim.simulate import simulate
from .space import POLICY_PARAM, design_record, policy_params
from .spec import StudySpec


@dataclass
class Outcome:
    metrics: dict[str, float] | None  # None when the candidate failed
    reason: str = ""


def _designs(records: list[dict]) -> tuple[Design | None, list[int], dict[int, str]]:
    """A batch of the valid records, their indices, and the reasons of the invalid ones."""
    try:
        return Design.from_records(records), list(range(len(records))), {}
    except AccelError:
        pass
    good, bad = [], {}
    for i, record in enumerate(records):
        try:
            Design.from_records([record])
            good.append(i)
        except AccelError as err:
            bad[i] = f"invalid design: {err.field}: {err.problem}"
    return (Design.from_records([records[i] for i in good]) if good else None), good, bad


def _unsupported_formats(design: Design, policy: str, params: list[dict]) -> dict[int, str]:
    """Rows whose policy parameters name a number format their design does not support."""
    bad: dict[int, str] = {}
    for key, spec in POLICIES[policy].params.items():
        if not spec.choices or not set(spec.choices) <= set(FORMAT_NAMES):
            continue
        chosen = np.array([p.get(key, spec.default) for p in params], dtype=object)
        for fmt in dict.fromkeys(chosen.tolist()):
            rows = np.flatnonzero((chosen == fmt) & ~design.supports(FORMAT_NAMES.index(fmt)))
            for row in rows.tolist():
                bad.setdefault(row, f"{policy}.{key} = {fmt} is not among the design's precision modes")
    return dict(sorted(bad.items()))


def evaluate(spec: StudySpec, candidates: list[dict], book: CurveBook | None = None) -> list[Outcome]:
    book = book or CurveBook(spec.proxies)
    outcomes: list[Outcome | None] = [None] * len(candidates)
    for policy in dict.fromkeys(c[POLICY_PARAM] for c in candidates):
        members = [i for i, c in enumerate(candidates) if c[POLICY_PARAM] == policy]
        design, good, bad = _designs([design_record(candidates[i]) for i in members])
        for j, reason in bad.items():
            outcomes[members[j]] = Outcome(None, reason)
        if design is None:
            continue
        all_params = [policy_params(candidates[members[j]]) for j in good]
        unsupported = _unsupported_formats(design, policy, all_params)
        for row, reason in unsupported.items():
            outcomes[members[good[row]]] = Outcome(None, reason)
        keep = [row for row in range(len(good)) if row not in unsupported]
        if not keep:
            continue
        if len(keep) < len(good):
            design = design.take(keep)
        idx = [members[good[row]] for row in keep]
        params = [all_params[row] for row in keep]
        arrays = {k: np.array([p[k] for p in params], dtype=object if isinstance(params[0][k], str) else float)
                  for k in params[0]}
        try:
            metrics = score(design, policy, arrays, spec.pairs, spec.scenarios, book, vit_artifact=spec.vit_artifact,
                            seed=spec.seed)
        except (DseError, AccelError) as err:
            for i in idx:
                outcomes[i] = Outcome(None, str(err))
            continue
        for row, i in enumerate(idx):
            outcomes[i] = Outcome({k: float(v[row]) for k, v in metrics.items()})
    return [o if o is not None else Outcome(None, "not evaluated") for o in outcomes]


def score(design: Design, policy: str, params: dict, pairs: tuple[str, ...], scenarios: tuple[str, ...],
          book: CurveBook, *, vit_artifact: bool = False, seed: int = 0, sim_params: SimParams | None = None) -> dict:
    """Every metric a study can use, per candidate of `design` (one vectorized simulation per
    model pair): accuracy (mean over pairs of the geomean over scenarios), power, energy per
    frame, area, peak power, dropped frames, and each pair's per-scenario accuracy."""
    acc, power, dropped = [], [], []
    per_scenario: dict[str, np.ndarray] = {}
    for pair in pairs:
        student, teacher = PAIRS[pair]
        costs = accel_pair_costs(design, student, teacher, vit_attention=not vit_artifact,
                                 needs=POLICIES[policy].kernel_formats(params))
        result = simulate(costs, POLICIES[policy], params, student, teacher, scenarios, book, seed=seed,
                          params=sim_params)
        acc.append(result.geomean_accuracy * 100)
        power.append(result.power_w)
        dropped.append(result.dropped_fraction)
        for j, name in enumerate(scenarios):
            per_scenario[f"acc_{pair}_{name.rsplit('/', 1)[-1]}"] = result.scenario_accuracy[:, j] * 100
    fps = min(load_scenario(s).fps for s in scenarios)
    return {
        "accuracy_pct": np.mean(acc, axis=0),
        "avg_power_w": np.mean(power, axis=0),
        "energy_per_frame_j": np.mean(power, axis=0) / fps,  # energy per camera frame, all work included
        "area_mm2": area_mm2(design),
        "peak_power_w": peak_power_w(design),
        "dropped_fraction": np.max(dropped, axis=0),
        **per_scenario,
    }
