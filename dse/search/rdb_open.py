"""Open a database storage without Alembic when its schema is already Optuna's newest.

Optuna's `RDBStorage` checks the schema at every open through Alembic: importing it and reading
Optuna's migration scripts with it cost 0.13 s here (0.2 s where Pygments is installed, which
Alembic's template engine then loads), a fifth of a `dse worker`'s start, paid again by every
worker and every `dse` command on a database. The check passes when one row agrees with one
file: the database's `alembic_version` and the newest of Optuna's migration scripts (each names
its `revision` and `down_revision`). This module reads both as plain text and SQL and, when they
agree, builds the storage without table creation and without the version manager; in every
other case (a new database, an older schema, scripts it cannot read) it returns None, and
Optuna's own constructor does the whole check, with its own messages.

Optuna is pinned < 6: `_SchemaCheckedRDBStorage` sets the attributes `RDBStorage.__init__` sets
(a test compares the two sets, so an Optuna that adds one fails it rather than a worker).
"""

from __future__ import annotations

import functools
import pathlib
import re
from collections.abc import Callable

import optuna

_REVISION = re.compile(r'^revision = "([^"]+)"', re.M)
_DOWN_REVISION = re.compile(r'^down_revision = (?:"([^"]+)"|None)', re.M)


@functools.cache
def optuna_schema_head() -> str | None:
    """The revision of Optuna's newest schema, read from its migration scripts (the revision no
    other script names as its `down_revision`); None if they cannot be read that way."""
    folder = pathlib.Path(optuna.storages.__file__).parent / "_rdb" / "alembic" / "versions"
    revisions, parents = set(), set()
    for script in folder.glob("*.py"):
        text = script.read_text(encoding="utf-8")
        revision, down = _REVISION.search(text), _DOWN_REVISION.search(text)
        if revision is None or down is None:
            return None
        revisions.add(revision.group(1))
        parents.add(down.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _schema_revision(engine) -> str | None:
    """The database's schema revision (Alembic's one-row table), or None without one."""
    import sqlalchemy

    with engine.connect() as conn:  # no server: raised here, as Optuna's constructor would
        try:
            return conn.execute(sqlalchemy.text("SELECT version_num FROM alembic_version")).scalar()
        except sqlalchemy.exc.DBAPIError:  # no such table: a new database, which Optuna sets up
            return None


class _SchemaCheckedRDBStorage(optuna.storages.RDBStorage):
    """An `RDBStorage` whose schema was found at Optuna's newest: its constructor's attributes,
    without creating tables or a version manager (the parts of it that need Alembic). Pickled and
    restored (`__setstate__`), it is an ordinary `RDBStorage` again."""

    def __init__(self, url: str, engine_kwargs: dict, engine, heartbeat_interval: int | None,
                 grace_period: int | None, heartbeat_stale_trial_callback: Callable | None) -> None:
        import sqlalchemy.orm

        self.engine_kwargs, self.url = engine_kwargs, url
        self.skip_compatibility_check = False  # a restored copy checks, as Optuna's would
        self.heartbeat_interval, self.grace_period = heartbeat_interval, grace_period
        self.heartbeat_stale_trial_callback = self.failed_trial_callback = heartbeat_stale_trial_callback
        self.engine = engine
        self.scoped_session = sqlalchemy.orm.scoped_session(sqlalchemy.orm.sessionmaker(bind=engine))
        self._version_manager = None  # upgrade/version queries: open with RDBStorage for those


def open_at_head(url: str, heartbeat_interval: int | None = None, grace_period: int | None = None,
                 heartbeat_stale_trial_callback: Callable | None = None) -> optuna.storages.RDBStorage | None:
    """The storage at `url` if its schema is Optuna's newest (no Alembic), else None."""
    import sqlalchemy

    head = optuna_schema_head()
    if head is None:
        return None
    url = optuna.storages.RDBStorage._fill_storage_url_template(url)
    kwargs: dict = {}
    optuna.storages.RDBStorage._set_default_engine_kwargs_for_mysql(url, kwargs)
    engine = sqlalchemy.create_engine(url, **kwargs)
    if _schema_revision(engine) != head:
        engine.dispose()
        return None
    return _SchemaCheckedRDBStorage(url, kwargs, engine, heartbeat_interval, grace_period,
                                    heartbeat_stale_trial_callback)
