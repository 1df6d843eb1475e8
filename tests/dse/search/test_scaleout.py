"""Beyond one machine: PostgreSQL workers (one killed with SIGKILL) and Dask sweeps.

The PostgreSQL server is the real thing, started and stopped by scripts/postgres-up through
`dse.search.postgres_local` (the script installs Debian's package when run as root); these tests
skip, saying why, only where it cannot be had.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pyarrow.parquet as pq
import pytest

from dse.search import postgres_local
from dse.search import study as st
from dse.search.spec import load_spec
from dse.search.sweep import run_sweep

ROOT = pathlib.Path(__file__).parents[3]
SMALL = ROOT / "tests" / "data" / "studies" / "quality-small.toml"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres_server():
    """(url, data folder, port) of a real local PostgreSQL server (scripts/postgres-up)."""
    pytest.importorskip("psycopg", reason="the PostgreSQL driver (extra 'postgres') is not installed")
    # directly under /tmp: pytest's tmp folders are root-only, and the server runs as 'postgres'
    data = pathlib.Path(tempfile.mkdtemp(prefix="cl-dse-pg-", dir="/tmp"))
    port = str(_free_port())
    run = postgres_local.start(data, port, timeout=600)
    if run.returncode == 3:
        pytest.skip(f"PostgreSQL cannot be installed here: {run.stderr.strip()}")
    assert run.returncode == 0, run.stderr
    yield run.stdout.strip(), data, port
    postgres_local.stop(data)
    shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres_url(postgres_server):
    return postgres_server[0]


def _fresh_remote(postgres_url: str, name: str, directions=("minimize",)):
    """(storage, study): a new, empty study `name` on the test server (an older one deleted)."""
    import optuna

    storage = st.open_storage(postgres_url)
    with contextlib.suppress(KeyError):
        optuna.delete_study(study_name=name, storage=storage)
    return storage, optuna.create_study(study_name=name, storage=storage, directions=list(directions))


def test_three_workers_on_postgres_one_killed(postgres_url):
    spec = load_spec(str(SMALL))
    target = 300
    st.create(spec, postgres_url, target)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "dse", "worker", spec.name, "--storage", postgres_url]
    workers = [subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(3)]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and st._counts(st.load(spec.name, postgres_url))["complete"] < 40:
        time.sleep(0.2)
    workers[0].send_signal(signal.SIGKILL)
    for w in workers[1:]:
        try:
            w.wait(timeout=180)
        except subprocess.TimeoutExpired:
            w.kill()
            pytest.fail(f"a live worker did not finish; study state: {st._counts(st.load(spec.name, postgres_url))}")
    workers[0].wait()
    trials = st.load(spec.name, postgres_url).get_trials()
    complete = [t for t in trials if t.state.name == "COMPLETE"]
    assert len(complete) == target
    assert len({t.number for t in trials}) == len(trials)
    assert all("metrics" in t.user_attrs and t.values for t in complete)
    assert all(t.state.name != "RUNNING" for t in trials)


def test_dask_sweep_equals_the_local_one(tmp_path):
    pytest.importorskip("distributed", reason="Dask (extra 'dask') is not installed")
    from dse.search.dask_backend import dask_client

    spec = load_spec(str(SMALL))
    run_sweep(spec, str(tmp_path / "local.parquet"), False, 1200, n_jobs=1)
    client = dask_client(None)  # a LocalCluster with 2 workers
    try:
        run_sweep(spec, str(tmp_path / "dask.parquet"), False, 1200, n_jobs=2, backend="dask")
    finally:
        client.close()
    assert pq.read_table(tmp_path / "dask.parquet").equals(pq.read_table(tmp_path / "local.parquet"))


def test_a_worker_reports_only_the_trials_it_stored_when_others_reach_the_target_first(postgres_url, monkeypatch):
    """While this worker evaluates its second batch (20 trials), another writes all but 3 of the
    remaining completed trials: the batch keeps 3 (plus any failed), and the worker's report
    counts what it stored, not the 20 it told its mirror."""
    import optuna

    from dse.search import mirrored

    spec = load_spec(str(SMALL))
    with contextlib.suppress(st.StudyNotFound):
        st.delete(spec.name, postgres_url)
    target = 60
    st.create(spec, postgres_url, target)
    other = mirrored.Mirror(st.load(spec.name, postgres_url), optuna.samplers.RandomSampler(seed=0))
    dist = {"x": optuna.distributions.FloatDistribution(0.0, 1.0)}
    real, batches = st.evaluate, []

    def evaluate_while_another_writes(*args, **kwargs):
        batches.append(1)
        if len(batches) == 2:
            room = target - other.sync() - 3
            other.write([optuna.trial.create_trial(params={"x": 0.5}, distributions=dist, value=0.5)
                         for _ in range(room)], target)
        return real(*args, **kwargs)

    monkeypatch.setattr(st, "evaluate", evaluate_while_another_writes)
    report = st.run(spec.name, postgres_url)
    trials = st.load(spec.name, postgres_url).get_trials()
    mine = [t for t in trials if "x" not in t.params]
    assert len(batches) == 2 and len(trials) - len(mine) == target - 20 - 3
    assert report.told == len(mine) and report.told - report.failed == 20 + 3
    assert sum(t.state.name == "COMPLETE" for t in trials) == target


@pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning")
def test_bulk_delete_leaves_what_optunas_delete_leaves_on_postgres(postgres_url):
    from dse.bench import _fresh_databases

    from .test_bulk_delete import check_bulk_delete_matches_optuna

    with _fresh_databases(postgres_url) as fresh:
        check_bulk_delete_matches_optuna(fresh(), fresh())


def test_reading_others_trials_uses_the_index_before_the_tables_are_analyzed(postgres_url):
    """In a study's first minute autovacuum has not analyzed its tables; without statistics the
    planner scanned every row of a table to read a batch's 50 trials. Each of the five reads
    must use an index on a fresh database of 10,000 trials (checked with EXPLAIN), reading
    another worker's batch: every other trial of the last 100."""
    import optuna
    import sqlalchemy

    from dse.bench import _fresh_databases
    from dse.search import mirrored

    dist = {k: optuna.distributions.FloatDistribution(0.0, 1.0) for k in "abcd"}
    metrics = {"metrics": {f"metric_{i}": i / 7 for i in range(12)}}  # a dse trial's few scalar metrics
    with _fresh_databases(postgres_url) as fresh:
        storage = st.open_storage(fresh())
        remote = optuna.create_study(study_name="plans", storage=storage, directions=["minimize", "maximize"])
        writer = mirrored.Mirror(remote, optuna.samplers.RandomSampler(seed=0))
        for _ in range(200):
            writer.write([optuna.trial.create_trial(params=dict.fromkeys("abcd", 0.5), distributions=dist,
                                                    values=[0.5, 0.5], user_attrs=metrics, system_attrs={"g": 0})
                          for _ in range(50)], target=10_000)
        with storage.engine.connect() as conn:
            analyzed = conn.execute(sqlalchemy.text(
                "SELECT count(*) FROM pg_stat_user_tables WHERE last_autoanalyze IS NOT NULL")).scalar()
            ids = list(range(9901, 10001, 2))
            plans = {table: "\n".join(row[0] for row in conn.execute(sqlalchemy.text(
                "EXPLAIN " + sql + mirrored._BY_IDS), {"ids": ids, "lo": min(ids), "hi": max(ids)}))
                for table, sql in mirrored._READ_SQL.items()}
            assert len(mirrored.read_trials(conn, ids)) == 50
        storage.engine.dispose()
    assert analyzed == 0  # the case that matters: no statistics yet
    assert {table: "Seq Scan" in plan for table, plan in plans.items()} == dict.fromkeys(mirrored._READ_SQL, False)


def test_a_trial_without_any_heartbeat_is_recognised_as_orphaned(postgres_url):
    from dse.search.storage import heartbeatless_running

    spec = load_spec(str(SMALL))
    st.delete(spec.name, postgres_url)  # the module's database is shared; start clean
    st.create(spec, postgres_url, 5)
    study = st.load(spec.name, postgres_url)
    trial = study.ask()  # a worker that dies right here never records a heartbeat
    assert heartbeatless_running(study, 0.0) == [trial.number]
    assert heartbeatless_running(study, 3600.0) == []  # not old enough to be declared dead
    study._storage.record_heartbeat(trial._trial_id)
    assert heartbeatless_running(study, 0.0) == []  # beating: Optuna's own stale check handles it


def test_resume_on_postgres_leaves_other_workers_trials_alone(postgres_url):
    spec = load_spec(str(SMALL))
    st.delete(spec.name, postgres_url)
    st.create(spec, postgres_url, 5)
    study = st.load(spec.name, postgres_url)
    trial = study.ask()  # another host's worker is running this one
    study._storage.record_heartbeat(trial._trial_id)
    assert st.fail_orphans(study) == 0
    assert study.get_trials()[0].state.name == "RUNNING"


def test_postgres_restarted_mid_study_three_workers_wait_and_reach_the_exact_target(postgres_server, tmp_path):
    url, data, port = postgres_server
    spec_path = tmp_path / "restart.toml"
    spec_path.write_text(SMALL.read_text().replace('name = "qsmall"', 'name = "restart"'))
    spec = load_spec(str(spec_path))
    target = 400
    st.create(spec, url, target)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "dse", "worker", spec.name, "--storage", url]
    logs = [open(tmp_path / f"w{i}.err", "w") for i in range(3)]  # noqa: SIM115 - closed below
    workers = [subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log) for log in logs]
    try:
        deadline = time.monotonic() + 120  # only turns a hung worker into a failure
        while st._counts(st.load(spec.name, url))["complete"] < 40:
            assert time.monotonic() < deadline and all(w.poll() is None for w in workers)
            time.sleep(0.1)
        postgres_local.stop(data, check=True)
        time.sleep(3.0)  # the workers find the database gone
        up = postgres_local.start(data, port, timeout=120)
        assert up.returncode == 0, up.stderr
        for w in workers:
            assert w.wait(timeout=300) == 0
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
        for log in logs:
            log.close()
    counts = st._counts(st.load(spec.name, url))
    assert counts["complete"] == target and counts["running"] == 0
    notes = "".join((tmp_path / f"w{i}.err").read_text() for i in range(3))
    assert "database unreachable" in notes and "retrying in" in notes


def test_a_worker_started_while_the_server_is_down_waits_and_joins(postgres_server, tmp_path):
    """`dse worker` before the database is up (or while it restarts) waits for it, then works the
    study to its target (it had failed with 'cannot open', or a traceback a moment later)."""
    url, data, port = postgres_server
    spec_path = tmp_path / "late.toml"
    spec_path.write_text(SMALL.read_text().replace('name = "qsmall"', 'name = "late"'))
    spec = load_spec(str(spec_path))
    st.create(spec, url, 60)
    postgres_local.stop(data, check=True)
    with open(tmp_path / "w.err", "w") as log:
        worker = subprocess.Popen([sys.executable, "-m", "dse", "worker", spec.name, "--storage", url],
                                  env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL, stderr=log)
        try:
            deadline = time.monotonic() + 120  # only turns a hung worker into a failure
            while "database unreachable while joining the study" not in (tmp_path / "w.err").read_text():
                assert time.monotonic() < deadline and worker.poll() is None, (tmp_path / "w.err").read_text()
                time.sleep(0.2)
        finally:
            up = postgres_local.start(data, port, timeout=120)
        try:
            assert up.returncode == 0, up.stderr
            assert worker.wait(timeout=300) == 0, (tmp_path / "w.err").read_text()
        finally:
            if worker.poll() is None:
                worker.kill()
    assert "(OperationalError); retrying in" in (tmp_path / "w.err").read_text()
    assert st._counts(st.load(spec.name, url))["complete"] == 60


def _finished_small_study(url: str, n_trials: int):
    """A fresh SMALL study of n_trials, run to its end on `url`."""
    spec = load_spec(str(SMALL))
    with contextlib.suppress(st.StudyNotFound):
        st.delete(spec.name, url)
    st.create(spec, url, n_trials)
    st.run(spec.name, url)
    return st.load(spec.name, url)


def test_the_mirror_reads_trials_exactly_as_optuna_does(postgres_url):
    """`mirrored.read_trials` (plain SELECTs) returns the same trials as Optuna's ORM reader."""
    from dse.search import mirrored

    study = _finished_small_study(postgres_url, 60)
    rdb = study._storage._backend
    ours_by_optuna = study.get_trials()
    with rdb.engine.connect() as conn:
        ours = mirrored.read_trials(conn, [t._trial_id for t in ours_by_optuna])
    assert len(ours) == len(ours_by_optuna) == 60
    for a, b in zip(ours, ours_by_optuna, strict=True):
        assert (a.number, a.state, a.values, a.params, a.distributions, a.user_attrs, a.system_attrs,
                a.datetime_start, a.datetime_complete) == (b.number, b.state, b.values, b.params, b.distributions,
                                                           b.user_attrs, b.system_attrs, b.datetime_start,
                                                           b.datetime_complete)


def test_the_driver_cursor_reads_the_rows_sqlalchemy_reads(postgres_url):
    """`read_trials` fetches through psycopg's own cursor (25-28 us of CPU a trial against 35-40
    through SQLAlchemy's result rows); other drivers take SQLAlchemy's path, which must give the
    same rows."""
    from dse.search import mirrored

    study = _finished_small_study(postgres_url, 40)
    rdb = study._storage._backend
    ids = [t._trial_id for t in study.get_trials()][::-3]  # some, out of order
    with rdb.engine.connect() as conn:
        assert conn.dialect.paramstyle == "pyformat"
        direct = mirrored._fetch_rows(conn, ids)
        through = mirrored._fetch_rows(conn, ids, driver_cursor=False)
    assert {table: [tuple(row) for row in rows] for table, rows in through.items()} == direct
    assert [row[0] for row in direct["trials"]] == sorted(ids)  # trial ids grow with numbers here
    assert sum(len(rows) for rows in direct.values()) > 5 * len(ids)


def test_a_server_lost_during_the_driver_cursor_read_is_an_outage_that_is_retried(postgres_url):
    """The driver's cursor bypasses SQLAlchemy's execution, so its errors are raised as SQLAlchemy's
    would be: a connection the server dropped mid-sync is an OperationalError, which the worker's
    retry loop treats as an outage (waiting and reconnecting), and the pool drops that connection."""
    import sqlalchemy

    from dse.search import mirrored

    study = _finished_small_study(postgres_url, 10)
    engine = study._storage._backend.engine
    ids = [t._trial_id for t in study.get_trials()]
    with engine.connect() as conn:
        pid = conn.execute(sqlalchemy.text("SELECT pg_backend_pid()")).scalar()
        with engine.connect() as other:
            assert other.execute(sqlalchemy.text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar()
        with pytest.raises(sqlalchemy.exc.OperationalError) as caught:
            mirrored.read_trials(conn, ids)
        assert conn.invalidated
    assert mirrored._outage(caught.value) is not None
    with engine.connect() as conn:  # the next sync gets a live connection
        assert len(mirrored.read_trials(conn, ids)) == 10


def test_a_written_batch_reads_back_exactly_and_a_second_mirror_adopts_it(postgres_url):
    """A batch written in one statement (`BatchRows`) stores what Optuna's own reader returns, edge
    values included (a failed trial without values, an infinite objective, categorical and log
    parameters); a second worker's mirror then holds the same trials, renumbered in its own
    storage, without copying them."""
    import datetime

    import optuna

    from dse.search import mirrored
    from tests.dse.search.finished_trials import T0 as t0
    from tests.dse.search.finished_trials import edge_trials

    name = "roundtrip"
    storage, remote = _fresh_remote(postgres_url, name, ["minimize", "maximize"])
    written = edge_trials()
    writer = mirrored.Mirror(remote, optuna.samplers.RandomSampler(seed=0))
    assert writer.write(written, target=10) == [0, 1, 2]
    by_optuna = optuna.load_study(study_name=name, storage=storage).get_trials()
    assert [t.number for t in by_optuna] == [0, 1, 2]
    for a, b in zip(written, by_optuna, strict=True):
        assert (a.state, a.values, a.params, a.distributions, a.user_attrs, a.system_attrs) == \
            (b.state, b.values, b.params, b.distributions, b.user_attrs, b.system_attrs)
        assert b.datetime_start == t0 and b.datetime_complete == t0 + datetime.timedelta(seconds=1)
    reader = mirrored.Mirror(remote, optuna.samplers.RandomSampler(seed=1))
    adopted = reader.local.get_trials(deepcopy=False)
    assert [(t.number, t._trial_id) for t in adopted] == [(0, 0), (1, 1), (2, 2)]
    assert [(t.state, t.values, t.params, t.user_attrs) for t in adopted] == \
        [(t.state, t.values, t.params, t.user_attrs) for t in by_optuna]
    assert [t.number for t in reader.local.best_trials] == [0]  # (inf, -inf) is dominated on both objectives
    assert reader.local.ask().number == 3  # and the mirror goes on numbering after them
    optuna.delete_study(study_name=name, storage=storage)


def test_a_write_whose_commit_answer_was_lost_is_not_written_twice(postgres_url, capsys):
    """The connection drops after the batch's transaction committed: the retry finds the batch
    in the database (by its trials' origins) instead of writing it again."""
    import optuna
    import sqlalchemy.exc

    from dse.search import mirrored

    name = "lost-commit"
    storage, remote = _fresh_remote(postgres_url, name)
    dist = {"x": optuna.distributions.FloatDistribution(0.0, 1.0)}
    batch = [optuna.trial.create_trial(params={"x": x}, distributions=dist, value=x) for x in (0.1, 0.2, 0.3)]
    mirror = mirrored.Mirror(remote, optuna.samplers.RandomSampler(seed=0), notify=print)
    real, calls = mirror._write_locked, []

    def commit_then_lose_the_answer(finished, target):
        calls.append(1)
        written = real(finished, target)
        if len(calls) == 1:
            raise sqlalchemy.exc.OperationalError("COMMIT", {}, ConnectionError("server closed the connection"))
        return written

    mirror._write_locked = commit_then_lose_the_answer
    assert mirror.write(batch, target=10) == [0, 1, 2]
    assert len(calls) == 1  # the retry found the batch and did not write it again
    assert sorted(t.params["x"] for t in optuna.load_study(study_name=name, storage=storage).trials) == [0.1, 0.2, 0.3]
    assert "database unreachable while writing finished trials" in capsys.readouterr().out
    mirror._write_locked = real
    assert mirror.write([optuna.trial.create_trial(params={"x": 0.4}, distributions=dist, value=0.4)], 10) == [0]
    assert len(optuna.load_study(study_name=name, storage=storage).trials) == 4
    optuna.delete_study(study_name=name, storage=storage)


def test_counts_under_the_lock_are_incremental_and_exact(postgres_url):
    """Each write counts only the trials after its last count; two mirrors writing in turn keep
    the completed total exactly at the target. A trial written unfinished by another program
    (Optuna's own ask, later told) makes the writers count every trial again: still exact."""
    import optuna
    import sqlalchemy

    from dse.search import mirrored

    name = "incremental-counts"
    storage, remote = _fresh_remote(postgres_url, name)
    dist = {"x": optuna.distributions.FloatDistribution(0.0, 1.0)}

    def batch(n, failed=0):
        return [optuna.trial.create_trial(params={"x": 0.5}, distributions=dist, value=0.5) for _ in range(n)] + \
            [optuna.trial.create_trial(params={"x": 0.5}, distributions=dist, state=optuna.trial.TrialState.FAIL)
             for _ in range(failed)]

    def in_database():
        with storage.engine.connect() as conn:
            return tuple(conn.execute(sqlalchemy.text(
                "SELECT count(*) FILTER (WHERE state = 'COMPLETE'), count(*) FROM trials WHERE study_id = :s"),
                {"s": remote._study_id}).one())

    def rows_per_table():  # each trial: one parameter, one origin; a value if it completed
        with storage.engine.connect() as conn:
            return tuple(conn.execute(sqlalchemy.text(
                f"SELECT count(*) FROM {table} WHERE trial_id IS NULL OR trial_id IN "
                f"(SELECT trial_id FROM trials WHERE study_id = :s)"),
                {"s": remote._study_id}).scalar() for table in ("trial_params", "trial_system_attributes",
                                                                 "trial_values"))

    a = mirrored.Mirror(remote, optuna.samplers.RandomSampler(seed=0))
    b = mirrored.Mirror(remote, optuna.samplers.RandomSampler(seed=1))
    statements = []
    sqlalchemy.event.listen(a.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    assert a.write(batch(4, failed=1), target=10) == [0, 1, 2, 3, 4]
    assert b.write(batch(3), target=10) == [0, 1, 2]
    assert a.write(batch(2), target=10) == [0, 1]
    counts = [s for s in statements if "count(*)" in s]
    assert counts and all("trial_id > " in s for s in counts)
    assert (a.locked.complete, a.locked.total) == in_database() == (9, 10)
    assert a.locked.upto == max(t._trial_id for t in storage.get_all_trials(remote._study_id))
    assert b.write(batch(3), target=10) == [0]  # room for one more completed trial, whoever counted last
    assert in_database() == (10, 11)
    assert rows_per_table() == (11, 11, 10)  # the dropped trials' rows were not written either
    assert a.sync() == b.sync() == 10

    running = remote.ask()  # another program's trial, unfinished when the writers see it
    assert a.sync() == 10 and not a.synced.exact
    assert a.write(batch(1), target=12) == [0]
    assert not a.locked.exact
    remote.tell(running, 0.1)  # now complete: 12 completed, the target
    assert in_database() == (12, 13)
    assert a.write(batch(2), target=12) == [] and b.write(batch(2), target=12) == []
    assert a.write(batch(2, failed=1), target=12) == [2]  # a failed trial does not count: kept, alone
    assert rows_per_table() == (13, 13, 12)  # Optuna's own trial has neither parameter nor origin
    assert a.sync() == b.sync() == 12
    optuna.delete_study(study_name=name, storage=storage)


def test_a_sync_whose_read_failed_reads_those_trials_again(postgres_url, monkeypatch):
    """The connection drops while a sync reads the others' trials: the retry reads them again
    (the mirror's cursor moves only once they are in)."""
    import optuna
    import sqlalchemy.exc

    from dse.search import mirrored

    name = "sync-retry"
    storage, remote = _fresh_remote(postgres_url, name)
    dist = {"x": optuna.distributions.FloatDistribution(0.0, 1.0)}
    writer = mirrored.Mirror(remote, optuna.samplers.RandomSampler(seed=0))
    reader = mirrored.Mirror(remote, optuna.samplers.RandomSampler(seed=1))
    writer.write([optuna.trial.create_trial(params={"x": x}, distributions=dist, value=x) for x in (0.1, 0.2)], 10)
    real, calls = mirrored.read_trials, []

    def drop_once(conn, ids):
        calls.append(ids)
        if len(calls) == 1:
            raise sqlalchemy.exc.OperationalError("SELECT", {}, ConnectionError("server closed the connection"))
        return real(conn, ids)

    monkeypatch.setattr(mirrored, "read_trials", drop_once)
    assert reader.sync() == 2
    assert len(calls) == 2 and calls[0] == calls[1]
    assert sorted(t.params["x"] for t in reader.local.get_trials(deepcopy=False)) == [0.1, 0.2]
    optuna.delete_study(study_name=name, storage=storage)


def test_a_grid_study_on_postgres_evaluates_exactly_its_points(postgres_url):
    """A grid's points wait in the study; Optuna's ask hands them out, so such a study runs
    without the mirror (with it, the points stayed waiting and random candidates ran instead)."""
    from dse.search.space import grid_points

    spec = load_spec("dacapo-reproduce")
    with contextlib.suppress(Exception):
        st.delete(spec.name, postgres_url)
    st.create(spec, postgres_url, None)
    st.run(spec.name, postgres_url)
    trials = st.load(spec.name, postgres_url).get_trials()
    assert all(t.state.name == "COMPLETE" for t in trials)
    assert sorted(map(repr, (sorted(t.params.items()) for t in trials))) == \
        sorted(map(repr, (sorted(p.items()) for p in grid_points(spec))))
    st.delete(spec.name, postgres_url)


def test_a_worker_starting_while_the_server_is_down_waits_for_it(postgres_server):
    """A worker's first read (whether trials wait in the study) waits out an outage as its later
    reads do (it had stopped with a traceback when the server went down as it started)."""
    import threading

    from dse.search import mirrored

    url, data, port = postgres_server
    storage, remote = _fresh_remote(url, "starting")
    notes, answer = [], []
    postgres_local.stop(data, check=True)
    try:
        reader = threading.Thread(target=lambda: answer.append(mirrored.waiting(storage, remote._study_id,
                                                                                notes.append)))
        reader.start()
        time.sleep(2.0)
        assert reader.is_alive() and notes and "database unreachable while reading the study" in notes[0]
    finally:
        up = postgres_local.start(data, port, timeout=120)
    assert up.returncode == 0, up.stderr
    reader.join(timeout=60)
    assert answer == [False]
    remote.enqueue_trial({})
    assert mirrored.waiting(storage, remote._study_id)
