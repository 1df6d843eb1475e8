"""Where studies live: one compact journal per study in a folder (`.dse/` by default), a single
journal file, or any Optuna RDB URL (PostgreSQL for many hosts).

* A folder (the default `.dse/`, or any `--storage DIR/`): study NAME is `DIR/NAME.journal`
  (`dse.search.journal`: grouped, compressed records), and `DIR/index.json` lists the studies,
  so opening one study reads that study's journal alone and `dse study list` reads the index.
  A `studies.journal` left there by an older cl-dse (every study in one file) is split into
  per-study journals the first time the folder is opened, and kept as `studies.journal.migrated`.
* A file (`--storage PATH.journal` or `journal:PATH`): every study in one journal; new files are
  compact, existing Optuna-format files are read and written as Optuna writes them.
* A URL with `://`: Optuna's RDB storage, with heartbeats.
"""

from __future__ import annotations

import datetime
import json
import os
import pathlib
import warnings
from dataclasses import dataclass

import optuna
from optuna.storages.journal import JournalFileOpenLock

from workloads.files import write_text_atomic

from ..errors import DseError, StudyNotFound
from .journal import CompactJournalBackend, GroupingJournalStorage, JournalCorrupt, is_compact
from .rdb_open import open_at_head

DEFAULT_DIR = pathlib.Path(".dse")
LEGACY_JOURNAL = "studies.journal"
INDEX = "index.json"
#: RDB storages (many hosts): each running trial's heartbeat is recorded every HEARTBEAT_S;
#: a trial silent for GRACE_S belonged to a dead worker, is failed, and is requeued once more.
HEARTBEAT_S = 2
GRACE_S = 10


@dataclass(frozen=True)
class Location:
    """What a `--storage` value names: kind "dir", "file" or "rdb"."""

    kind: str
    path: pathlib.Path | None
    url: str

    def journal(self, study: str) -> pathlib.Path:
        """The journal file of `study` (a folder's per-study journal, or the one file)."""
        return self.path / f"{study}.journal" if self.kind == "dir" else self.path


def locate(url: str | None) -> Location:
    if url is None:
        return Location("dir", DEFAULT_DIR, str(DEFAULT_DIR) + "/")
    if "://" in url:
        return Location("rdb", None, url)
    path = pathlib.Path(url.removeprefix("journal:"))
    kind = "dir" if url.endswith("/") or path.is_dir() else "file"
    return Location(kind, path, url)


def storage_exists(url: str | None) -> bool:
    """False only for a journal folder or file that has not been written yet."""
    loc = locate(url)
    return loc.kind == "rdb" or loc.path.exists()


def torn_tail(path: pathlib.Path) -> int:
    """Bytes after the last complete journal record (a crash cut the last write short), or 0."""
    size = path.stat().st_size
    if size == 0:
        return 0
    with path.open("rb") as fh:
        fh.seek(max(size - 1_000_000, 0))
        tail = fh.read()
    end = tail.rfind(b"\n") + 1
    return len(tail) - end


def _open_journal(path: pathlib.Path, create: bool, url: str) -> optuna.storages.BaseStorage:
    if not path.exists() and not create:
        raise DseError("--storage", f"no study storage at {path} (start a study first)")
    path.parent.mkdir(parents=True, exist_ok=True)
    torn = 0
    if path.exists():
        lock = JournalFileOpenLock(str(path))
        lock.acquire()  # writers append under this lock: never mistake a write in progress for damage
        try:
            torn = torn_tail(path)
        finally:
            lock.release()
    if torn:
        raise DseError("--storage", f"{path} ends with a record cut short by a crash ({torn} bytes); "
                                    f"'dse study repair --storage {url}' moves it to {path.name}.torn and "
                                    "'dse study resume' then reruns that trial")
    if is_compact(path):
        return GroupingJournalStorage(CompactJournalBackend(path))
    backend = optuna.storages.journal.JournalFileBackend(str(path), lock_obj=JournalFileOpenLock(str(path)))
    try:
        return optuna.storages.JournalStorage(backend)
    except ValueError as err:  # json.JSONDecodeError included: a corrupt record in an Optuna-format file
        from .repair import first_unreadable_line

        line = first_unreadable_line(path)
        raise JournalCorrupt("journal", f"line {line} is not a readable record ({str(err).splitlines()[0]}); "
                                        f"'dse study repair --storage {url}' sets it aside in {path.name}.corrupt "
                                        "and keeps every other record", str(path)) from None


def open_storage(url: str | None, create: bool = False, study: str | None = None) -> optuna.storages.BaseStorage:
    """The storage `url` names (see the module docstring). A folder needs the study's name."""
    loc = locate(url)
    if loc.kind == "rdb":
        return _open_rdb(url)
    if loc.kind == "file":
        return _open_journal(loc.path, create, loc.url)
    if study is None:
        raise DseError("--storage", f"{loc.url} is a folder of per-study journals: name a study")
    migrate_legacy(loc.path)
    path = loc.journal(study)
    if not path.exists() and not create:
        raise StudyNotFound("study", f"no study named {study!r} in {loc.url}")
    return _open_journal(path, create, loc.url)


def _open_rdb(url: str) -> optuna.storages.BaseStorage:
    try:
        with warnings.catch_warnings():  # heartbeats are "experimental" in Optuna 5; dse relies on them
            warnings.simplefilter("ignore")
            beats = {"heartbeat_interval": HEARTBEAT_S, "grace_period": GRACE_S,
                     "heartbeat_stale_trial_callback": optuna.storages.RetryHeartbeatStaleTrialCallback(max_retry=3)}
            return open_at_head(url, **beats) or optuna.storages.RDBStorage(url, **beats)
    except (ImportError, ModuleNotFoundError) as err:
        raise DseError("--storage", f"{url.split('://')[0]} needs a driver: {err}") from None
    except Exception as err:  # SQLAlchemy raises many types for bad URLs or unreachable servers
        raise DseError("--storage", f"cannot open {url}: {type(err).__name__}: {str(err).splitlines()[0]}") from err


# --- a folder's index -------------------------------------------------------------------------


def read_index(folder: pathlib.Path) -> dict[str, dict]:
    """study -> summary row, from the folder's index (rebuilt from the journals if missing or
    out of date: a journal without an entry, or an entry without a journal)."""
    migrate_legacy(folder)
    journals = {p.stem for p in folder.glob("*.journal")} if folder.exists() else set()
    try:
        index = json.loads((folder / INDEX).read_text())
    except (OSError, ValueError):
        index = {}
    if set(index) != journals:
        index = {name: index.get(name) or summarize(folder / f"{name}.journal", name) for name in sorted(journals)}
        _write_index(folder, index)
    return index


def summarize(path: pathlib.Path, name: str) -> dict:
    """An index row for one study's journal (opens it: the slow path, once)."""
    study = optuna.load_study(study_name=name, storage=_open_journal(path, False, str(path)))
    trials = study.get_trials(deepcopy=False)
    start = min((t.datetime_start for t in trials if t.datetime_start), default=None)
    return {"trials": len(trials), "complete": sum(t.state.name == "COMPLETE" for t in trials),
            "target": study.user_attrs.get("dse.n_trials", ""), "objectives": len(study.directions),
            "started": start.isoformat(timespec="seconds") if start else ""}


def update_index(url: str | None, name: str, row: dict | None) -> None:
    """Set (or, with None, remove) study `name`'s row in a folder's index; no-op elsewhere."""
    loc = locate(url)
    if loc.kind != "dir":
        return
    lock = JournalFileOpenLock(str(loc.path / INDEX))
    loc.path.mkdir(parents=True, exist_ok=True)
    lock.acquire()
    try:
        try:
            index = json.loads((loc.path / INDEX).read_text())
        except (OSError, ValueError):
            index = {}
        if row is None:
            index.pop(name, None)
        else:
            index[name] = {**index.get(name, {}), **row}
        _write_index(loc.path, index)
    finally:
        lock.release()


def _write_index(folder: pathlib.Path, index: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write_text_atomic(folder / INDEX, json.dumps(index, indent=1, sort_keys=True))


def now_iso() -> str:
    return datetime.datetime.now().isoformat(timespec="seconds")


# --- migration of the single-file default of older versions -----------------------------------


def migrate_legacy(folder: pathlib.Path) -> list[str]:
    """Split `folder/studies.journal` (every study in one file, as older cl-dse wrote it) into
    per-study journals, losing nothing (each study copied with its attributes and every trial, in
    order, so trial numbers stay), then keep it as `studies.journal.migrated`. Returns the names
    migrated (none if there is no such file)."""
    legacy = folder / LEGACY_JOURNAL
    if not legacy.exists():
        return []
    lock = JournalFileOpenLock(str(folder / "migrate"))
    lock.acquire()
    try:
        if not legacy.exists():  # another process migrated it meanwhile
            return []
        source = _open_journal(legacy, False, str(legacy))
        names = [s.study_name for s in optuna.get_all_study_summaries(source, include_best_trial=False)]
        for name in names:
            target = folder / f"{name}.journal"
            partial = target.with_name(target.name + ".migrating")
            if partial.exists():
                partial.unlink()
            optuna.copy_study(from_study_name=name, from_storage=source,
                              to_storage=GroupingJournalStorage(CompactJournalBackend(partial)))
            os.replace(partial, target)
        os.replace(legacy, legacy.with_name(LEGACY_JOURNAL + ".migrated"))
        (folder / INDEX).unlink(missing_ok=True)  # rebuilt from the journals on the next read
        return names
    finally:
        lock.release()


def rdb_of(storage) -> optuna.storages.RDBStorage | None:
    """The database behind a study's storage (Optuna wraps an RDBStorage in a cache), or None
    when the storage is not a database."""
    backend = getattr(storage, "_backend", storage)
    return backend if isinstance(backend, optuna.storages.RDBStorage) else None


def state_counts(storage, study_id: int) -> dict[optuna.trial.TrialState, int] | None:
    """Trials per state, counted by the database (one GROUP BY); None for other storages."""
    import sqlalchemy
    from optuna.storages._rdb import models  # private in Optuna 5 (pinned <6)

    backend = rdb_of(storage)
    if backend is None:
        return None
    table = models.TrialModel.__table__
    query = sqlalchemy.select(table.c.state, sqlalchemy.func.count()).where(table.c.study_id == study_id) \
        .group_by(table.c.state)
    with backend.engine.connect() as conn:
        return {optuna.trial.TrialState[getattr(state, "name", state)]: int(n) for state, n in conn.execute(query)}


def heartbeatless_running(study: optuna.Study, older_than_s: float) -> list[int]:
    """Numbers of RUNNING trials with no heartbeat at all, started more than `older_than_s` ago:
    their worker died between asking and its first heartbeat. Optuna's stale check skips
    trials without a heartbeat, so they would stay RUNNING forever. RDB storages only."""
    import datetime

    from optuna.storages._rdb import models  # private in Optuna 5 (pinned <6)

    backend = rdb_of(study._storage)
    if backend is None:
        return []
    now = datetime.datetime.now()
    old = {t._trial_id: t.number for t in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,))
           if t.datetime_start and (now - t.datetime_start).total_seconds() > older_than_s}
    if not old:
        return []
    session = backend.scoped_session()
    try:
        beating = {row.trial_id for row in session.query(models.TrialHeartbeatModel)
                   .filter(models.TrialHeartbeatModel.trial_id.in_(list(old)))}
    finally:
        session.close()
    return [number for trial_id, number in old.items() if trial_id not in beating]
