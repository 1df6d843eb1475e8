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
from ..sim.uncertainty import Draws, by_candidate, interval
from .space import POLICY_PARAM, design_record, policy_params
from .spec import StudySpec

#: Metrics that vary with the uncertainty draws (the others depend on the design alone).
DRAWN_METRICS = ("accuracy_pct", "avg_power_w", "energy_per_frame_j", "dropped_fraction")


@dataclass
class Outcome:
    metrics: dict[str, float] | None  # None when the candidate failed
    reason: str = ""
    draws: dict[str, list[float]] | None = None  # per-draw values of DRAWN_METRICS (uncertainty draws)


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
                            seed=spec.seed, draws=spec_draws(spec))
        except (DseError, AccelError) as err:
            for i in idx:
                outcomes[i] = Outcome(None, str(err))
            continue
        per_draw = metrics.pop("draws", None)
        for row, i in enumerate(idx):
            draws = None if per_draw is None else {k: v[row].tolist() for k, v in per_draw.items()}
            outcomes[i] = Outcome({k: float(v[row]) for k, v in metrics.items()}, draws=draws)
    return [o if o is not None else Outcome(None, "not evaluated") for o in outcomes]


def score(design: Design, policy: str, params: dict, pairs: tuple[str, ...], scenarios: tuple[str, ...],
          book: CurveBook, *, vit_artifact: bool = False, seed: int = 0, sim_params: SimParams | None = None,
          draws: Draws | None = None) -> dict:
    """Every metric a study can use, per candidate of `design` (one vectorized simulation per
    model pair): accuracy (mean over pairs of the geomean over scenarios), power, energy per
    frame, area, peak power, dropped frames, and each pair's per-scenario accuracy. With
    `draws`, each is the median over the draws, accuracy_p05 / accuracy_p95 are added, and
    "draws" maps each of DRAWN_METRICS to a (C, N) array."""
    acc, power, dropped = [], [], []
    per_scenario: dict[str, np.ndarray] = {}
    for pair in pairs:
        student, teacher = PAIRS[pair]
        costs = accel_pair_costs(design, student, teacher, vit_attention=not vit_artifact,
                                 needs=POLICIES[policy].kernel_formats(params))
        result = simulate(costs, POLICIES[policy], params, student, teacher, scenarios, book, seed=seed,
                          params=sim_params, draws=draws)
        acc.append(result.geomean_accuracy * 100)
        power.append(result.power_w)
        dropped.append(result.dropped_fraction)
        for j, name in enumerate(scenarios):
            per_scenario[f"acc_{pair}_{name.rsplit('/', 1)[-1]}"] = result.scenario_accuracy[:, j] * 100
    fps = min(load_scenario(s).fps for s in scenarios)
    drawn = {"accuracy_pct": np.mean(acc, axis=0), "avg_power_w": np.mean(power, axis=0),
             "energy_per_frame_j": np.mean(power, axis=0) / fps,  # energy per camera frame, all work included
             "dropped_fraction": np.max(dropped, axis=0), **per_scenario}
    out = {"area_mm2": area_mm2(design), "peak_power_w": peak_power_w(design)}
    if draws is None:
        return {**drawn, **out}
    per = {k: by_candidate(v, draws.n) for k, v in drawn.items()}  # (C, N)
    out.update({k: np.median(v, axis=1) for k, v in per.items()})
    _, out["accuracy_p05"], out["accuracy_p95"] = interval(per["accuracy_pct"])
    out["draws"] = {k: per[k] for k in DRAWN_METRICS}
    return out


def spec_draws(spec: StudySpec) -> Draws | None:
    """The study's uncertainty draws (seeded by the study), or None."""
    return Draws.sample(spec.uncertainty, spec.seed) if spec.uncertainty else None
