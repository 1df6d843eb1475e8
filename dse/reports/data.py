"""What a report shows, gathered once from the storage: front, history, importances, references."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import optuna
from optuna.trial import TrialState

from accel import PLATFORMS

from ..search import detail, pareto
from ..search import study as st
from ..search.evaluate import evaluate
from ..search.export import trials_table
from ..search.spec import OBJECTIVES, StudySpec
from ..search.stopping import STOPPED_ATTR
from ..sim.curves import CurveBook
from ..sim.pairs import PAIRS
from ..sim.run import run_system
from .robustness import robustness

#: Significant digits of every number a report prints (the HTML table and pareto.csv agree).
DIGITS = 6
HISTORY_POINTS = 60


def fmt(value) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return ""
    if isinstance(value, float | np.floating):
        return f"{float(value):.{DIGITS}g}"
    return str(value)


@dataclass
class Reference:
    name: str
    metrics: dict[str, float]  # objective -> value (NaN where it does not apply, e.g. GPU area)
    draws: dict[str, list[float]] | None = None  # per uncertainty draw, where the study has draws


@dataclass
class ReportData:
    spec: StudySpec
    counts: dict[str, int]
    target: int
    objectives: list[str]
    front: list[dict]  # one row per Pareto design: trial, objectives, params, metrics
    hypervolume: float
    history: list[tuple[int, float]]  # (completed trials, hypervolume)
    importances: dict[str, dict[str, float]]
    references: list[Reference] = field(default_factory=list)
    dominating_dacapo: list[dict] = field(default_factory=list)
    stopped: dict | None = None  # why the study stopped before its budget (`stopping.STOPPED_ATTR`)
    table: object = None  # pyarrow Table of all trials


def _row(t: optuna.trial.FrozenTrial, spec: StudySpec, extra: dict | None = None) -> dict:
    row = {"trial": t.number, **dict(zip(spec.objectives, t.values, strict=True))}
    row.update({f"param.{k}": v for k, v in t.params.items()})
    row.update({f"metric.{k}": v for k, v in t.user_attrs.get("metrics", {}).items() if k not in spec.objectives})
    row.update({f"metric.{k}": v for k, v in (extra or {}).items() if not k.startswith("draws.")})
    draws = detail.draws_of(extra or {}) or t.user_attrs.get("draws")
    if draws:
        row["draws"] = draws
    return row


def _history(trials: list, spec: StudySpec) -> list[tuple[int, float]]:
    values = np.array([t.values for t in trials], dtype=float).reshape(len(trials), len(spec.objectives))
    ok = np.array([st.feasible(t) for t in trials], dtype=bool)
    losses = pareto.to_losses(values, spec.directions)
    ref = spec.reference_losses()
    marks = sorted({int(x) for x in np.linspace(1, len(trials), min(HISTORY_POINTS, len(trials)))})
    return [(m, pareto.hypervolume(losses[:m][ok[:m]], ref)) for m in marks] if trials else []


def _importances(study: optuna.Study, spec: StudySpec, n_complete: int) -> dict[str, dict[str, float]]:
    if n_complete < 10:
        return {}
    out = {}
    for i, o in enumerate(spec.objectives):
        sign = -1.0 if spec.directions[i] == "maximize" else 1.0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                out[o] = optuna.importance.get_param_importances(study, target=lambda t, i=i, s=sign: s * t.values[i])
            except (RuntimeError, ValueError):  # e.g. a single distinct value everywhere
                out[o] = {}
    return out


def references(spec: StudySpec, book: CurveBook) -> list[Reference]:
    """DaCapo's published design under its own policy, and the GPU baselines under Ekya (set up as
    in `dse reproduce dacapo`: the artifact's labeling rates and training recipes; only for
    DaCapo's model pairs, which those recipes are for)."""
    from .reproduce import EKYA_LABEL_FRACTION, system_run

    refs = []
    dacapo = evaluate(spec, [{"accel.preset": "dacapo", "policy": "dacapo-spatiotemporal"}], book)[0]
    if dacapo.metrics is not None:
        refs.append(Reference("DaCapo (published design, dacapo-spatiotemporal)", dacapo.metrics, dacapo.draws))
    gpu = all(pair in EKYA_LABEL_FRACTION for pair in spec.pairs)
    for label, system in (("OrinLow-Ekya", "OrinLow-Ekya"), ("OrinHigh-Ekya", "OrinHigh-Ekya"),
                          ("RTX3090-Ekya", "RTX3090")) if gpu else ():
        acc, power = [], []
        for pair in spec.pairs:
            target, policy, params = system_run(system, pair)  # target: the GPU platform
            r = run_system(target, policy, params, *PAIRS[pair], spec.scenarios, not spec.vit_artifact, book)
            acc.append(r.geomean_accuracy[0] * 100)
            power.append(r.power_w[0])
        metrics = {o: np.nan for o in OBJECTIVES}
        metrics.update({"accuracy_pct": float(np.mean(acc)), "avg_power_w": float(np.mean(power)),
                        "peak_power_w": PLATFORMS[target].power_w,
                        "energy_per_frame_j": float(np.mean(power)) / 30.0})
        refs.append(Reference(label, metrics))
    return refs


def dominating(front: list[dict], ref: Reference, spec: StudySpec) -> list[dict]:
    """Front designs at least as good as `ref` on every objective and better on one, with margins."""
    out = []
    for row in front:
        better = []
        worse = False
        for o, d in zip(spec.objectives, spec.directions, strict=True):
            delta = (row[o] - ref.metrics[o]) * (1 if d == "maximize" else -1)
            worse |= delta < 0
            better.append(delta > 0)
        if not worse and any(better):
            out.append({"trial": row["trial"], **{f"{o} vs DaCapo": row[o] - ref.metrics[o] for o in spec.objectives},
                        **({"p_dominates_dacapo": row["p_dominates_dacapo"]} if "p_dominates_dacapo" in row else {})})
    return out


def gather(name: str, storage: str | None, with_references: bool = True) -> ReportData:
    study = st.load(name, storage)
    spec = st.spec_of(study)
    counts = st._counts(study)
    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    best, hv = st.front(study, spec)
    extra = st.details(name, storage)
    front = sorted((_row(t, spec, extra.get(t.number)) for t in best), key=lambda r: -r[spec.objectives[0]]
                   if spec.directions[0] == "maximize" else r[spec.objectives[0]])
    book = CurveBook(spec.proxies)
    refs = references(spec, book) if with_references else []
    data = ReportData(spec, counts, int(study.user_attrs[st.TARGET_ATTR]), list(spec.objectives), front, hv,
                      _history(complete, spec), _importances(study, spec, len(complete)), refs,
                      table=trials_table(study, spec, extra), stopped=study.user_attrs.get(STOPPED_ATTR))
    dacapo = refs[0] if refs and refs[0].name.startswith("DaCapo") else None
    for row, extra in zip(front, robustness(front, spec, dacapo.metrics if dacapo else None,
                                            dacapo.draws if dacapo else None), strict=True):
        row.pop("draws", None)
        row.update(extra)
    if refs:
        data.dominating_dacapo = dominating(front, refs[0], spec)
    return data
