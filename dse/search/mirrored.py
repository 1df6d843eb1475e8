"""Studies on a database (PostgreSQL) that scale with workers: sample locally, write finished trials in bulk.

Optuna's RDB storage costs ~100 SQL statements per trial when every ask, parameter and
attribute is its own transaction and the sampler rereads the study at each ask; workers then
queue on the database (measured: 9.8 / 15.3 / 10.7 trials/s with 1 / 2 / 4 workers). Here each
worker keeps an in-memory mirror of the study: it syncs the finished trials others wrote (their
ids and origins, then only the others' trials in full), asks and tells a batch locally (no
statements), and writes the batch's
finished trials in one short critical section under a PostgreSQL advisory lock that re-counts
the completed trials, so the total is exactly the target however many workers run (extra
trials are dropped unwritten). No trial is RUNNING in the database, so no heartbeats are
needed: a killed worker's batch is simply never written. When the database goes away, the
worker keeps its finished batch, reports the failure through `notify` and retries with
exponential backoff until it is back.
"""

from __future__ import annotations

import time
import uuid
import zlib
from collections.abc import Callable

import optuna
from optuna.trial import TrialState

from ..errors import DseError

#: Marks a trial's origin so a worker does not copy its own trials back from the database.
ORIGIN_ATTR = "dse.uid"
#: Backoff between attempts while the database is unreachable: first, growth factor, ceiling.
BACKOFF_S, BACKOFF_FACTOR, BACKOFF_MAX_S = 0.5, 2.0, 10.0
#: Give up after this long without the database (one clear error instead of waiting forever).
GIVE_UP_S = 600.0


def _is_outage(err: BaseException | None) -> bool:
    """A lost or refused database connection: SQLAlchemy's operational or interface errors, also
    when Optuna wraps them (`StorageInternalError`)."""
    import sqlalchemy.exc

    while err is not None:
        if isinstance(err, sqlalchemy.exc.OperationalError | sqlalchemy.exc.InterfaceError):
            return True
        err = err.__cause__ or err.__context__
    return False


def with_retry(action: Callable[[], object], what: str, notify: Callable[[str], None] | None):
    """Run `action`; while the database is unreachable, wait with backoff and try again."""
    delay, waited = BACKOFF_S, 0.0
    while True:
        try:
            return action()
        except Exception as err:  # noqa: BLE001 - outages arrive as several SQLAlchemy types
            if not _is_outage(err):
                raise
            if waited >= GIVE_UP_S:
                raise DseError("--storage", f"the database was unreachable for {waited:.0f} s while {what}: "
                                            f"{str(err).splitlines()[0]}") from None
            if notify:
                notify(f"database unreachable while {what} ({type(err).__name__}); retrying in {delay:.1f} s")
            time.sleep(delay)
            waited += delay
            delay = min(delay * BACKOFF_FACTOR, BACKOFF_MAX_S)


class Mirror:
    """A worker's in-memory copy of a database study."""

    def __init__(self, remote: optuna.Study, sampler, notify: Callable[[str], None] | None = None):
        self.remote, self.notify = remote, notify
        memory = optuna.storages.InMemoryStorage()
        self.local = optuna.create_study(storage=memory, study_name=remote.study_name, sampler=sampler,
                                         directions=remote.directions)
        for key, value in remote.user_attrs.items():
            self.local.set_user_attr(key, value)
        self.seen: set[str] = set()  # origins of the trials the mirror holds
        self.last_id = -1  # the newest database trial id looked at
        self.sync()

    def sync(self) -> int:
        """Copy the finished trials other workers wrote since the last sync (their ids and origins
        first, then only the others' trials in full); returns the database's completed count."""
        return with_retry(self._sync, "reading the study", self.notify)

    def _sync(self) -> int:
        import json

        import sqlalchemy

        rdb = getattr(self.remote._storage, "_backend", self.remote._storage)
        study_id = self.remote._study_id
        with rdb.engine.connect() as conn:
            rows = conn.execute(sqlalchemy.text(
                "SELECT t.trial_id, a.value_json FROM trials t LEFT JOIN trial_system_attributes a "
                "ON a.trial_id = t.trial_id AND a.key = :k WHERE t.study_id = :s AND t.trial_id > :last "
                "AND t.state IN ('COMPLETE', 'FAIL', 'PRUNED')"),
                {"k": ORIGIN_ATTR, "s": study_id, "last": self.last_id}).all()
            complete = conn.execute(sqlalchemy.text(
                "SELECT count(*) FROM trials WHERE study_id = :s AND state = 'COMPLETE'"), {"s": study_id}).scalar()
        others = {trial_id for trial_id, uid in rows if (json.loads(uid) if uid else f"db-{trial_id}") not in self.seen}
        if rows:
            self.last_id = max(self.last_id, max(trial_id for trial_id, _ in rows))
        if others:
            with rdb.engine.connect() as conn:
                new = read_trials(conn, sorted(others))
            self.seen.update(t.system_attrs.get(ORIGIN_ATTR, f"db-{t._trial_id}") for t in new)
            self.local.add_trials(new)
        return int(complete)

    def write(self, finished: list[optuna.trial.FrozenTrial], target: int) -> int:
        """Write finished trials to the database under its lock, keeping the completed total at
        most `target`; returns how many were written."""
        for t in finished:
            uid = uuid.uuid4().hex
            t.system_attrs[ORIGIN_ATTR] = uid
            self.seen.add(uid)
        return with_retry(lambda: self._write_locked(finished, target), "writing finished trials", self.notify)

    def _write_locked(self, finished: list[optuna.trial.FrozenTrial], target: int) -> int:
        import sqlalchemy

        rdb = getattr(self.remote._storage, "_backend", self.remote._storage)
        key = zlib.crc32(self.remote.study_name.encode())
        with rdb.engine.begin() as conn:  # one transaction: the advisory lock ends with it
            conn.execute(sqlalchemy.text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
            count = conn.execute(sqlalchemy.text(
                "SELECT count(*) FILTER (WHERE t.state = 'COMPLETE'), count(*) FROM trials t "
                "JOIN studies s ON t.study_id = s.study_id WHERE s.study_name = :n"),
                {"n": self.remote.study_name}).one()
            room = max(target - int(count[0]), 0)
            keep, done = [], 0
            for t in finished:  # failed trials do not count against the budget
                if t.state == TrialState.COMPLETE:
                    if done >= room:
                        continue
                    done += 1
                keep.append(t)
            if keep:
                insert_trials(conn, self.remote._study_id, int(count[1]), keep)
            return len(keep)


def read_trials(conn, trial_ids: list[int]) -> list[optuna.trial.FrozenTrial]:
    """Finished trials by database id, in number order: five plain SELECTs instead of Optuna's ORM
    reader (which cost ~4 ms a trial and made every worker re-pay the others' trials)."""
    import json

    import sqlalchemy
    from optuna.distributions import json_to_distribution
    from optuna.storages._rdb import models

    ids = {"ids": trial_ids}

    def rows(sql: str):
        return conn.execute(sqlalchemy.text(sql), ids).all()

    params: dict[int, dict] = {i: {} for i in trial_ids}
    dists: dict[int, dict] = {i: {} for i in trial_ids}
    values: dict[int, dict[int, float]] = {i: {} for i in trial_ids}
    user: dict[int, dict] = {i: {} for i in trial_ids}
    system: dict[int, dict] = {i: {} for i in trial_ids}
    parsed: dict[str, optuna.distributions.BaseDistribution] = {}  # a space has few distinct distributions
    for trial_id, name, value, dist_json in rows(
            "SELECT trial_id, param_name, param_value, distribution_json FROM trial_params WHERE trial_id = ANY(:ids)"):
        dist = parsed.get(dist_json) or parsed.setdefault(dist_json, json_to_distribution(dist_json))
        params[trial_id][name] = dist.to_external_repr(value)
        dists[trial_id][name] = dist
    for trial_id, objective, value, kind in rows(
            "SELECT trial_id, objective, value, value_type FROM trial_values WHERE trial_id = ANY(:ids)"):
        values[trial_id][objective] = models.TrialValueModel.stored_repr_to_value(
            value, models.TrialValueModel.TrialValueType[kind])
    for table, into in (("trial_user_attributes", user), ("trial_system_attributes", system)):
        sql = f"SELECT trial_id, key, value_json FROM {table} WHERE trial_id = ANY(:ids)"
        for trial_id, key, value_json in rows(sql):
            into[trial_id][key] = json.loads(value_json)
    out = []
    for trial_id, number, state, start, complete in rows(
            "SELECT trial_id, number, state, datetime_start, datetime_complete FROM trials "
            "WHERE trial_id = ANY(:ids) ORDER BY number"):
        vals = [values[trial_id][k] for k in sorted(values[trial_id])] or None
        out.append(optuna.trial.FrozenTrial(
            number=number, state=TrialState[state], value=None, values=vals, datetime_start=start,
            datetime_complete=complete, params=params[trial_id], distributions=dists[trial_id],
            user_attrs=user[trial_id], system_attrs=system[trial_id], intermediate_values={}, trial_id=trial_id))
    return out


def insert_trials(conn, study_id: int, first_number: int, trials: list[optuna.trial.FrozenTrial]) -> None:
    """Finished trials as Optuna's RDB schema stores them, one multi-row INSERT per table (so a
    batch costs a handful of statements, not ~40 per trial; compiled once and cached). Optuna is
    pinned < 6: its table models are read from `optuna.storages._rdb.models`."""
    import datetime
    import json

    from optuna.distributions import distribution_to_json
    from optuna.storages._rdb import models
    from sqlalchemy import insert

    def utc(value: datetime.datetime | None):
        return None if value is None else value.astimezone(datetime.UTC).replace(tzinfo=None)

    rows = [{"number": first_number + i, "study_id": study_id, "state": t.state,
             "datetime_start": utc(t.datetime_start), "datetime_complete": utc(t.datetime_complete)}
            for i, t in enumerate(trials)]
    table = models.TrialModel.__table__
    made = conn.execute(insert(table).returning(table.c.trial_id, table.c.number, sort_by_parameter_order=True),
                        rows).all()
    ids = {number: trial_id for trial_id, number in made}
    params, values, user, system = [], [], [], []
    for i, t in enumerate(trials):
        trial_id = ids[first_number + i]
        params += [{"trial_id": trial_id, "param_name": name, "param_value": t.distributions[name].to_internal_repr(v),
                    "distribution_json": distribution_to_json(t.distributions[name])} for name, v in t.params.items()]
        for objective, value in enumerate(t.values or []):
            stored, kind = models.TrialValueModel.value_to_stored_repr(value)
            values.append({"trial_id": trial_id, "objective": objective, "value": stored, "value_type": kind})
        user += [{"trial_id": trial_id, "key": k, "value_json": json.dumps(v)} for k, v in t.user_attrs.items()]
        system += [{"trial_id": trial_id, "key": k, "value_json": json.dumps(v)} for k, v in t.system_attrs.items()]
    for model, table_rows in ((models.TrialParamModel, params), (models.TrialValueModel, values),
                              (models.TrialUserAttributeModel, user), (models.TrialSystemAttributeModel, system)):
        if table_rows:  # with RETURNING, SQLAlchemy sends one multi-row INSERT per 1,000 rows ("insertmanyvalues")
            key = model.__table__.primary_key.columns.values()[0]
            conn.execute(insert(model.__table__).returning(key), table_rows)


def supports(storage) -> bool:
    """Whether a study's storage is a PostgreSQL database this module can write to."""
    rdb = getattr(storage, "_backend", storage)
    return isinstance(rdb, optuna.storages.RDBStorage) and rdb.engine.dialect.name == "postgresql"
