"""Optuna storages: a journal file under `.dse/` by default, or any Optuna storage URL."""

from __future__ import annotations

import pathlib

import optuna

from .errors import DseError

DEFAULT_JOURNAL = pathlib.Path(".dse") / "studies.journal"


def storage_url(url: str | None) -> str:
    """The URL as given, or the default journal file (its folder created on first write)."""
    return url or str(DEFAULT_JOURNAL)


def storage_exists(url: str | None) -> bool:
    """False only for a journal file that has not been written yet."""
    url = storage_url(url)
    return "://" in url or pathlib.Path(url.removeprefix("journal:")).exists()


def open_storage(url: str | None, create: bool = False) -> optuna.storages.BaseStorage:
    """A journal file (a path, or `journal:PATH`) or an RDB URL (sqlite:///, postgresql+psycopg://)."""
    url = storage_url(url)
    if "://" not in url:
        path = pathlib.Path(url.removeprefix("journal:"))
        if not path.exists() and not create:
            raise DseError("--storage", f"no study storage at {path} (start a study first)")
        path.parent.mkdir(parents=True, exist_ok=True)
        backend = optuna.storages.journal.JournalFileBackend(
            str(path), lock_obj=optuna.storages.journal.JournalFileOpenLock(str(path)))
        return optuna.storages.JournalStorage(backend)
    try:
        return optuna.storages.RDBStorage(url)
    except (ImportError, ModuleNotFoundError) as err:
        raise DseError("--storage", f"{url.split('://')[0]} needs a driver: {err}") from None
    except Exception as err:  # SQLAlchemy raises many types for bad URLs or unreachable servers
        raise DseError("--storage", f"cannot open {url}: {type(err).__name__}: {str(err).splitlines()[0]}") from None
