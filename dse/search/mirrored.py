"""Studies on a database (PostgreSQL) that scale with workers: sample locally, write finished trials in bulk.

Optuna's RDB storage costs ~100 SQL statements per trial when every ask, parameter and
attribute is its own transaction and the sampler rereads the study at each ask; workers then
queue on the database (measured: 9.8 / 15.3 / 10.7 trials/s with 1 / 2 / 4 workers). Here each
worker keeps an in-memory mirror of the study: it syncs the finished trials others wrote (their
ids and origins, then only the others' trials in full), asks and tells a batch locally (no
statements), and writes the batch's
finished trials in one short critical section under a PostgreSQL advisory lock that counts the
trials written since its last count, so the total is exactly the target however many workers run
(extra trials are dropped unwritten). No trial is RUNNING in the database, so no heartbeats are
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
        self.engine = getattr(remote._storage, "_backend", remote._storage).engine  # the database's
        memory = _OwningMemory()
        self.local = optuna.create_study(storage=memory, study_name=remote.study_name, sampler=sampler,
                                         directions=remote.directions)
        for key, value in remote.user_attrs.items():
            self.local.set_user_attr(key, value)
        self.seen: set[str] = set()  # origins of the trials the mirror holds
        self.synced = _Tally()  # the study's trials up to the newest database id the mirror looked at
        self.locked = _Tally()  # the study's trials as last counted under the lock (plus this worker's writes)
        self.sync()

    def sync(self) -> int:
        """Copy the finished trials other workers wrote since the last sync (their ids and origins
        first, then only the others' trials in full); returns the database's completed count."""
        return with_retry(self._sync, "reading the study", self.notify)

    def _sync(self) -> int:
        import json

        import sqlalchemy

        study_id = self.remote._study_id
        with self.engine.connect() as conn:
            rows = conn.execute(sqlalchemy.text(
                "SELECT t.trial_id, t.state::text, a.value_json FROM trials t LEFT JOIN trial_system_attributes a "
                "ON a.trial_id = t.trial_id AND a.key = :k WHERE t.study_id = :s AND t.trial_id > :last"),
                {"k": ORIGIN_ATTR, "s": study_id, "last": self.synced.upto}).all()
            tally = self.synced.copy()
            tally.add([state for _, state, _ in rows], max((i for i, _, _ in rows), default=tally.upto))
            complete = tally.complete if tally.exact else conn.execute(sqlalchemy.text(
                "SELECT count(*) FROM trials WHERE study_id = :s AND state = 'COMPLETE'"), {"s": study_id}).scalar()
            others = sorted(trial_id for trial_id, state, uid in rows if state in _FINISHED_NAMES and
                            (json.loads(uid) if uid else f"db-{trial_id}") not in self.seen)
            new = read_trials(conn, others) if others else []
        self.synced = tally  # only now: a failed read is read again on the retry
        if new:
            self.seen.update(t.system_attrs.get(ORIGIN_ATTR, f"db-{t._trial_id}") for t in new)
            self.local._storage.adopt(self.local._study_id, new)
        return int(complete)

    def write(self, finished: list[optuna.trial.FrozenTrial], target: int) -> int:
        """Write finished trials to the database under its lock, keeping the completed total at
        most `target`; returns how many were written."""
        for t in finished:
            uid = uuid.uuid4().hex
            t.system_attrs[ORIGIN_ATTR] = uid
            self.seen.add(uid)
        attempts = [0]

        def once() -> int:
            attempts[0] += 1
            if attempts[0] > 1 and finished:  # after an outage: did the lost attempt commit?
                stored = self._stored_of([t.system_attrs[ORIGIN_ATTR] for t in finished])
                if stored:
                    return stored
            return self._write_locked(finished, target)

        return with_retry(once, "writing finished trials", self.notify)

    def _stored_of(self, uids: list[str]) -> int:
        """How many of these trials (by origin) the database holds: a write whose commit reached
        the server but whose answer was lost is not written again (a batch is one transaction,
        so it is all there or none of it)."""
        import json

        import sqlalchemy

        with self.engine.connect() as conn:
            return int(conn.execute(sqlalchemy.text(
                "SELECT count(*) FROM trial_system_attributes a JOIN trials t ON t.trial_id = a.trial_id "
                "WHERE t.study_id = :s AND a.key = :k AND a.value_json = ANY(:v)"),
                {"s": self.remote._study_id, "k": ORIGIN_ATTR, "v": [json.dumps(u) for u in uids]}).scalar())

    def _write_locked(self, finished: list[optuna.trial.FrozenTrial], target: int) -> int:
        import sqlalchemy

        key = zlib.crc32(self.remote.study_name.encode())
        with self.engine.begin() as conn:  # one transaction: the advisory lock ends with it
            conn.execute(sqlalchemy.text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
            tally = self._count_locked(conn)
            room = max(target - tally.complete, 0)
            keep, done = [], 0
            for t in finished:  # failed trials do not count against the budget
                if t.state == TrialState.COMPLETE:
                    if done >= room:
                        continue
                    done += 1
                keep.append(t)
            ids = insert_trials(conn, self.remote._study_id, tally.total, keep) if keep else []
        tally.add([t.state.name for t in keep], max(ids, default=tally.upto))  # committed: now they count
        self.locked = tally
        return len(keep)

    def _count_locked(self, conn) -> _Tally:
        """The study's trials, counted under its lock. Every writer numbers and commits its trials
        under that lock, so database ids grow in commit order: only the trials after the last
        count need counting (a range of the primary key), and the lock's hold does not grow with
        the study. A trial written unfinished (not by a dse worker) could still change: then, and
        on the first count, every trial is counted. (Trials another program inserts without the
        lock are counted if they commit before the next count; dse's own writers all take it.)"""
        import sqlalchemy

        tally = self.locked.copy()
        if not tally.exact:
            tally = _Tally()
        rows = conn.execute(sqlalchemy.text(
            "SELECT state::text, count(*), max(trial_id) FROM trials WHERE study_id = :s AND trial_id > :after "
            "GROUP BY state"), {"s": self.remote._study_id, "after": tally.upto}).all()
        for state, n, newest in rows:
            tally.add([state] * int(n), int(newest))
        return tally


_FINISHED_NAMES = ("COMPLETE", "FAIL", "PRUNED")


class _Tally:
    """A study's trials up to database id `upto`: how many, how many complete, and whether all
    of them were finished when seen (`exact`: a dse worker writes trials finished, and a finished
    trial never changes, so counts of the trials after `upto` can be added to these)."""

    def __init__(self, upto: int = -1, complete: int = 0, total: int = 0, exact: bool = True):
        self.upto, self.complete, self.total, self.exact = upto, complete, total, exact

    def add(self, states: list[str], newest: int) -> None:
        self.complete += states.count("COMPLETE")
        self.total += len(states)
        self.exact = self.exact and all(state in _FINISHED_NAMES for state in states)
        self.upto = max(self.upto, newest)

    def copy(self) -> _Tally:
        return _Tally(self.upto, self.complete, self.total, self.exact)


class _OwningMemory(optuna.storages.InMemoryStorage):
    """Optuna's in-memory storage, plus `adopt`: append trials read from the database as they are.
    `Study.add_trials` deep-copies each trial with its distributions (0.4 ms a trial, which every
    worker paid again for every other worker's trial); `read_trials` builds them fresh and nothing
    else refers to them, so the mirror can own them. Optuna is pinned < 6 (its fields are read)."""

    def adopt(self, study_id: int, trials: list[optuna.trial.FrozenTrial]) -> None:
        with self._lock:
            study = self._studies[study_id]
            for trial in trials:
                self._max_trial_id += 1
                trial._trial_id, trial.number = self._max_trial_id, len(study.trials)
                self._trial_id_to_study_id_and_number[trial._trial_id] = (study_id, trial.number)
                study.trials.append(trial)
                self._update_cache(trial._trial_id, study_id)


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


#: Each table's columns as `insert_trials` sends them: one array per column, unnested by the server.
_TRIAL_COLUMNS = (("number", "integer"), ("study_id", "integer"), ("state", "trialstate"),
                  ("datetime_start", "timestamp"), ("datetime_complete", "timestamp"))
_COLUMNS = {
    "trial_params": (("trial_id", "integer"), ("param_name", "text"), ("param_value", "double precision"),
                     ("distribution_json", "text")),
    "trial_values": (("trial_id", "integer"), ("objective", "integer"), ("value", "double precision"),
                     ("value_type", "trialvaluetype")),
    "trial_user_attributes": (("trial_id", "integer"), ("key", "text"), ("value_json", "text")),
    "trial_system_attributes": (("trial_id", "integer"), ("key", "text"), ("value_json", "text")),
}


def _unnest_insert(table: str, columns) -> str:
    """INSERT of a whole batch as one short statement: `SELECT FROM unnest(array per column)`.
    A multi-row VALUES list of a few thousand parameters cost more to build, parse and plan (on
    the worker and on the server) than the rows cost to write."""
    names = ", ".join(name for name, _ in columns)
    arrays = ", ".join(f"CAST(:{name} AS {kind}[])" for name, kind in columns)
    return f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays})"


def insert_trials(conn, study_id: int, first_number: int, trials: list[optuna.trial.FrozenTrial]) -> list[int]:
    """Finished trials as Optuna's RDB schema stores them: one INSERT per table for the whole
    batch (`_unnest_insert`); returns their database ids. Optuna is pinned < 6: its value
    encoding is read from `optuna.storages._rdb.models`."""
    import datetime
    import json

    import sqlalchemy
    from optuna.distributions import distribution_to_json
    from optuna.storages._rdb import models

    def utc(value: datetime.datetime | None):
        return None if value is None else value.astimezone(datetime.UTC).replace(tzinfo=None)

    made = conn.execute(sqlalchemy.text(_unnest_insert("trials", _TRIAL_COLUMNS) + " RETURNING trial_id, number"),
                        {"number": [first_number + i for i in range(len(trials))],
                         "study_id": [study_id] * len(trials), "state": [t.state.name for t in trials],
                         "datetime_start": [utc(t.datetime_start) for t in trials],
                         "datetime_complete": [utc(t.datetime_complete) for t in trials]}).all()
    ids = {number: trial_id for trial_id, number in made}
    rows: dict[str, list[tuple]] = {table: [] for table in _COLUMNS}
    dist_json: dict[int, str] = {}  # a space has few distinct distributions: serialize each once
    for i, t in enumerate(trials):
        trial_id = ids[first_number + i]
        for name, v in t.params.items():
            dist = t.distributions[name]
            text = dist_json.get(id(dist)) or dist_json.setdefault(id(dist), distribution_to_json(dist))
            rows["trial_params"].append((trial_id, name, float(dist.to_internal_repr(v)), text))
        for objective, value in enumerate(t.values or []):
            stored, kind = models.TrialValueModel.value_to_stored_repr(value)
            rows["trial_values"].append((trial_id, objective, None if stored is None else float(stored), kind.name))
        rows["trial_user_attributes"] += [(trial_id, k, json.dumps(v)) for k, v in t.user_attrs.items()]
        rows["trial_system_attributes"] += [(trial_id, k, json.dumps(v)) for k, v in t.system_attrs.items()]
    for table, table_rows in rows.items():
        if table_rows:
            columns = _COLUMNS[table]
            by_column = zip(*table_rows, strict=True)
            arrays = {name: list(column) for (name, _), column in zip(columns, by_column, strict=True)}
            conn.execute(sqlalchemy.text(_unnest_insert(table, columns)), arrays)
    return list(ids.values())


def supports(storage) -> bool:
    """Whether a study's storage is a PostgreSQL database this module can write to."""
    rdb = getattr(storage, "_backend", storage)
    return isinstance(rdb, optuna.storages.RDBStorage) and rdb.engine.dialect.name == "postgresql"
