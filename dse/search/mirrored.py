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

import re
import time
import uuid
import zlib
from collections.abc import Callable

import optuna
from optuna.trial import TrialState

from ..errors import DseError
from .storage import rdb_of

#: Marks a trial's origin so a worker does not copy its own trials back from the database.
ORIGIN_ATTR = "dse.uid"
#: Backoff between attempts while the database is unreachable: first, growth factor, ceiling.
BACKOFF_S, BACKOFF_FACTOR, BACKOFF_MAX_S = 0.5, 2.0, 10.0
#: Give up after this long without the database (one clear error instead of waiting forever).
GIVE_UP_S = 600.0


def _outage(err: BaseException | None) -> BaseException | None:
    """The lost or refused database connection behind `err`, if that is what it is: SQLAlchemy's
    operational or interface errors, also when Optuna or dse wraps them (`StorageInternalError`,
    the `DseError` of a database that cannot be opened)."""
    import sqlalchemy.exc

    while err is not None:
        if isinstance(err, sqlalchemy.exc.OperationalError | sqlalchemy.exc.InterfaceError):
            return err
        err = err.__cause__ or err.__context__
    return None


def with_retry(action: Callable[[], object], what: str, notify: Callable[[str], None] | None):
    """Run `action`; while the database is unreachable, wait with backoff and try again."""
    delay, waited = BACKOFF_S, 0.0
    while True:
        try:
            return action()
        except Exception as err:  # noqa: BLE001 - outages arrive as several SQLAlchemy types
            lost = _outage(err)
            if lost is None:
                raise
            if waited >= GIVE_UP_S:
                raise DseError("--storage", f"the database was unreachable for {waited:.0f} s while {what}: "
                                            f"{str(err).splitlines()[0]}") from None
            if notify:
                notify(f"database unreachable while {what} ({type(lost).__name__}); retrying in {delay:.1f} s")
            time.sleep(delay)
            waited += delay
            delay = min(delay * BACKOFF_FACTOR, BACKOFF_MAX_S)


class Mirror:
    """A worker's in-memory copy of a database study."""

    #: A database study keeps its trials' detail in their attributes (`study.tell_outcome`).
    detail_folder = None

    def __init__(self, remote: optuna.Study, sampler, notify: Callable[[str], None] | None = None):
        self.remote, self.notify = remote, notify
        self.engine = rdb_of(remote._storage).engine
        self.local = local_study(remote, sampler)
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

    def write(self, finished: list[optuna.trial.FrozenTrial], target: int) -> list[int]:
        """Write finished trials to the database under its lock, keeping the completed total at
        most `target`; returns the positions (in `finished`) of those written: completed trials
        past the target are not."""
        for t in finished:
            uid = uuid.uuid4().hex
            t.system_attrs[ORIGIN_ATTR] = uid
            self.seen.add(uid)
        rows = BatchRows(finished)  # encoded before the lock: the lock's hold is the database's work
        attempts = [0]

        def once() -> list[int]:
            attempts[0] += 1
            if attempts[0] > 1 and finished:  # after an outage: did the lost attempt commit?
                uids = [t.system_attrs[ORIGIN_ATTR] for t in finished]
                stored = self._stored_of(uids)
                if stored:
                    return [i for i, u in enumerate(uids) if u in stored]
            return self._write_locked(rows, target)

        return with_retry(once, "writing finished trials", self.notify)

    def _stored_of(self, uids: list[str]) -> set[str]:
        """Which of these trials (by origin) the database holds: a write whose commit reached
        the server but whose answer was lost is not written again (a batch is one transaction,
        so what it kept is all there or none of it)."""
        import json

        import sqlalchemy

        with self.engine.connect() as conn:
            found = conn.execute(sqlalchemy.text(
                "SELECT a.value_json FROM trial_system_attributes a JOIN trials t ON t.trial_id = a.trial_id "
                "WHERE t.study_id = :s AND a.key = :k AND a.value_json = ANY(:v)"),
                {"s": self.remote._study_id, "k": ORIGIN_ATTR, "v": [json.dumps(u) for u in uids]}).scalars()
            return {json.loads(v) for v in found}

    def _write_locked(self, rows: BatchRows, target: int) -> list[int]:
        import sqlalchemy

        key = zlib.crc32(self.remote.study_name.encode())
        with self.engine.begin() as conn:  # one transaction: the advisory lock ends with it
            conn.execute(sqlalchemy.text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
            tally = self._count_locked(conn)
            keep = within_target(rows.trials, target - tally.complete)
            ids = rows.insert(conn, self.remote._study_id, tally.total, keep) if keep else []
        tally.add([rows.trials[i].state.name for i in keep], max(ids, default=tally.upto))  # committed: now they count
        self.locked = tally
        return keep

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


def within_target(trials: list[optuna.trial.FrozenTrial], room: int) -> list[int]:
    """The positions of the trials to write when `room` more completed trials fit the target:
    every trial that did not complete (failed trials do not count against it), and the first
    completed ones that fit."""
    keep, done = [], 0
    for i, t in enumerate(trials):
        if t.state == TrialState.COMPLETE:
            if done >= room:
                continue
            done += 1
        keep.append(i)
    return keep


def local_study(remote: optuna.Study, sampler) -> optuna.Study:
    """An empty in-memory study with `remote`'s name, directions and user attributes, whose
    storage can `adopt` trials: a worker's mirror of `remote`."""
    local = optuna.create_study(storage=_OwningMemory(), study_name=remote.study_name, sampler=sampler,
                                directions=remote.directions)
    for key, value in remote.user_attrs.items():
        local.set_user_attr(key, value)
    return local


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


#: The rows `read_trials` reads, each table filtered by `_BY_IDS`.
_READ_SQL = {
    "params": "SELECT trial_id, param_name, param_value, distribution_json FROM trial_params",
    "values": "SELECT trial_id, objective, value, value_type FROM trial_values",
    "user": "SELECT trial_id, key, value_json FROM trial_user_attributes",
    "system": "SELECT trial_id, key, value_json FROM trial_system_attributes",
    "trials": "SELECT trial_id, number, state, datetime_start, datetime_complete FROM trials",
}
#: The range bounds the index scan whatever the planner knows: a study's tables are not yet
#: analyzed in its first minute (autovacuum's), and without statistics PostgreSQL guessed that
#: `= ANY` of 50 ids matches a quarter of the rows and scanned the whole table (3.6 ms a read at
#: 10,000 trials: 0.7 s of execution in a two-worker run whose server used 2.3 s of CPU).
_BY_IDS = " WHERE trial_id BETWEEN :lo AND :hi AND trial_id = ANY(:ids)"
#: The same, for the driver's own cursor (psycopg's and psycopg2's parameter style): `read_trials`
#: took 35-40 us of a worker's CPU a trial reading through SQLAlchemy's result rows, 25-28 through
#: the driver's cursor (10,000 trials in batches of 50, both in one process, taking turns).
_BY_IDS_PYFORMAT = re.sub(r":(\w+)", r"%(\1)s", _BY_IDS)


def _fetch_rows(conn, trial_ids: list[int], driver_cursor: bool = True) -> dict[str, list]:
    """Each `_READ_SQL` table's rows of these trials (the trials' in number order), through the
    driver's own cursor where it takes named pyformat parameters (psycopg, psycopg2), else (or
    with `driver_cursor=False`) through SQLAlchemy."""
    import sqlalchemy

    ids = {"ids": trial_ids, "lo": min(trial_ids), "hi": max(trial_ids)}
    order = {"trials": " ORDER BY number"}
    if not driver_cursor or conn.dialect.paramstyle != "pyformat":
        return {table: conn.execute(sqlalchemy.text(sql + _BY_IDS + order.get(table, "")), ids).all()
                for table, sql in _READ_SQL.items()}
    dbapi, cursor, sql = conn.dialect.loaded_dbapi, conn.connection.cursor(), ""
    try:
        out = {}
        for table, query in _READ_SQL.items():
            sql = query + _BY_IDS_PYFORMAT + order.get(table, "")
            cursor.execute(sql, ids)
            out[table] = cursor.fetchall()
        return out
    except dbapi.Error as err:  # raised as SQLAlchemy would: a lost server is an OperationalError (retried)
        lost = conn.dialect.is_disconnect(err, conn.connection.dbapi_connection, cursor)
        if lost:
            conn.invalidate()
        raise sqlalchemy.exc.DBAPIError.instance(sql, ids, err, dbapi.Error, connection_invalidated=lost,
                                                 dialect=conn.dialect) from err
    finally:
        cursor.close()


def read_trials(conn, trial_ids: list[int]) -> list[optuna.trial.FrozenTrial]:
    """Finished trials by database id, in number order: five plain SELECTs instead of Optuna's ORM
    reader (which cost ~4 ms a trial and made every worker re-pay the others' trials)."""
    import json

    from optuna.distributions import json_to_distribution
    from optuna.storages._rdb import models

    rows = _fetch_rows(conn, trial_ids)
    params: dict[int, dict] = {i: {} for i in trial_ids}
    dists: dict[int, dict] = {i: {} for i in trial_ids}
    values: dict[int, dict[int, float]] = {i: {} for i in trial_ids}
    user: dict[int, dict] = {i: {} for i in trial_ids}
    system: dict[int, dict] = {i: {} for i in trial_ids}
    parsed: dict[str, optuna.distributions.BaseDistribution] = {}  # a space has few distinct distributions
    for trial_id, name, value, dist_json in rows["params"]:
        dist = parsed.get(dist_json) or parsed.setdefault(dist_json, json_to_distribution(dist_json))
        params[trial_id][name] = dist.to_external_repr(value)
        dists[trial_id][name] = dist
    for trial_id, objective, value, kind in rows["values"]:
        values[trial_id][objective] = models.TrialValueModel.stored_repr_to_value(
            value, models.TrialValueModel.TrialValueType[kind])
    for table, into in (("user", user), ("system", system)):
        found = rows[table]
        # one parse for all of a table's values (stored JSON texts joined into an array): a
        # json.loads per value cost ~40% of this function
        decoded = json.loads("[" + ",".join(value_json for _, _, value_json in found) + "]")
        for (trial_id, key, _), value in zip(found, decoded, strict=True):
            into[trial_id][key] = value
    out = []
    for trial_id, number, state, start, complete in rows["trials"]:
        vals = [values[trial_id][k] for k in sorted(values[trial_id])] or None
        out.append(optuna.trial.FrozenTrial(
            number=number, state=TrialState[state], value=None, values=vals, datetime_start=start,
            datetime_complete=complete, params=params[trial_id], distributions=dists[trial_id],
            user_attrs=user[trial_id], system_attrs=system[trial_id], intermediate_values={}, trial_id=trial_id))
    return out


#: A whole batch in one statement: the trials (`:trials`, JSON rows keyed by their index `i` in
#: the batch) are inserted in number order, and each other table's rows (`:params`, ...) join
#: the new trial ids by that index, so rows of trials left out of `:trials` are dropped. Foreign
#: keys are checked at the statement's end, when the trials exist.
_INSERT_BATCH = """
WITH r AS (SELECT * FROM json_to_recordset(CAST(:trials AS json))
                AS r(i integer, n integer, state trialstate, s timestamp, c timestamp)),
t AS (INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete)
      SELECT n, :study, state, s, c FROM r ORDER BY n RETURNING trial_id, number),
ids AS (SELECT r.i, t.trial_id FROM r JOIN t ON t.number = r.n),
p AS (INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json)
      SELECT ids.trial_id, x.k, x.v, x.d FROM ids JOIN json_to_recordset(CAST(:params AS json))
                AS x(i integer, k text, v double precision, d text) USING (i)),
v AS (INSERT INTO trial_values (trial_id, objective, value, value_type)
      SELECT ids.trial_id, x.k, x.v, x.t FROM ids JOIN json_to_recordset(CAST(:values AS json))
                AS x(i integer, k integer, v double precision, t trialvaluetype) USING (i)),
u AS (INSERT INTO trial_user_attributes (trial_id, key, value_json)
      SELECT ids.trial_id, x.k, x.v FROM ids JOIN json_to_recordset(CAST(:user AS json))
                AS x(i integer, k text, v text) USING (i)),
y AS (INSERT INTO trial_system_attributes (trial_id, key, value_json)
      SELECT ids.trial_id, x.k, x.v FROM ids JOIN json_to_recordset(CAST(:system AS json))
                AS x(i integer, k text, v text) USING (i))
SELECT trial_id FROM ids ORDER BY i"""


class BatchRows:
    """Finished trials as Optuna's RDB schema stores them, encoded as JSON before the lock is
    taken (the encoding, not the database, was most of the write's time under the lock when
    psycopg escaped every array element in Python). Optuna is pinned < 6: its value encoding is
    read from `optuna.storages._rdb.models`."""

    def __init__(self, trials: list[optuna.trial.FrozenTrial]):
        import datetime
        import json

        from optuna.distributions import distribution_to_json
        from optuna.storages._rdb import models

        def utc(value: datetime.datetime | None) -> str | None:
            return None if value is None else value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat()

        self.trials = trials
        self.heads = [{"state": t.state.name, "s": utc(t.datetime_start), "c": utc(t.datetime_complete)}
                      for t in trials]
        params, values, user, system = [], [], [], []
        dist_json: dict[int, str] = {}  # a space has few distinct distributions: serialize each once
        for i, t in enumerate(trials):
            for name, v in t.params.items():
                dist = t.distributions[name]
                text = dist_json.get(id(dist)) or dist_json.setdefault(id(dist), distribution_to_json(dist))
                params.append({"i": i, "k": name, "v": float(dist.to_internal_repr(v)), "d": text})
            for objective, value in enumerate(t.values or []):
                stored, kind = models.TrialValueModel.value_to_stored_repr(value)
                values.append({"i": i, "k": objective, "v": None if stored is None else float(stored), "t": kind.name})
            user += [{"i": i, "k": k, "v": json.dumps(v)} for k, v in t.user_attrs.items()]
            system += [{"i": i, "k": k, "v": json.dumps(v)} for k, v in t.system_attrs.items()]
        self.tables = {"params": json.dumps(params), "values": json.dumps(values), "user": json.dumps(user),
                       "system": json.dumps(system)}

    def insert(self, conn, study_id: int, first_number: int, keep: list[int]) -> list[int]:
        """Insert the trials at batch indexes `keep`, numbered from `first_number`, with their rows,
        in one statement; returns their database ids in that order."""
        import json

        import sqlalchemy

        heads = [{**self.heads[i], "i": i, "n": first_number + k} for k, i in enumerate(keep)]
        made = conn.execute(sqlalchemy.text(_INSERT_BATCH),
                            {"trials": json.dumps(heads), "study": study_id, **self.tables}).all()
        return [trial_id for (trial_id,) in made]


def waiting(storage, study_id: int, notify: Callable[[str], None] | None = None) -> bool:
    """Whether trials wait in a database study (a grid's points, enqueued candidates), which only
    Optuna's own ask hands out: one indexed query (Optuna's reader would load every trial),
    waiting out an outage like every other read of a worker."""
    import sqlalchemy

    engine = rdb_of(storage).engine

    def once() -> bool:
        with engine.connect() as conn:
            return bool(conn.execute(sqlalchemy.text(
                "SELECT EXISTS (SELECT 1 FROM trials WHERE study_id = :s AND state = 'WAITING')"),
                {"s": study_id}).scalar())

    return with_retry(once, "reading the study", notify)


def supports(storage) -> bool:
    """Whether a study's storage is a PostgreSQL database this module can write to."""
    rdb = rdb_of(storage)
    return rdb is not None and rdb.engine.dialect.name == "postgresql"
