"""Optuna storages: a journal file under `.dse/` by default, or any Optuna storage URL."""

from __future__ import annotations

import os
import pathlib
import warnings

import optuna

from ..errors import DseError

DEFAULT_JOURNAL = pathlib.Path(".dse") / "studies.journal"
#: RDB storages (many hosts): each running trial's heartbeat is recorded every HEARTBEAT_S;
#: a trial silent for GRACE_S belonged to a dead worker, is failed, and is requeued once more.
HEARTBEAT_S = 2
GRACE_S = 10


def storage_url(url: str | None) -> str:
    """The URL as given, or the default journal file (its folder created on first write)."""
    return url or str(DEFAULT_JOURNAL)


def storage_exists(url: str | None) -> bool:
    """False only for a journal file that has not been written yet."""
    url = storage_url(url)
    return "://" in url or pathlib.Path(url.removeprefix("journal:")).exists()


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


def repair_journal(path: pathlib.Path) -> int:
    """Move a torn last record to PATH.torn and cut the journal after its last complete record."""
    cut = torn_tail(path)
    if cut:
        size = path.stat().st_size
        with path.open("rb") as fh:
            fh.seek(size - cut)
            (path.parent / (path.name + ".torn")).write_bytes(fh.read())
        os.truncate(path, size - cut)
    return cut


def open_storage(url: str | None, create: bool = False) -> optuna.storages.BaseStorage:
    """A journal file (a path, or `journal:PATH`) or an RDB URL (sqlite:///, postgresql+psycopg://)."""
    url = storage_url(url)
    if "://" not in url:
        path = pathlib.Path(url.removeprefix("journal:"))
        if not path.exists() and not create:
            raise DseError("--storage", f"no study storage at {path} (start a study first)")
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = optuna.storages.journal.JournalFileOpenLock(str(path))
        torn = 0
        if path.exists():
            lock.acquire()  # writers append under this lock: never mistake a write in progress for damage
            try:
                torn = torn_tail(path)
            finally:
                lock.release()
        if torn:
            raise DseError("--storage", f"{path} ends with a record cut short by a crash ({torn} bytes); "
                                        f"'dse study repair --storage {path}' moves it to {path.name}.torn and "
                                        "'dse study resume' then reruns that trial")
        backend = optuna.storages.journal.JournalFileBackend(str(path), lock_obj=lock)
        return optuna.storages.JournalStorage(backend)
    try:
        with warnings.catch_warnings():  # heartbeats are "experimental" in Optuna 5; dse relies on them
            warnings.simplefilter("ignore")
            return optuna.storages.RDBStorage(
                url, heartbeat_interval=HEARTBEAT_S, grace_period=GRACE_S,
                heartbeat_stale_trial_callback=optuna.storages.RetryHeartbeatStaleTrialCallback(max_retry=3))
    except (ImportError, ModuleNotFoundError) as err:
        raise DseError("--storage", f"{url.split('://')[0]} needs a driver: {err}") from None
    except Exception as err:  # SQLAlchemy raises many types for bad URLs or unreachable servers
        raise DseError("--storage", f"cannot open {url}: {type(err).__name__}: {str(err).splitlines()[0]}") from None


def heartbeatless_running(study: optuna.Study, older_than_s: float) -> list[int]:
    """Numbers of RUNNING trials with no heartbeat at all, started more than `older_than_s` ago:
    their worker died between asking and its first heartbeat. Optuna's stale check skips
    trials without a heartbeat, so they would stay RUNNING forever. RDB storages only."""
    import datetime

    from optuna.storages._rdb import models  # private in Optuna 5 (pinned <6)

    backend = getattr(study._storage, "_backend", study._storage)
    if not isinstance(backend, optuna.storages.RDBStorage):
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
