"""The Python API that `import dse` exposes: every `dse` command as a function a notebook can call.

Results are `pyarrow.Table`s (call `.to_pandas()` with pandas installed) or small dataclasses.
Errors are `dse.DseError` (or the `accel`/`workloads` errors it wraps), with the field and the
bad value in the message, as the CLI prints them. See docs/api.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from .errors import DseError
from .sim.params import SimParams

if TYPE_CHECKING:
    from accel import Design

    from .reports import Written
    from .sim.simulate import SimResult

#: The scenarios DaCapo's geomean is taken over.
S1_TO_S6 = ("S1", "S2", "S3", "S4", "S5", "S6")


def _sim_params(value: SimParams | Mapping[str, Any] | None) -> SimParams | None:
    if value is None or isinstance(value, SimParams):
        return value
    return SimParams.from_mapping(dict(value))


def _design(design: Design | str | Sequence[Mapping[str, Any]]) -> Design:
    from accel import Design, load_design

    if isinstance(design, Design):
        return design
    if isinstance(design, str):
        return load_design(design)
    return Design.from_records([dict(r) for r in design])


def run_simulation(design: Design | str = "dacapo", policy: str = "dacapo-spatiotemporal",
                   pair: str = "resnet18-wrn50", scenarios: Sequence[str] = ("S1",),
                   params: Mapping[str, Any] | None = None, *, platform: str | None = None,
                   sim_params: SimParams | Mapping[str, Any] | None = None, proxies: str | None = None,
                   vit_artifact: bool = False, study: str | None = None, trial: int | None = None,
                   storage: str | None = None, seed: int = 0, engine: str | None = None,
                   record: int | None = None, uncertainty: int | None = None,
                   uncertainty_seed: int = 0) -> tuple[SimResult, str, str]:
    """The `SimResult` behind `simulate`, with the system's label and the policy run (for
    callers that want the arrays, the per-window detail or the timeline). With `uncertainty`
    N, its rows are C x N (candidate-major, `SimResult.n_draws`)."""
    from .sim.curves import CurveBook
    from .sim.pairs import resolve_pair
    from .sim.run import run_system
    from .sim.uncertainty import Draws

    student, teacher = resolve_pair(pair)
    if (study is None) != (trial is None):
        raise DseError("study/trial", "give both a study and a trial number, or neither")
    target: Any = platform or (design if isinstance(design, str) else _design(design))
    label = platform or (design if isinstance(design, str) else "design")
    if study is not None:
        from .search.study import trial_candidate

        target, policy, params, spec = trial_candidate(study, trial, storage)
        label, seed = f"{study} trial {trial}", spec.seed
        proxies = proxies or spec.proxies
    draws = None if not uncertainty else Draws.sample(int(uncertainty), uncertainty_seed)
    result = run_system(target, policy, params, student, teacher, tuple(scenarios), vit_attention=not vit_artifact,
                        book=CurveBook(proxies), record=record, params=_sim_params(sim_params), seed=seed,
                        engine=engine, draws=draws)
    return result, label, policy


def simulate(design: Design | str = "dacapo", policy: str = "dacapo-spatiotemporal", pair: str = "resnet18-wrn50",
             scenarios: Sequence[str] = ("S1",), params: Mapping[str, Any] | None = None, *,
             platform: str | None = None, sim_params: SimParams | Mapping[str, Any] | None = None,
             proxies: str | None = None, vit_artifact: bool = False, study: str | None = None,
             trial: int | None = None, storage: str | None = None, seed: int = 0, engine: str | None = None,
             windows: bool = False, uncertainty: int | None = None, uncertainty_seed: int = 0) -> pa.Table:
    """Simulate one system (or a batch of designs) under an allocation policy.

    `design` is a preset, a design TOML file or an `accel.Design` (a batch: one `candidate` per
    element); `platform` (orin-low, orin-high, rtx3090) runs a GPU instead. `params` are the
    policy's parameters (scalars, or one value per candidate); `sim_params` the simulator's
    constants (`SimParams` or a dict); `study`/`trial` take design, policy and parameters from a
    study's trial. Returns one row per (candidate, scenario): candidate, scenario, accuracy_pct
    (geomean over the evaluated windows), avg_power_w, energy_j, dropped_fraction. With
    `windows=True` (one candidate): one row per window, as `dse simulate --windows`. With
    `uncertainty=N`: N seeded draws of the proxies and the simulator's constants run together;
    accuracy_pct is their median, accuracy_p05 / accuracy_p95 the 5th / 95th percentiles, the
    other columns medians (docs/proxies.md, "Uncertainty").
    """
    if windows and uncertainty:
        raise DseError("windows", "per-window detail is for one run; drop the uncertainty draws")
    result, _, _ = run_simulation(design, policy, pair, scenarios, params, platform=platform, sim_params=sim_params,
                                  proxies=proxies, vit_artifact=vit_artifact, study=study, trial=trial,
                                  storage=storage, seed=seed, engine=engine, record=0 if windows else None,
                                  uncertainty=uncertainty, uncertainty_seed=uncertainty_seed)
    return window_table(result) if windows else scenario_table(result)


def scenario_table(result: SimResult) -> pa.Table:
    """One row per (candidate, scenario) of a `SimResult`: candidate, scenario, accuracy_pct,
    avg_power_w, energy_j, dropped_fraction; with draws, medians, plus accuracy_p05 and
    accuracy_p95."""
    from .sim.uncertainty import by_candidate, interval

    values = {"accuracy_pct": 100 * result.scenario_accuracy, "avg_power_w": result.scenario_power_w,
              "energy_j": result.energy_j, "dropped_fraction": 1.0 - result.processed}
    low = high = None
    if result.n_draws > 1:
        per = {k: by_candidate(v, result.n_draws) for k, v in values.items()}  # (C, N, S)
        values = {k: np.median(v, axis=1) for k, v in per.items()}
        values["accuracy_pct"], low, high = interval(per["accuracy_pct"])
    n, s = values["accuracy_pct"].shape
    columns = {"candidate": np.repeat(np.arange(n), s),
               "scenario": [name for _ in range(n) for name in result.scenarios],
               "accuracy_pct": values["accuracy_pct"].reshape(-1)}
    if low is not None:
        columns.update({"accuracy_p05": low.reshape(-1), "accuracy_p95": high.reshape(-1)})
    columns.update({k: values[k].reshape(-1) for k in ("avg_power_w", "energy_j", "dropped_fraction")})
    return pa.table(columns)


def summary_figures(result: SimResult) -> dict[str, float]:
    """The first candidate's figures over all scenarios: geomean and mean accuracy, dropped
    frames, average power; with draws, medians and the geomean's 5-95 % interval."""
    from .sim.uncertainty import by_candidate, interval

    n = result.n_draws
    first = {"geomean_accuracy_pct": 100 * result.geomean_accuracy, "mean_accuracy_pct": 100 * result.mean_accuracy,
             "dropped_frames_pct": 100 * result.dropped_fraction, "average_power_w": result.power_w}
    out = {k: float(np.median(by_candidate(v, n)[0])) for k, v in first.items()}
    if n > 1:
        median, low, high = interval(by_candidate(first["geomean_accuracy_pct"], n)[:1])
        out.update({"geomean_accuracy_pct": float(median[0]), "geomean_accuracy_p05": float(low[0]),
                    "geomean_accuracy_p95": float(high[0]), "draws": n})
    return out


def stored_detail(study: str, trial: int, storage: str | None = None) -> dict[str, float]:
    """What a study stored for one trial beside its journal (per-scenario accuracies, from the
    detail file) or in its attributes (database studies): to compare with a re-simulation."""
    from .search import study as st

    row = st.details(study, storage).get(trial)
    if row is None:
        loaded = st.load(study, storage)
        match = [t for t in loaded.get_trials(deepcopy=False) if t.number == trial]
        row = match[0].user_attrs.get("metrics", {}) if match else {}
    return {k: v for k, v in row.items() if k.startswith("acc_")}


def window_table(result: SimResult) -> pa.Table:
    """Per-window rows of the recorded candidate (0): scenario, window, segments, accuracy_pct,
    processed, labels, epochs, energy_j."""
    if result.window_labels is None:
        raise DseError("windows", "per-window detail needs a recorded candidate (record=0)")
    if result.window_accuracy.shape[0] != 1:
        raise DseError("windows", f"per-window detail is for one candidate, got {result.window_accuracy.shape[0]}")
    rows = []
    for j, name in enumerate(result.scenarios):
        for w in range(result.window_accuracy.shape[2]):
            if np.isnan(result.window_accuracy[0, j, w]):
                continue
            tl = next(t for t in result.timeline if t["scenario"] == name and t["window"] == w)
            rows.append({"scenario": name, "window": w, "segments": "/".join(map(str, np.unique(tl["segments"]))),
                         "accuracy_pct": 100 * float(result.window_accuracy[0, j, w]),
                         "processed": float(tl["processed"]), "labels": float(result.window_labels[0, j, w]),
                         "epochs": float(result.window_epochs[0, j, w]),
                         "energy_j": float(result.window_energy_j[0, j, w])})
    return pa.Table.from_pylist(rows)


def evaluate(designs: Design | str | Sequence[Mapping[str, Any]], policies: str | Sequence[str],
             params: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None, *,
             pairs: Sequence[str] = ("resnet18-wrn50",), scenarios: Sequence[str] = S1_TO_S6,
             sim_params: SimParams | Mapping[str, Any] | None = None, proxies: str | None = None,
             vit_artifact: bool = False, seed: int = 0) -> pa.Table:
    """Score a batch of candidates, vectorized: one simulation per (policy, model pair).

    `designs`: an `accel.Design` batch, a preset, or design records (dicts). `policies`: one
    policy for all, or one per candidate; `params`: with one policy, a dict of scalars or
    per-candidate arrays; with one policy per candidate, one dict per candidate. Returns one row
    per candidate: candidate, policy, accuracy_pct, avg_power_w, energy_per_frame_j, area_mm2,
    peak_power_w, dropped_fraction and acc_<pair>_<scenario>, the metrics a study optimizes.
    """
    from .search.evaluate import score
    from .sim.curves import CurveBook

    batch = _design(designs)
    n = len(batch)
    names = [policies] * n if isinstance(policies, str) else list(policies)
    if len(names) != n:
        raise DseError("policies", f"{len(names)} policies for {n} candidates")
    per_candidate = params is not None and not isinstance(params, Mapping)
    if per_candidate and len(params) != n:
        raise DseError("params", f"{len(params)} parameter sets for {n} candidates")
    book = CurveBook(proxies)
    sim = _sim_params(sim_params)
    columns: dict[str, np.ndarray] = {}
    for policy in dict.fromkeys(names):
        rows = np.flatnonzero(np.array(names) == policy)
        if per_candidate:
            group = [dict(params[i]) for i in rows]
            keys = dict.fromkeys(k for g in group for k in g)
            values = {k: np.array([g[k] for g in group], dtype=object if isinstance(group[0][k], str) else float)
                      for k in keys}
        else:
            values = {k: (np.asarray(v)[rows] if np.ndim(v) == 1 else v) for k, v in dict(params or {}).items()}
        metrics = score(batch.take(rows), policy, values, tuple(pairs), tuple(scenarios), book,
                        vit_artifact=vit_artifact, seed=seed, sim_params=None if sim is None else sim.take(rows))
        for key, value in metrics.items():
            columns.setdefault(key, np.full(n, np.nan))[rows] = value
    return pa.table({"candidate": np.arange(n), "policy": names, **columns})


def run_study(path_or_name: str, storage: str | None = None, n_trials: int | None = None, *, fresh: bool = False,
              n_jobs: int = 1, progress: Callable[[dict], None] | None = None, uncertainty: int | None = None) -> dict:
    """Create the study a file (or a shipped study name) describes and run it to its target;
    `fresh` replaces a study of the same name; `uncertainty` overrides the file's draws per
    candidate. Returns its status (`status`)."""
    from .search import study as st
    from .search.spec import load_spec
    from .search.storage import storage_exists

    spec = load_spec(path_or_name)
    if fresh and storage_exists(storage) and spec.name in {row["study"] for row in st.summaries(storage)}:
        st.delete(spec.name, storage)
    st.create(spec, storage, n_trials, uncertainty)
    st.run_workers(spec.name, storage, n_jobs, progress=progress)
    return st.status(spec.name, storage)


def resume_study(name: str, storage: str | None = None, n_jobs: int = 1,
                 progress: Callable[[dict], None] | None = None) -> dict:
    """Continue a study to its target (trials a killed run left running are failed first)."""
    from .search import study as st

    st.fail_orphans(st.load(name, storage))
    st.run_workers(name, storage, n_jobs, progress=progress)
    return st.status(name, storage)


def run_worker(name: str, storage: str | None = None, n_jobs: int = 1,
               progress: Callable[[dict], None] | None = None) -> dict:
    """Join a study (e.g. on PostgreSQL, from another host) and work until its target is reached
    (`dse worker`); returns what these workers stored: trials told, failed, seconds."""
    from .search import study as st

    run = st.run_workers(name, storage, n_jobs, progress=progress)
    return {"told": run.told, "failed": run.failed, "seconds": run.seconds}


def list_studies(storage: str | None = None) -> list[dict]:
    """One row per study in the storage: name, trials, target, objectives, start (`dse study list`)."""
    from .search import study as st

    return st.summaries(storage)


def delete_study(name: str, storage: str | None = None) -> None:
    """Delete a study and all its trials (`dse study delete`, without the confirmation)."""
    from .search import study as st

    st.delete(name, storage)


def repair_studies(storage: str | None = None, name: str | None = None) -> list[str]:
    """Make damaged journals readable (`dse study repair`): one line per journal, saying what was
    set aside and which trials, if any, lost information."""
    from .search.repair import repair

    return [report.line() for report in repair(storage, name)]


def status(name: str, storage: str | None = None) -> dict:
    """Trial counts, target, Pareto front and hypervolume of a study (`dse study status`)."""
    from .search import study as st

    return st.status(name, storage)


def trials(name: str, storage: str | None = None) -> pa.Table:
    """Every trial of a study: parameters, objectives, metrics, constraints (`dse study export`)."""
    from .search import study as st
    from .search.export import trials_table

    s = st.load(name, storage)
    return trials_table(s, st.spec_of(s), st.details(name, storage))


def report(name: str, out: str | None = None, storage: str | None = None) -> Written:
    """Write a study's Pareto report (`dse report`) into `out` (default out/NAME)."""
    from .reports import gather, write_report

    return write_report(gather(name, storage), out or f"out/{name}")


def reproduce_dacapo(out: str = "out/dacapo", proxies: str | None = None,
                     sim_params: SimParams | Mapping[str, Any] | None = None, uncertainty: int | None = None,
                     uncertainty_seed: int = 0) -> Written:
    """DaCapo's Figure 9 (`dse reproduce dacapo`) into `out`; with `uncertainty` N, medians and
    5-95 % intervals over N draws."""
    from .reports.reproduce import write_dacapo
    from .sim.curves import CurveBook
    from .sim.uncertainty import Draws

    note = f"Accuracy proxies: `{proxies}`.\n\n" if proxies else ""
    draws = Draws.sample(int(uncertainty), uncertainty_seed) if uncertainty else None
    return write_dacapo(out, CurveBook(proxies), note, params=_sim_params(sim_params), draws=draws)[0]


def compare_samplers(path_or_name: str, samplers: Sequence[str] | None = None, seeds: int = 10,
                     n_trials: int | None = None, *, reference: str | None = None,
                     reference_samples: int = 1_000_000, sequential: bool = True, equal_time_seeds: int = 3,
                     n_jobs: int = 2, out: str | None = None,
                     progress: Callable[[str], None] | None = None) -> tuple[dict, Written]:
    """Every sampler (default: `evidence.default_samplers`) on every seed at the study's budget
    against a reference front (a sweep of `reference_samples`, the exact grid of a discrete space,
    or the existing sweep file `reference`), joint against sequential co-design, and a study
    against a sweep of equal wall time (`dse study compare-samplers`). Writes Parquet and a report
    page into `out` (default out/NAME-samplers); returns the figures and what was written."""
    import tempfile

    from .reports.samplers import write_evidence
    from .search.evidence import default_samplers, search_evidence
    from .search.spec import SAMPLERS, load_spec

    spec = load_spec(path_or_name)
    names, note = (list(samplers), None) if samplers else default_samplers()
    names = list(names)
    if note and progress:
        progress(f"note: {note}")
    unknown = [s for s in names if s not in SAMPLERS or s == "grid"]
    if unknown:
        raise DseError("--samplers", f"unknown sampler {unknown[0]!r} (known: "
                                     f"{', '.join(s for s in SAMPLERS if s != 'grid')})")
    budget = n_trials or spec.n_trials
    with tempfile.TemporaryDirectory() as tmp:
        evidence = search_evidence(spec, names, seeds, budget, reference or f"{tmp}/reference.parquet",
                                   None if reference else reference_samples, at=min(2000, budget),
                                   equal_time_seeds=equal_time_seeds, sequential=sequential, n_jobs=n_jobs,
                                   progress=progress)
    return evidence.figures, write_evidence(evidence, spec, out or f"out/{spec.name}-samplers")


def profile_proxies(spec: str, out: str, *, seed: int | None = None, threads: int | None = None,
                    progress: Callable[[str], None] | None = None) -> pa.Table:
    """Measure an observations table with real training (`dse proxies profile`): `spec` is
    "demo" (the shipped digits stream) or a SPEC.toml of ImageFolder segments and checkpoints.
    Needs PyTorch (`pip install 'cl-dse[profile]'`). Resumable; returns the table written."""
    import importlib.util

    if importlib.util.find_spec("torch") is None:
        raise DseError("profile", "needs PyTorch: pip install 'cl-dse[profile]'")
    from workloads.profiling.runner import demo_spec, profile

    if spec == "demo":
        profile_spec = demo_spec(seed or 0)
    else:
        import dataclasses

        from workloads.profiling.folders import load_profile_spec

        profile_spec = load_profile_spec(spec)
        if seed is not None:
            profile_spec = dataclasses.replace(profile_spec, seed=seed)
    return profile(profile_spec, out, progress=progress, threads=threads)


def check_proxies(observations: str) -> dict:
    """The simulator's structural assumptions against measured observations (`dse proxies check`):
    curve-form fit error, data-size exponent, drift carry-over."""
    from workloads.proxies.check import check
    from workloads.proxies.io import read_proxies

    from .sim.params import DEFAULT_DATA_EXPONENT, DEFAULT_DRIFT_TRANSFER

    _, table = read_proxies(observations, expect="observations")
    return check(table, DEFAULT_DATA_EXPONENT, DEFAULT_DRIFT_TRANSFER)
