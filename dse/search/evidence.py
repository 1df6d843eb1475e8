"""Evidence that the search pays off: hypervolume against evaluations and wall time, per sampler
and seed, joint against sequential co-design, and a study against a plain sweep of equal time.

Every run here is an in-memory study (no storage: the figures measure the search, not the
journal), driven by the same batched ask/evaluate/tell as `dse study start`. Hypervolume is taken
after every batch over the feasible trials so far, with the study's reference point, and divided
by the hypervolume of a reference front (a large sweep, or the exact grid).
"""

from __future__ import annotations

import dataclasses
import time
import warnings
from collections.abc import Callable

import numpy as np
import optuna
import pyarrow as pa

from ..errors import DseError
from ..sim.curves import CurveBook
from . import pareto
from .evaluate import evaluate
from .samplers import make_sampler
from .space import suggest, suggest_policy
from .spec import Dist, StudySpec
from .study import tell_outcome
from .sweep import chunks

#: Samplers `compare_samplers` runs when none are named: every multi-objective sampler Optuna
#: ships that runs at these budgets (tpe: minutes per 2,000 trials; gp: PyTorch); qmc needs SciPy.
DEFAULT_SAMPLERS = ("nsga2", "nsga3", "random", "qmc")


def default_samplers() -> tuple[tuple[str, ...], str | None]:
    """`DEFAULT_SAMPLERS` that can run in this install, and a note on any left out."""
    import importlib.util

    if importlib.util.find_spec("scipy") is None:
        note = "qmc left out: it needs SciPy (pip install 'cl-dse[qmc]')"
        return tuple(s for s in DEFAULT_SAMPLERS if s != "qmc"), note
    return DEFAULT_SAMPLERS, None


#: Bootstrap resamples for confidence intervals (seeded, so a report is reproducible).
BOOTSTRAP = 10_000


@dataclasses.dataclass
class Curve:
    """Hypervolume after each batch of one run: evaluations so far, seconds so far (search and
    evaluation; the hypervolume bookkeeping itself excluded), hypervolume."""

    label: str
    seed: int
    evaluations: np.ndarray
    seconds: np.ndarray
    hypervolume: np.ndarray


class FrontTracker:
    """The feasible non-dominated set so far and its hypervolume, updated batch by batch."""

    def __init__(self, spec: StudySpec):
        self.directions = spec.directions
        self.objectives = spec.objectives
        self.limits = spec.limits()
        self.ref = spec.reference_losses()
        self.front = np.zeros((0, len(spec.objectives)))
        self.candidates: list[dict] = []  # the candidate behind each front point

    def add(self, metrics: list[dict | None], candidates: list[dict] | None = None) -> float:
        keep = [i for i, m in enumerate(metrics)
                if m is not None and all(m[k] <= v for k, v in self.limits.items())
                and all(np.isfinite(m[o]) for o in self.objectives)]
        if keep:
            rows = np.array([[metrics[i][o] for o in self.objectives] for i in keep], dtype=float)
            pts = np.vstack([self.front, pareto.to_losses(rows, self.directions)])
            payload = self.candidates + [candidates[i] if candidates else {} for i in keep]
            mask = pareto.nondominated(pts)
            self.front = pts[mask]
            self.candidates = [c for c, m in zip(payload, mask, strict=True) if m]
        return pareto.hypervolume(self.front, self.ref)

    def spread(self, top: int) -> list[dict]:
        """Up to `top` front candidates, evenly spaced along the first objective."""
        order = np.argsort(self.front[:, 0], kind="stable") if len(self.front) else np.zeros(0, int)
        picks = np.unique(np.linspace(0, len(order) - 1, min(top, len(order))).round().astype(int))
        return [self.candidates[order[i]] for i in picks] if len(order) else []


def with_sampler(spec: StudySpec, sampler: str) -> StudySpec:
    """The study with another sampler; the population size carries over between the genetic ones."""
    genetic = {"nsga2", "nsga3"}
    options = dict(spec.sampler_options) if sampler in genetic and spec.sampler in genetic else {}
    return dataclasses.replace(spec, sampler=sampler, sampler_options=options)


def run_curve(spec: StudySpec, sampler: str, seed: int, n_trials: int, label: str | None = None,
              enqueue: list[dict] = (), propose: Callable | None = None, tracker: FrontTracker | None = None,
              clock_start: float = 0.0, evaluations_start: int = 0, time_limit_s: float = float("inf"),
              ) -> tuple[Curve, FrontTracker, optuna.Study]:
    """One in-memory study of `n_trials` (or until its clock passes `time_limit_s`), batch by
    batch; `propose(trial)` replaces `suggest`; `enqueue` seeds it with candidates first."""
    run_spec = with_sampler(spec, sampler)
    study = optuna.create_study(directions=spec.directions, sampler=make_sampler(run_spec, seed))
    for params in enqueue:
        study.enqueue_trial(params, skip_if_exists=True)
    book = CurveBook(spec.proxies)
    tracker = tracker or FrontTracker(spec)
    evals, secs, hvs = [], [], []
    done, clock = 0, clock_start
    while done < n_trials and clock < time_limit_s:
        start = time.perf_counter()
        asked = [study.ask() for _ in range(min(spec.batch_size, n_trials - done))]
        candidates = [(propose or (lambda t: suggest(t, run_spec)))(t) for t in asked]
        outcomes = evaluate(spec, candidates, book)
        for t, o in zip(asked, outcomes, strict=True):
            tell_outcome(study, spec, t, o)
        clock += time.perf_counter() - start
        done += len(asked)
        evals.append(evaluations_start + done)
        secs.append(clock)
        hvs.append(tracker.add([o.metrics for o in outcomes]))
    curve = Curve(label or sampler, seed, np.array(evals), np.array(secs), np.array(hvs))
    return curve, tracker, study


def _fixed_policy(spec: StudySpec) -> StudySpec:
    """The study's first policy only, every parameter fixed at the policy's default."""
    from ..sim.policies import POLICIES

    name = next(iter(spec.policies))
    defaults = {k: Dist("fixed", value=POLICIES[name].params[k].default) for k in spec.policies[name]}
    return dataclasses.replace(spec, policies={name: defaults})


def _hardware_of(trial: optuna.trial.FrozenTrial, spec: StudySpec) -> dict:
    return {f"accel.{k}": (d.value if d.kind == "fixed" else trial.params[f"accel.{k}"]) for k, d in spec.accel.items()}


def run_sequential(spec: StudySpec, seed: int, n_trials: int, hardware_share: float = 0.5) -> Curve:
    """Size the hardware first, then tune the policy: `hardware_share` of the budget searches the
    accelerator with the first policy at its defaults; the rest searches the policy (which one,
    and its parameters) on the hardware of that phase's feasible Pareto designs. The curve runs
    over both phases, so the final hypervolume is the sequential workflow's whole front. When
    phase one finds no feasible design there is nothing to tune on, and the run ends there."""
    first = max(int(round(n_trials * hardware_share)), spec.batch_size)
    fixed = _fixed_policy(spec)
    curve1, tracker, study1 = run_curve(fixed, spec.sampler, seed, first, label="sequential")
    feasible = [t for t in study1.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
                if all(v <= 0 for v in t.constraints.values())]
    losses = pareto.to_losses(np.array([t.values for t in feasible], dtype=float).reshape(-1, len(spec.objectives)),
                              spec.directions)
    best = [t for t, keep in zip(feasible, pareto.nondominated(losses), strict=True) if keep] or feasible[:1]
    designs = list({tuple(sorted(_hardware_of(t, spec).items())): _hardware_of(t, spec) for t in best}.values())
    if not designs or n_trials - first <= 0:
        return curve1

    def propose(trial: optuna.Trial) -> dict:
        index = trial.suggest_categorical("hardware", list(range(len(designs)))) if len(designs) > 1 else 0
        return {**designs[index], **suggest_policy(trial, spec)}

    curve2, _, _ = run_curve(spec, spec.sampler, seed + 1, n_trials - first, propose=propose, tracker=tracker,
                             clock_start=float(curve1.seconds[-1]), evaluations_start=first)
    return Curve("sequential", seed, np.concatenate([curve1.evaluations, curve2.evaluations]),
                 np.concatenate([curve1.seconds, curve2.seconds]),
                 np.concatenate([curve1.hypervolume, curve2.hypervolume]))


def run_sweep_curve(spec: StudySpec, seed: int, samples: int, label: str = "sweep",
                    time_limit_s: float = float("inf")) -> tuple[Curve, FrontTracker]:
    """A Latin-hypercube sweep evaluated in this process, chunk by chunk as `dse sweep` does (the
    same candidates and chunk size): hypervolume against candidates evaluated and seconds spent.
    The curve has one point per chunk, so the sweep is credited only for finished chunks."""
    book = CurveBook(spec.proxies)
    tracker = FrontTracker(spec)
    evals, secs, hvs = [], [], []
    clock = 0.0
    done = 0
    for _, make in chunks(spec, False, samples, seed):
        if clock >= time_limit_s:
            break
        start = time.perf_counter()
        candidates = make()
        outcomes = evaluate(spec, candidates, book)
        clock += time.perf_counter() - start
        done += len(candidates)
        evals.append(done)
        secs.append(clock)
        hvs.append(tracker.add([o.metrics for o in outcomes], candidates))
    return Curve(label, seed, np.array(evals), np.array(secs), np.array(hvs)), tracker


def curves_table(curves: list[Curve], reference_hv: float) -> pa.Table:
    """Long table: one row per run and batch (the Parquet the comparison writes)."""
    rows: dict[str, list] = {"run": [], "seed": [], "evaluations": [], "seconds": [], "hypervolume": [],
                             "hv_fraction": []}
    for c in curves:
        n = len(c.evaluations)
        rows["run"] += [c.label] * n
        rows["seed"] += [c.seed] * n
        rows["evaluations"] += c.evaluations.tolist()
        rows["seconds"] += c.seconds.tolist()
        rows["hypervolume"] += c.hypervolume.tolist()
        rows["hv_fraction"] += (c.hypervolume / reference_hv).tolist()
    return pa.table(rows)


def bootstrap_ci(values, statistic=np.median, level: float = 0.95, seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap interval of `statistic` over `values` (seeded)."""
    values = np.asarray(values, dtype=float)
    if len(values) < 2:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    stats = statistic(values[rng.integers(0, len(values), (BOOTSTRAP, len(values)))], axis=1)
    lo, hi = np.quantile(stats, [(1 - level) / 2, 1 - (1 - level) / 2])
    return float(lo), float(hi)


def _step(xs: np.ndarray, ys: np.ndarray, x, before: float = 0.0):
    """A curve read as a step function: ys at the last xs at or before x (ascending xs), `before`
    ahead of its first point; x may be an array."""
    pos = np.searchsorted(xs, x, side="right") - 1
    if len(ys) == 0:
        return np.full(np.shape(x), before) if np.ndim(x) else before
    return np.where(pos >= 0, ys[np.clip(pos, 0, None)], before)


def band(table: pa.Table, run: str, at: np.ndarray, x: str = "evaluations") -> dict[str, np.ndarray]:
    """Median hypervolume fraction of `run` over seeds at each `at`, with a 95% bootstrap band of
    the median (each seed's curve is a step function: its value at the last batch before `at`)."""
    t = table.filter(pa.compute.equal(table["run"], run)).to_pydict()
    seeds = sorted(set(t["seed"]))
    per_seed = np.full((len(seeds), len(at)), np.nan)
    for i, s in enumerate(seeds):
        idx = [j for j, v in enumerate(t["seed"]) if v == s]
        xs = np.array([t[x][j] for j in idx], dtype=float)
        ys = np.array([t["hv_fraction"][j] for j in idx], dtype=float)
        per_seed[i] = _step(xs, ys, at)
    med = np.median(per_seed, axis=0)
    ci = np.array([bootstrap_ci(per_seed[:, k]) for k in range(len(at))]).reshape(len(at), 2)
    return {"at": np.asarray(at), "median": med, "low": ci[:, 0], "high": ci[:, 1], "per_seed": per_seed}


def trials_to_fraction(curve: Curve, reference_hv: float, fraction: float) -> float:
    """Evaluations after which a run first reaches `fraction` of the reference (inf: never)."""
    hit = np.flatnonzero(curve.hypervolume >= fraction * reference_hv)
    return float(curve.evaluations[hit[0]]) if len(hit) else float("inf")


def value_at(curve: Curve, evaluations: int) -> float:
    """Hypervolume after the last batch that ends at or before `evaluations`."""
    return float(_step(curve.evaluations, curve.hypervolume, evaluations))


def value_at_time(curve: Curve, seconds: float, added_s_per_evaluation: float = 0.0) -> float:
    """Hypervolume reached within `seconds`, had every evaluation cost `added_s_per_evaluation` more."""
    return float(_step(curve.seconds + curve.evaluations * added_s_per_evaluation, curve.hypervolume, seconds))


def reference_front(spec: StudySpec, path: str, samples: int, n_jobs: int = 2) -> tuple[float, str]:
    """Write the reference sweep to `path` (the exact grid when the space is discrete, else
    `samples` Latin-hypercube candidates) and return its hypervolume and what it was."""
    from .quality import sweep_hypervolume
    from .spec import not_discrete
    from .sweep import run_sweep

    grid = not not_discrete(spec)
    written = run_sweep(spec, path, grid, samples, n_jobs=n_jobs)
    return sweep_hypervolume(path, spec), f"{'grid' if grid else 'sweep'} of {written:,} candidates"


def _one_run(spec: StudySpec, sampler: str, seed: int, n_trials: int) -> Curve:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_curve(spec, sampler, seed, n_trials)[0]


def _one_sequential(spec: StudySpec, seed: int, n_trials: int) -> Curve:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_sequential(spec, seed, n_trials)


def compare_samplers(spec: StudySpec, samplers: list[str], seeds: list[int], n_trials: int,
                     n_jobs: int = 1) -> list[Curve]:
    """Every sampler on every seed at the same budget (joblib processes; each run is one process)."""
    from joblib import Parallel, delayed

    return Parallel(n_jobs=n_jobs)(delayed(_one_run)(spec, s, seed, n_trials) for s in samplers for seed in seeds)


def sequential_runs(spec: StudySpec, seeds: list[int], n_trials: int, n_jobs: int = 1) -> list[Curve]:
    from joblib import Parallel, delayed

    return Parallel(n_jobs=n_jobs)(delayed(_one_sequential)(spec, seed, n_trials) for seed in seeds)


def sampler_summary(curves: list[Curve], reference_hv: float, at: int) -> list[dict]:
    """Per sampler: median (and 95% bootstrap interval) hypervolume fraction after `at`
    evaluations, and median evaluations to reach 99% of the reference (inf when some seeds never do)."""
    out = []
    for label in dict.fromkeys(c.label for c in curves):
        mine = [c for c in curves if c.label == label]
        fractions = [value_at(c, at) / reference_hv for c in mine]
        reach = [trials_to_fraction(c, reference_hv, 0.99) for c in mine]
        lo, hi = bootstrap_ci(fractions)
        out.append({"sampler": label, "seeds": len(mine), "evaluations": at,
                    "hv_fraction_median": float(np.median(fractions)),
                    "hv_fraction_ci95_low": lo, "hv_fraction_ci95_high": hi,
                    "trials_to_99pct_median": float(np.median(reach)),
                    "seeds_reaching_99pct": int(np.isfinite(reach).sum()),
                    "seconds_median": float(np.median([value_at_seconds(c, at) for c in mine]))})
    return out


def value_at_seconds(curve: Curve, evaluations: int) -> float:
    """Seconds a run took for its first `evaluations`."""
    return float(_step(curve.evaluations, curve.seconds, evaluations))


def ratio(a: float, b: float) -> float:
    """a / b, where a zero b (nothing feasible found yet, or a sweep that finished no chunk in the
    time) gives inf when a is positive and nan when both are zero."""
    if b > 0:
        return a / b
    return float("inf") if a > 0 else float("nan")


def joint_over_sequential(joint: list[Curve], sequential: list[Curve], at: int) -> dict:
    """Per-seed ratio of the joint run's hypervolume to the sequential run's, at `at` evaluations
    each: median and 95% bootstrap interval of the median."""
    by_seed = {c.seed: c for c in sequential}
    ratios = [ratio(value_at(j, at), value_at(by_seed[j.seed], at)) for j in joint if j.seed in by_seed]
    lo, hi = bootstrap_ci(ratios)
    return {"ratios": ratios, "median": float(np.median(ratios)), "ci95": [lo, hi]}


def equal_time(spec: StudySpec, sampler: str, seed: int, n_trials: int, top: int | None = None,
               sweep_share: float = 0.5) -> dict:
    """A study of `n_trials` against a sweep, and against sweep-then-study, each given the study's
    wall time T in this one process: the sweep evaluates Latin-hypercube candidates until T; the
    sweep-then-study sweeps for `sweep_share` of T, seeds a study with `top` of its front
    (default: one batch) and runs the study for the rest. Returns the three curves and T."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study, _, _ = run_curve(spec, sampler, seed, n_trials)
        limit = float(study.seconds[-1])
        sweep, _ = run_sweep_curve(spec, seed, 10_000_000, time_limit_s=limit)
        first, tracker = run_sweep_curve(spec, seed, 10_000_000, label="sweep-then-study",
                                         time_limit_s=sweep_share * limit)
        seeds_for_study = tracker.spread(top or spec.batch_size)
        second, _, _ = run_curve(spec, sampler, seed, 10_000_000, enqueue=seeds_for_study, tracker=tracker,
                                 clock_start=float(first.seconds[-1]), evaluations_start=int(first.evaluations[-1]),
                                 time_limit_s=limit)
    both = Curve("sweep-then-study", seed, np.concatenate([first.evaluations, second.evaluations]),
                 np.concatenate([first.seconds, second.seconds]),
                 np.concatenate([first.hypervolume, second.hypervolume]))
    study.label = "study"
    return {"seconds": limit, "curves": [study, sweep, both]}


def crossover(study: Curve, sweep: Curve, n_trials: int, grid_s: np.ndarray | None = None) -> dict:
    """How much an evaluation must cost before the study beats a sweep of equal time: for each
    added cost per evaluation, the study's hypervolume after `n_trials` over the sweep's at the
    study's (longer) time. Both curves are measured; only the added cost is assumed."""
    grid_s = np.geomspace(1e-5, 1.0, 41) if grid_s is None else grid_s
    grid_s = np.concatenate([[0.0], grid_s])
    ratios = []
    for added in grid_s:
        t = value_at_seconds(study, n_trials) + n_trials * added
        ratios.append(value_at(study, n_trials) / max(value_at_time(sweep, t, added), 1e-300))
    ratios = np.array(ratios)
    # the first added cost from which the study wins at every larger cost (robust to noise near the crossing)
    first = next((float(grid_s[i]) for i in range(len(ratios)) if np.all(ratios[i:] >= 1.0)), float("inf"))
    return {"added_s_per_evaluation": grid_s.tolist(), "study_over_sweep": ratios.tolist(), "crossover_s": first}


def seconds_per_draw(spec: StudySpec, candidates: int = 500, draws: int = 20, seed: int = 0) -> dict:
    """Measured cost of one uncertainty draw per candidate (evaluating `candidates` with and
    without `draws` draws) and of a plain evaluation."""
    from .sweep import sample_chunk

    batch = sample_chunk(spec, candidates, seed)
    book = CurveBook(spec.proxies)
    evaluate(spec, batch[:10], book)  # warm: compiled engine, scenarios, curves
    drawn = dataclasses.replace(spec, uncertainty=draws)
    evaluate(drawn, batch[:10], book)
    start = time.perf_counter()
    evaluate(spec, batch, book)
    plain = (time.perf_counter() - start) / candidates
    start = time.perf_counter()
    evaluate(drawn, batch, book)
    with_draws = (time.perf_counter() - start) / candidates
    return {"plain_s": plain, "per_draw_s": max(with_draws - plain, 0.0) / draws}


@dataclasses.dataclass
class Evidence:
    """What `search_evidence` measured; `figures` holds the bench's keys."""

    figures: dict
    reference: str
    reference_hv: float
    curves: list[Curve]
    samplers: list[dict]
    equal_time: list[dict]


def search_evidence(spec: StudySpec, samplers: list[str], seeds: int, n_trials: int, reference_path: str,
                    reference_samples: int | None, at: int = 2000, equal_time_seeds: int = 3,
                    sequential: bool = True, n_jobs: int = 2,
                    progress: Callable[[str], None] | None = None) -> Evidence:
    """Samplers over seeds, joint against sequential co-design, and a study against a sweep of
    equal time, all on `spec`, against a reference front: a sweep of `reference_samples`
    candidates written to `reference_path` (the exact grid when the space is discrete), or, with
    `reference_samples` None, the sweep file already there."""
    from .quality import sweep_hypervolume

    say = progress or (lambda _: None)
    seed_list = [spec.seed + i for i in range(seeds)]
    at = min(at, n_trials)
    if reference_samples is None:
        reference_hv, reference = sweep_hypervolume(reference_path, spec), f"the sweep file {reference_path}"
    else:
        say(f"reference front: {reference_samples:,} candidates")
        reference_hv, reference = reference_front(spec, reference_path, reference_samples, n_jobs)
    if not reference_hv > 0:
        raise DseError("--reference", "the reference front has no feasible candidate inside the hypervolume "
                                      "reference point", spec.path)
    say(f"{len(samplers)} samplers x {seeds} seeds x {n_trials:,} trials")
    curves = compare_samplers(spec, samplers, seed_list, n_trials, n_jobs)
    summary = sampler_summary(curves, reference_hv, at)
    best = max(summary, key=lambda r: r["hv_fraction_median"])
    # the `*_at_2000` keys (the bench's names) hold the values after `at` = min(2000, n_trials) trials
    figures: dict = {"seeds": float(seeds), "trials": float(n_trials), "at_trials": float(at), "reference": reference,
                     "best_sampler": best["sampler"], "hv_fraction_at_2000": best["hv_fraction_median"],
                     "hv_fraction_at_2000_ci95": [best["hv_fraction_ci95_low"], best["hv_fraction_ci95_high"]],
                     "trials_to_99pct": best["trials_to_99pct_median"]}
    figures |= {f"hv_fraction_at_2000_{r['sampler']}": r["hv_fraction_median"] for r in summary}
    figures |= {f"trials_to_99pct_{r['sampler']}": r["trials_to_99pct_median"] for r in summary}
    if sequential:
        say(f"sequential co-design: {seeds} seeds x {at:,} trials")
        joint = [c for c in curves if c.label == spec.sampler] or compare_samplers(
            spec, [spec.sampler], seed_list, at, n_jobs)
        seq = sequential_runs(spec, seed_list, at, n_jobs)
        versus = joint_over_sequential(joint, seq, at)
        figures |= {"joint_over_sequential_hv": versus["median"], "joint_over_sequential_ci95": versus["ci95"],
                     "joint_over_sequential_per_seed": versus["ratios"]}
        curves += seq
    timed = []
    if equal_time_seeds:
        say(f"equal wall time: {equal_time_seeds} seeds, one process each")
        ratios, then_ratios, crossings = [], [], []
        for seed in seed_list[:equal_time_seeds]:
            run = equal_time(spec, best["sampler"], seed, at)
            study, sweep, both = run["curves"]
            t = run["seconds"]
            ratios.append(ratio(value_at(study, at), value_at_time(sweep, t)))
            then_ratios.append(ratio(value_at_time(both, t), value_at_time(sweep, t)))
            crossings.append(crossover(study, sweep, at)["crossover_s"])
            reached = sweep.evaluations[sweep.seconds <= t]
            timed.append({"seed": seed, "seconds": t, "study_hv": value_at(study, at),
                          "sweep_hv": value_at_time(sweep, t), "sweep_then_study_hv": value_at_time(both, t),
                          "sweep_evaluations": int(reached[-1]) if len(reached) else 0})
            curves += [dataclasses.replace(c, label=f"{c.label} (equal time)") for c in run["curves"]]
        cost = seconds_per_draw(spec)
        crossing = float(np.median(crossings))
        figures |= {"study_over_sweep_hv_equal_time": float(np.median(ratios)),
                    "sweep_then_study_over_sweep_hv_equal_time": float(np.median(then_ratios)),
                    "equal_time_s": float(np.median([r["seconds"] for r in timed])),
                    "crossover_s_per_evaluation": crossing, "evaluation_s": cost["plain_s"],
                    "draw_s": cost["per_draw_s"],
                    "crossover_draws": crossing / cost["per_draw_s"] if cost["per_draw_s"] > 0 else float("inf")}
    return Evidence(figures, reference, reference_hv, curves, summary, timed)
