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


def compare_reports(names: Sequence[str], out: str = "out/compare", storage: str | None = None,
                    reference: str | None = None) -> list[dict]:
    """Overlay the fronts and hypervolumes of several studies with the same objectives on one
    page, `out`/index.html (`dse report compare`); `reference`: an exhaustive sweep's Parquet
    file, to show each study's fraction of its hypervolume. Returns one row per study."""
    import pathlib

    from workloads.files import write_text_atomic

    from .reports import gather
    from .reports.compare import render

    if not names:
        raise DseError("names", "name at least one study")
    page, rows = render([gather(n, storage, with_references=False) for n in names], reference)
    pathlib.Path(out).mkdir(parents=True, exist_ok=True)
    write_text_atomic(str(pathlib.Path(out) / "index.html"), page)
    return rows


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


def _sweep_spec(path_or_name: str, grid: bool, samples: int | None):
    """The study file a sweep runs on, once `grid`/`samples` are known to describe a sweep of it."""
    from .search.spec import load_spec, not_discrete

    spec = load_spec(path_or_name)
    if grid == (samples is not None):
        raise DseError("grid/samples", "give exactly one of --grid or --samples N")
    if grid and not_discrete(spec):
        raise DseError(not_discrete(spec), "--grid needs choices, fixed values or stepped int ranges", spec.path)
    return spec


def sweep_size(path_or_name: str, grid: bool = False, samples: int | None = None) -> int:
    """How many candidates `sweep` would evaluate: the whole space (`grid`, which needs a
    discrete space) or `samples`; a clear error for any other combination."""
    from .search.space import grid_points

    spec = _sweep_spec(path_or_name, grid, samples)
    return len(grid_points(spec)) if grid else int(samples or 0)


def sweep(path_or_name: str, output: str, *, grid: bool = False, samples: int | None = None, n_jobs: int = 1,
          backend: str = "loky", scheduler: str | None = None,
          progress: Callable[[int], None] | None = None) -> dict:
    """Evaluate every candidate of a study's space (`grid`) or `samples` Latin-hypercube ones,
    and write parameters and metrics to the Parquet file `output` (`dse sweep`). `backend="dask"`
    streams chunks to the Dask `scheduler` (an address; None starts a local cluster). `progress`
    hears each finished chunk's candidate count. Returns {"written": n, "seconds": s}."""
    import time

    from .search.sweep import run_sweep

    spec = _sweep_spec(path_or_name, grid, samples)  # checked without enumerating a grid
    client = None
    if backend == "dask":
        from .search.dask_backend import dask_client

        client = dask_client(scheduler)
    start = time.perf_counter()
    try:
        written = run_sweep(spec, output, grid, samples or 0, n_jobs, backend, progress=progress)
    finally:
        if client is not None:
            client.close()
    return {"written": written, "seconds": time.perf_counter() - start}


def enqueue_best(study: str, sweep_file: str, path_or_name: str, top: int = 10, storage: str | None = None) -> int:
    """Enqueue the `top` Pareto candidates of a sweep's Parquet file (of the space `path_or_name`
    describes) into an existing study (`dse sweep --enqueue`); `resume_study` evaluates them.
    Returns how many were enqueued (one already queued is not queued twice)."""
    from .search import study as st
    from .search.quality import best_candidates
    from .search.spec import load_spec

    target = st.load(study, storage)
    best = best_candidates(sweep_file, load_spec(path_or_name), top)
    for params in best:
        target.enqueue_trial(params, skip_if_exists=True)
    return len(best)


def serve_dashboard(name: str, storage: str | None = None, port: int = 8080) -> None:
    """Serve optuna-dashboard on study `name`'s storage on 127.0.0.1 (`dse study dashboard`;
    blocks). Compact journals are read through cl-dse, so plain `optuna-dashboard FILE` cannot
    open them. Needs `pip install 'cl-dse[dashboard]'`."""
    from .search import study as st

    try:
        from optuna_dashboard import run_server
    except ImportError:
        raise DseError("dashboard", "optuna-dashboard is not installed (pip install 'cl-dse[dashboard]')") from None
    run_server(st.load(name, storage)._storage, host="127.0.0.1", port=port)


def validate_proxies(path: str) -> dict:
    """Check a proxy Parquet file against its schema (`dse proxies validate`): {"kind":
    "observations" or "curves", "rows": n}; a clear error naming the file and field otherwise."""
    from workloads.proxies import read_proxies

    kind, table = read_proxies(path)
    return {"kind": kind, "rows": table.num_rows}


def proxies_summary(path: str) -> dict:
    """A proxy file's kind and, per (student, teacher, scenario), its row count and accuracy means
    (for curves also the asymptote's mean and the worst fit error) (`dse proxies show`):
    {"kind": ..., "groups": [row, ...]}."""
    from workloads.proxies import read_proxies
    from workloads.proxies.io import group_rows

    kind, table = read_proxies(path)
    before = table.column("acc_before").to_numpy()
    rows = []
    for key, sel in group_rows(table, ("student", "teacher", "scenario")).items():
        row = {"student": key[0], "teacher": key[1], "scenario": key[2], "rows": len(sel),
               "acc_before_mean": float(before[sel].mean())}
        if kind == "curves":
            row["acc_asymptote_mean"] = float(table.column("acc_asymptote").to_numpy()[sel].mean())
            row["fit_rmse_max"] = float(table.column("fit_rmse").to_numpy()[sel].max())
        else:
            row["acc_after_mean"] = float(table.column("acc_after").to_numpy()[sel].mean())
        rows.append(row)
    return {"kind": kind, "groups": rows}


def fit_proxies(observations: str, output: str, label_acc: float = 1.0) -> pa.Table:
    """Fit Ekya-style curves to an observations file and write them to `output` (`dse proxies
    fit`); `label_acc` is the teacher's labeling accuracy to record. Returns the curves."""
    import pathlib

    from workloads.proxies import fit_observations, read_proxies, write_proxies

    if not 0 <= label_acc <= 1:
        raise DseError("label_acc", f"must be in [0, 1], got {label_acc}")
    _, table = read_proxies(observations, expect="observations")
    if not pathlib.Path(output).parent.exists():
        raise DseError("--output", f"directory {pathlib.Path(output).parent} does not exist")
    curves = fit_observations(table, label_acc)
    write_proxies(curves, "curves", output)
    return curves


def accel_info(design: Design | str) -> list[dict]:
    """Parameters, area and power of each design (`dse accel info`): a preset such as
    "dacapo", a design TOML file or an `accel.Design`."""
    from .sim import accel_eval as ev

    return ev.design_info(_design(design))


def accel_design(design: Design | str | None = None, rows: int | Sequence[int] | None = None,
                 cols: int | None = None, dataflow: str | None = None) -> tuple[Design, list[int] | None]:
    """The one design `accel_eval` runs on, and the sub-array row counts to evaluate (None: the
    whole array). Without `design`: a scalar-MAC array of `rows` x `cols` (16 x 16) with
    `dataflow` (os), as SCALE-Sim's; with it, `rows` are sub-array row counts."""
    from .sim import accel_eval as ev

    row_counts = None if rows is None else [rows] if isinstance(rows, int) else [int(r) for r in rows]
    if design is None:
        if row_counts is not None and len(row_counts) != 1:
            raise DseError("--rows", "without --design, --rows is the array height (one number)")
        return ev.scalar_array(row_counts[0] if row_counts else 16, cols or 16, dataflow or "os"), None
    if cols is not None or dataflow is not None:
        raise DseError("--cols/--dataflow", "apply only without --design (edit the design file instead)")
    d = _design(design)
    if len(d) != 1:
        raise DseError("--design", f"{design if isinstance(design, str) else 'the design'} holds {len(d)} designs; "
                                   "eval takes one")
    ev.check_rows(d, row_counts)
    return d, row_counts


def accel_eval(design: Design | str | None = None, *, rows: int | Sequence[int] | None = None,
               cols: int | None = None, dataflow: str | None = None, topology: str | None = None,
               gemm_format: bool = False, mnk: Sequence[tuple[int, int, int]] = (), onnx: str | None = None,
               model: str | None = None, phase: str = "inference", batch: int = 1, frozen: int = 0,
               vit_artifact: bool = False, precision: str | None = None) -> list[dict]:
    """Cycles, latency, utilization and energy of GEMMs or a model's kernels on one design
    (`dse accel eval`; the design as `accel_design` resolves it): give exactly one of `topology`
    (a SCALE-Sim CSV; `gemm_format` for its GEMM format), `mnk` (GEMMs as (M, N, K)), `onnx`
    (a model file) or `model` (a zoo name, with `phase`, `batch`, `frozen`)."""
    from workloads.gemm import GemmTable
    from workloads.scalesim_csv import read_topology

    from .sim import accel_eval as ev

    if sum(x is not None for x in (topology, mnk or None, onnx, model)) != 1:
        raise DseError("input", "give exactly one of --topology, --mnk, --onnx or --model")
    d, row_counts = accel_design(design, rows, cols, dataflow)
    fmt_index = ev.default_format(d, precision)
    ev.first_supported(d, fmt_index)
    if model:
        return ev.kernel_rows(d, model, phase, batch, frozen, fmt_index, row_counts, not vit_artifact)
    if onnx:
        from workloads.onnx_import import read_onnx

        table = read_onnx(onnx)
    elif topology:
        table = read_topology(topology, gemm_format)
    else:
        table = GemmTable.from_rows([(f"gemm{i}", "fwd", i, int(m), int(n), int(k), 1)
                                     for i, (m, n, k) in enumerate(mnk)])
    return ev.gemm_rows(d, table, fmt_index, row_counts)
