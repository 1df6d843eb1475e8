"""Studies: create, run (batched ask/tell), resume, status, export, delete.

One batch of asked trials becomes one vectorized evaluation. Each trial stores its metrics as a
single user attribute (one storage write) and its constraints through `Trial.set_constraint`.
A study's file is kept in the study (`dse.spec_toml`), so `resume` needs only its name.
"""

from __future__ import annotations

import json
import shutil
import signal
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import optuna
from optuna.storages._heartbeat import is_heartbeat_enabled  # private in Optuna 5 (pinned <6)
from optuna.study._tell import _tell_with_warning  # private in Optuna 5 (pinned <6)
from optuna.trial import TrialState

from workloads.files import write_text_atomic

from ..errors import DseError, StudyNotFound
from ..sim.curves import CurveBook
from . import bulk_delete, detail, journal_mirror, mirrored, pareto
from .evaluate import evaluate
from .samplers import make_sampler
from .space import grid_points, suggest
from .spec import MAX_DRAWS, OBJECTIVES, StudySpec, parse_spec
from .stopping import STOPPED_ATTR, StopRule
from .storage import (
    GRACE_S,
    HEARTBEAT_S,
    heartbeatless_running,
    locate,
    now_iso,
    open_storage,
    rdb_of,
    read_index,
    state_counts,
    update_index,
)

SPEC_ATTR, PATH_ATTR, TARGET_ATTR = "dse.spec_toml", "dse.spec_path", "dse.n_trials"
UNCERTAINTY_ATTR = "dse.uncertainty"  # a --uncertainty given when the study was created
#: A run gives up when this many candidates in a row failed (at least 3 full batches): a space
#: where nothing is valid. Counted in candidates, as batches shrink near the trial budget.
MIN_FAILED_IN_A_ROW = 50
FAILED_BATCHES_IN_A_ROW = 3

optuna.logging.set_verbosity(optuna.logging.WARNING)
DEFAULT_STORAGE_NAME = locate(None).url


def create(spec: StudySpec, storage_url: str | None, n_trials: int | None = None,
           uncertainty: int | None = None) -> None:
    """Create the study `spec` describes; `n_trials` and `uncertainty` override the file's."""
    if uncertainty is not None and not 0 <= uncertainty <= MAX_DRAWS:
        raise DseError("--uncertainty", f"must be in [0, {MAX_DRAWS}] draws, got {uncertainty}")
    storage = open_storage(storage_url, create=True, study=spec.name)
    if spec.name in [s.study_name for s in optuna.get_all_study_summaries(storage, include_best_trial=False)]:
        raise DseError("name", f"study {spec.name!r} already exists in the storage; use 'dse study resume "
                               f"{spec.name}' or delete it", spec.path)
    study = optuna.create_study(storage=storage, study_name=spec.name, directions=spec.directions)
    study.set_user_attr(SPEC_ATTR, spec.text)
    study.set_user_attr(PATH_ATTR, spec.path)
    if uncertainty is not None:
        study.set_user_attr(UNCERTAINTY_ATTR, int(uncertainty))
    target = int(n_trials or spec.n_trials)
    if spec.sampler == "grid":
        points = grid_points(spec)
        for point in points:
            study.enqueue_trial(point)
        target = min(target, len(points))
    study.set_user_attr(TARGET_ATTR, target)
    save_identity(storage_url, spec.name, dict(study.user_attrs))
    update_index(storage_url, spec.name, {"trials": len(study.get_trials(deepcopy=False)), "complete": 0,
                                          "target": target, "objectives": len(spec.objectives), "started": now_iso()})


def save_identity(storage_url: str | None, name: str, attrs: dict) -> None:
    """A copy of a folder study's own records (its file, path, target) beside its journal,
    `NAME.study.json`, from which `dse study repair` rebuilds them if the journal loses them
    (directions follow from the stored file)."""
    loc = locate(storage_url)
    if loc.kind == "dir":
        write_text_atomic(loc.path / f"{name}.study.json", json.dumps({"attrs": attrs}))


def load(name: str, storage_url: str | None, sampler=None) -> optuna.Study:
    storage = open_storage(storage_url, study=name)
    try:
        return optuna.load_study(study_name=name, storage=storage, sampler=sampler)
    except KeyError:
        raise StudyNotFound("study", f"no study named {name!r} in {storage_url or 'the default storage'}") from None


def spec_of(study: optuna.Study) -> StudySpec:
    attrs = study.user_attrs
    if SPEC_ATTR not in attrs:
        raise DseError("study", f"{study.study_name!r} was not created by dse (no study file stored)")
    spec = parse_spec(attrs[SPEC_ATTR], attrs[PATH_ATTR])
    if UNCERTAINTY_ATTR in attrs:
        spec = replace(spec, uncertainty=int(attrs[UNCERTAINTY_ATTR]))
    return spec


def _counts(study: optuna.Study) -> dict[str, int]:
    """Trials per state. A database counts them itself: a worker joining a large study, or
    `status` on one, does not load every trial to count them."""
    by_state = state_counts(study._storage, study._study_id)
    if by_state is None:
        states = [t.state for t in study.get_trials(deepcopy=False)]
        by_state = {state: states.count(state) for state in TrialState}
    return {"complete": by_state.get(TrialState.COMPLETE, 0), "failed": by_state.get(TrialState.FAIL, 0),
            "running": by_state.get(TrialState.RUNNING, 0), "pruned": by_state.get(TrialState.PRUNED, 0),
            "waiting": by_state.get(TrialState.WAITING, 0)}


def fail_orphans(study: optuna.Study) -> int:
    """Trials left RUNNING by a process that was killed: fail them so they do not count.
    Journal files only: on RDB storages other hosts' workers may be running those trials, and
    heartbeats tell the dead from the live (see run)."""
    if is_heartbeat_enabled(study._storage):
        return 0
    orphans = [t for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))]
    for t in orphans:
        study._storage.set_trial_user_attr(t._trial_id, "fail_reason", "orphaned: its process stopped")
        study.tell(t.number, state=TrialState.FAIL)
    return len(orphans)


class _StopFlag:
    """Ctrl-C asks the run to stop after the batch in flight."""

    def __init__(self):
        self.stop = False
        self._previous = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, *_):
        self.stop = True

    def __exit__(self, *exc):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


class _Heartbeats:
    """Records the heartbeat of the trials in flight every HEARTBEAT_S from a thread (as
    Study.optimize does), so a live worker's trials never look stale, however long a batch runs."""

    def __init__(self, study: optuna.Study, enabled: bool):
        self.study, self.enabled, self.ids = study, enabled, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True) if enabled else None

    def add(self, trial: optuna.Trial) -> optuna.Trial:
        if self.enabled:
            self.study._storage.record_heartbeat(trial._trial_id)  # at once: no window without one
            self.ids.append(trial._trial_id)
        return trial

    def _beat(self):
        while not self._stop.wait(HEARTBEAT_S):
            for trial_id in list(self.ids):
                self.study._storage.record_heartbeat(trial_id)

    def __enter__(self):
        if self._thread:
            self._thread.start()
        return self

    def __exit__(self, *exc):
        if self._thread:
            self._stop.set()
            self._thread.join()


@dataclass
class RunReport:
    told: int
    failed: int
    seconds: float
    stopped_early: bool  # Ctrl-C
    stopped: dict | None = None  # a stop rule fired (`stopping.StopRule.reason`)


def tell_outcome(study: optuna.Study, spec: StudySpec, trial: optuna.Trial, outcome, in_storage: bool = True) -> bool:
    """Tell one outcome. Without `in_storage` (a journal study, whose detail file holds them:
    `detail_rows`), per-scenario metrics and draws are left out of the storage."""
    if outcome.metrics is None:
        trial.set_user_attr("fail_reason", outcome.reason)
        _tell(study, trial, state=TrialState.FAIL)
        return False
    m = outcome.metrics
    bad = [k for k in (*spec.objectives, "dropped_fraction") if not np.isfinite(m[k])]
    if bad:  # a model gap, not a user mistake: keep the study going, and say which metric
        trial.set_user_attr("fail_reason", f"non-finite {bad[0]} = {m[bad[0]]}")
        _tell(study, trial, state=TrialState.FAIL)
        return False
    if in_storage:
        trial.set_user_attr("metrics", m)
        if outcome.draws:
            trial.set_user_attr("draws", outcome.draws)
    else:
        trial.set_user_attr("metrics", detail.split(m)[0])
    for key, limit in spec.limits().items():
        trial.set_constraint(key, m[key] - limit)
    _tell(study, trial, [m[o] for o in spec.objectives])
    return True


def _tell(study: optuna.Study, trial: optuna.Trial, values: list[float] | None = None,
          state: TrialState | None = None) -> None:
    """`Study.tell` without the deep copy of the finished trial it returns, which nothing here
    reads (its parameters, distributions and metrics: a tenth of a profiled worker's time).
    Optuna's own tell does the rest: state, values, the sampler's `after_trial`."""
    _tell_with_warning(study=study, trial=trial, value_or_values=values, state=state)


def _requeue_heartbeatless(study: optuna.Study) -> None:
    """Fail and requeue trials whose worker died before their first heartbeat (see storage)."""
    trials = {t.number: t for t in study.get_trials(deepcopy=False)}
    for number in heartbeatless_running(study, older_than_s=GRACE_S):
        study._storage.set_trial_user_attr(trials[number]._trial_id, "fail_reason",
                                           "orphaned: its worker died before its first heartbeat")
        study.tell(number, state=TrialState.FAIL, skip_if_finished=True)
        study.enqueue_trial(trials[number].params, skip_if_exists=False)


def detail_row(outcome) -> dict | None:
    """An outcome's row in the detail file (per-scenario metrics and draws), without its trial
    number; None for a failed candidate."""
    if outcome.metrics is None:
        return None
    return {**detail.split(outcome.metrics)[1], **{f"draws.{k}": v for k, v in (outcome.draws or {}).items()}}


def detail_rows(asked: list[optuna.Trial], outcomes) -> list[dict]:
    """The detail file's rows of a batch, by trial number."""
    rows = ((trial, detail_row(outcome)) for trial, outcome in zip(asked, outcomes, strict=True))
    return [{"trial": trial.number, **row} for trial, row in rows if row is not None]


def _within_budget(study: optuna.Study, asked: list[optuna.Trial], target: int) -> list[optuna.Trial]:
    """Keep the asked trials the budget allows; other workers may have asked concurrently.
    The excess (newest first) is pruned unevaluated, so completed trials never exceed the target."""
    counts = _counts(study)
    excess = counts["complete"] + counts["running"] - target
    if excess <= 0:
        return asked
    keep = asked[: max(len(asked) - excess, 0)]
    for t in asked[len(keep):]:
        t.set_user_attr("fail_reason", "beyond the trial budget (another worker asked first)")
        study.tell(t, state=TrialState.PRUNED)
    return keep


def run(name: str, storage_url: str | None, worker: int = 0, progress: Callable[[dict], None] | None = None,
        stop_after_batches: int | None = None, notify: Callable[[str], None] | None = None,
        stop: StopRule | None = None, opened: optuna.Study | None = None) -> RunReport:
    """Ask, evaluate and tell batches until the study has its target of completed trials (or a
    `stop` rule fires: recorded in the study). On PostgreSQL and compact journals the worker
    samples on a local mirror and writes finished batches in bulk (`mirrored`, `journal_mirror`)
    unless trials wait in the study; `notify` hears about database outages.
    `opened`: the study as the caller already loaded it from `storage_url`, whose storage is
    used rather than opened again (a journal replayed, a database's modules and schema checked)."""
    probe = opened if opened is not None else load(name, storage_url)
    spec = spec_of(probe)
    target = int(probe.user_attrs[TARGET_ATTR])
    stop = stop or StopRule()
    detail_folder = detail.folder(storage_url, name)
    sampler = make_sampler(spec, seed=spec.seed + 7919 * worker)
    if _mirrors(probe, notify):
        if journal_mirror.supports(probe._storage):
            mirror = journal_mirror.JournalMirror(probe, sampler, detail_folder)
            report = _run_mirrored(mirror, spec, target, progress, stop_after_batches, stop)
            update_index(storage_url, name, {"trials": mirror.n_trials, "complete": mirror.n_complete})
            return report
        return _run_mirrored(mirrored.Mirror(probe, sampler, notify), spec, target, progress, stop_after_batches,
                             stop)
    study = optuna.load_study(study_name=name, storage=probe._storage, sampler=sampler)
    book = CurveBook(spec.proxies)
    told = failed = failed_in_a_row = batches = 0
    start = time.perf_counter()
    history: list[float] = []
    stopped = None
    heartbeat = is_heartbeat_enabled(study._storage)  # RDB storages (wrapped in Optuna's cache)
    with _StopFlag() as flag:
        while not flag.stop:
            if heartbeat:
                with warnings.catch_warnings():  # "experimental" / "use with optimize": dse beats itself
                    warnings.simplefilter("ignore")
                    optuna.storages.fail_stale_trials(study)  # a dead worker's trials: failed, requeued
            counts = _counts(study)
            remaining = target - counts["complete"] - counts["running"]
            if stop_after_batches is not None and batches >= stop_after_batches:
                break
            if remaining <= 0:
                if counts["complete"] >= target or not heartbeat or counts["running"] == 0:
                    break
                _requeue_heartbeatless(study)
                time.sleep(1.0)  # others are running the rest; if one died, its trials go stale
                continue
            with _Heartbeats(study, heartbeat) as beats, warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # "heartbeat ... used with Study.optimize"
                asked = [beats.add(study.ask()) for _ in range(min(spec.batch_size, remaining))]
                asked = _within_budget(study, asked, target)
                if not asked:
                    continue
                outcomes = evaluate(spec, [suggest(t, spec) for t in asked], book)
                if detail_folder is not None:  # written before the trials finish: never a told trial without it
                    detail.write(detail_folder, detail_rows(asked, outcomes))
                ok = [tell_outcome(study, spec, t, o, detail_folder is None)
                      for t, o in zip(asked, outcomes, strict=True)]
            told, failed, batches, failed_in_a_row = _account(ok, outcomes, spec, told, failed, batches,
                                                              failed_in_a_row, progress, study)
            stopped = _check_stop(stop, study, spec, start, history)
            if stopped:
                break
    counts = _counts(study)
    update_index(storage_url, name, {"trials": sum(counts.values()), "complete": counts["complete"]})
    return RunReport(told, failed, time.perf_counter() - start, flag.stop, stopped)


def _account(ok: list[bool], outcomes, spec: StudySpec, told: int, failed: int, batches: int, failed_in_a_row: int,
             progress: Callable[[dict], None] | None, study: optuna.Study) -> tuple[int, int, int, int]:
    """Counts after a batch; a space where nothing is valid is an error, not an endless loop.
    `progress` gets the batch's counts and the study as this worker sees it (no extra reads)."""
    told += len(ok)
    failed += ok.count(False)
    batches += 1
    failed_in_a_row = failed_in_a_row + len(ok) if not any(ok) else len(ok) - 1 - ok[::-1].index(True)
    if failed_in_a_row >= max(MIN_FAILED_IN_A_ROW, FAILED_BATCHES_IN_A_ROW * spec.batch_size):
        raise DseError("study", f"the last {failed_in_a_row} candidates all failed; last reason: "
                                f"{outcomes[-1].reason}", spec.path)
    if progress:
        progress({"told": len(ok), "failed": ok.count(False), "study": study})
    return told, failed, batches, failed_in_a_row


def _check_stop(stop: StopRule, study: optuna.Study, spec: StudySpec, start: float, history: list[float],
                record_in: optuna.Study | None = None) -> dict | None:
    """After a batch: whether a stop rule fires; if so it is recorded in the study."""
    if stop.needs_hypervolume:
        history.append(front(study, spec)[1])
    reason = stop.reason(time.perf_counter() - start, history)
    if reason:
        (record_in or study).set_user_attr(STOPPED_ATTR, reason)
    return reason


def _mirrors(study: optuna.Study, notify: Callable[[str], None] | None = None) -> bool:
    """Whether a worker samples on a local mirror of the study (`mirrored`, `journal_mirror`):
    on PostgreSQL or a compact journal, unless trials are waiting (a grid's points, candidates
    enqueued from a sweep), which only Optuna's own asks hand out."""
    storage = study._storage
    if mirrored.supports(storage):
        return not mirrored.waiting(storage, study._study_id, notify)
    if journal_mirror.supports(storage):  # replayed in memory already
        return not storage.get_all_trials(study._study_id, deepcopy=False, states=(TrialState.WAITING,))
    return False


def _run_mirrored(mirror, spec: StudySpec, target: int, progress, stop_after_batches, stop: StopRule) -> RunReport:
    """`run` on a mirror (`mirrored.Mirror`, `journal_mirror.JournalMirror`): sample and tell
    locally, write each finished batch in one go."""
    book = CurveBook(spec.proxies)
    in_storage = mirror.detail_folder is None
    told = failed = failed_in_a_row = batches = 0
    start = time.perf_counter()
    history: list[float] = []
    stopped = None
    with _StopFlag() as flag:
        while not flag.stop:
            remaining = target - mirror.sync()
            if remaining <= 0 or (stop_after_batches is not None and batches >= stop_after_batches):
                break
            asked = [mirror.local.ask() for _ in range(min(spec.batch_size, remaining))]
            outcomes = evaluate(spec, [suggest(t, spec) for t in asked], book)
            ok = [tell_outcome(mirror.local, spec, t, o, in_storage) for t, o in zip(asked, outcomes, strict=True)]
            finished = [mirror.local._storage.get_trial(t._trial_id) for t in asked]
            kept = (mirror.write(finished, target) if in_storage else
                    mirror.write(finished, target, [detail_row(o) for o in outcomes]))
            ok = [ok[i] for i in kept]  # told and stored: past the target, others' trials came first
            told, failed, batches, failed_in_a_row = _account(ok, outcomes, spec, told, failed, batches,
                                                              failed_in_a_row, progress, mirror.local)
            stopped = _check_stop(stop, mirror.local, spec, start, history, record_in=mirror.remote)
            if stopped:
                break
    return RunReport(told, failed, time.perf_counter() - start, flag.stop, stopped)


def completed_table(study: optuna.Study, spec: StudySpec) -> tuple[list[optuna.trial.FrozenTrial], np.ndarray]:
    trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    values = np.array([t.values for t in trials], dtype=float).reshape(len(trials), len(spec.objectives))
    return trials, values


def feasible(trial: optuna.trial.FrozenTrial) -> bool:
    return all(v <= 0 for v in trial.constraints.values())


def front(study: optuna.Study, spec: StudySpec) -> tuple[list[optuna.trial.FrozenTrial], float]:
    """Feasible Pareto-optimal trials and their hypervolume (losses against the reference)."""
    trials, values = completed_table(study, spec)
    keep = np.array([feasible(t) for t in trials], dtype=bool)
    trials = [t for t, k in zip(trials, keep, strict=True) if k]
    losses = pareto.to_losses(values[keep], spec.directions)
    ref = spec.reference_losses()
    mask = pareto.nondominated(losses) if len(losses) else np.zeros(0, dtype=bool)
    return [t for t, m in zip(trials, mask, strict=True) if m], pareto.hypervolume(losses, ref)


def status(name: str, storage_url: str | None) -> dict:
    study = load(name, storage_url)
    spec = spec_of(study)
    best, hv = front(study, spec)
    counts = _counts(study)
    return {"study": name, "n_trials": int(study.user_attrs[TARGET_ATTR]), **counts, "pareto_size": len(best),
            "hypervolume": hv, "objectives": list(spec.objectives),
            "front": [{"trial": t.number, **dict(zip(spec.objectives, t.values, strict=True))} for t in best]}


def summaries(storage_url: str | None) -> list[dict]:
    """One row per study in the storage (a folder: from its index, without opening journals)."""
    loc = locate(storage_url)
    if loc.kind == "dir":
        return [{"study": name, "trials": row.get("trials", ""), "target": row.get("target", ""),
                 "objectives": row.get("objectives", ""), "started": row.get("started", "")}
                for name, row in read_index(loc.path).items()]
    storage = open_storage(storage_url)
    out = []
    for s in optuna.get_all_study_summaries(storage, include_best_trial=False):
        out.append({"study": s.study_name, "trials": s.n_trials,
                    "target": s.user_attrs.get(TARGET_ATTR, ""), "objectives": len(s.directions),
                    "started": s.datetime_start.isoformat(timespec="seconds") if s.datetime_start else ""})
    return out


def delete(name: str, storage_url: str | None) -> None:
    storage = load(name, storage_url)._storage  # a clear error if it does not exist
    rdb = rdb_of(storage)
    loc = locate(storage_url)
    if loc.kind == "dir":
        loc.journal(name).unlink()
        (loc.path / f"{name}.study.json").unlink(missing_ok=True)
    elif rdb is not None:
        bulk_delete.delete_study(rdb, name)  # a statement per table, not several per row
    else:
        optuna.delete_study(study_name=name, storage=storage)
    where = detail.folder(storage_url, name)
    if where is not None and where.exists():
        shutil.rmtree(where)
    update_index(storage_url, name, None)


def objective_units() -> dict[str, str]:
    return {k: v[2] for k, v in OBJECTIVES.items()}


def joining(action: Callable[[], object], storage_url: str | None, notify: Callable[[str], None] | None):
    """Run `action`, a worker joining a study (`dse worker`); on a database, an outage that stops
    it (the server not up yet, or restarting while the worker opens the study) is waited out
    with backoff, and the worker starts again. Once running, a worker waits out outages itself."""
    if locate(storage_url).kind != "rdb":
        return action()
    return mirrored.with_retry(action, "joining the study", notify)


def run_workers(name: str, storage_url: str | None, n_jobs: int = 1,
                progress: Callable[[dict], None] | None = None,
                notify: Callable[[str], None] | None = None, stop: StopRule | None = None,
                opened: optuna.Study | None = None) -> RunReport:
    """Run study `name` to its target with `n_jobs` worker processes (joblib/loky; one runs in
    this process and reports `progress` after each batch). `notify` (picklable) hears about
    database outages the workers wait out; `opened` as in `run` (one worker only)."""
    if n_jobs == 1:
        return run(name, storage_url, progress=progress, notify=notify, stop=stop, opened=opened)
    from joblib import Parallel, delayed

    start = time.perf_counter()
    reports = Parallel(n_jobs=n_jobs, backend="loky")(delayed(run)(name, storage_url, worker=w, notify=notify,
                                                                    stop=stop) for w in range(n_jobs))
    return RunReport(sum(r.told for r in reports), sum(r.failed for r in reports), time.perf_counter() - start,
                     any(r.stopped_early for r in reports), next((r.stopped for r in reports if r.stopped), None))


def trial_candidate(name: str, number: int, storage_url: str | None):
    """(Design, policy, policy parameters, spec) of trial `number` of study `name`, to simulate
    it on its own exactly as the study did."""
    from accel import Design

    from .space import POLICY_PARAM, design_record, policy_params

    study = load(name, storage_url)
    spec = spec_of(study)
    trials = {t.number: t for t in study.get_trials(deepcopy=False)}
    if number not in trials:
        raise DseError("--trial", f"study {name!r} has no trial {number}")
    values = {f"accel.{k}": d.value for k, d in spec.accel.items() if d.kind == "fixed"}
    values.update(trials[number].params)
    values.setdefault(POLICY_PARAM, next(iter(spec.policies)))
    for k, d in spec.policies[values[POLICY_PARAM]].items():
        values.setdefault(f"{values[POLICY_PARAM]}.{k}", d.value)
    return Design.from_records([design_record(values)]), values[POLICY_PARAM], policy_params(values), spec


def details(name: str, storage_url: str | None) -> dict[int, dict]:
    """Study `name`'s detail rows (per-scenario metrics, draws) by trial number (`detail`)."""
    return detail.read(detail.folder(storage_url, name))
