"""Opening a database without Alembic when its schema is Optuna's newest: the same storage as
Optuna's constructor builds, and Optuna's own check in every other case (SQLite files here;
every PostgreSQL test in test_scaleout opens its databases this way)."""

from __future__ import annotations

import pickle
import subprocess
import sys

import optuna
import pytest
import sqlalchemy

from dse.errors import DseError
from dse.search.rdb_open import _SchemaCheckedRDBStorage, open_at_head, optuna_schema_head
from dse.search.storage import open_storage


@pytest.fixture
def made(tmp_path) -> str:
    """A database Optuna created (its tables, its schema stamp), holding one study of 3 trials."""
    url = f"sqlite:///{tmp_path}/s.db"
    study = optuna.create_study(study_name="s", storage=optuna.storages.RDBStorage(url), directions=["minimize"])
    for i in range(3):
        trial = study.ask()
        trial.set_user_attr("i", i)
        study.tell(trial, trial.suggest_float("x", 0.0, 1.0))
    return url


def test_the_head_read_from_the_scripts_is_alembics(made):
    assert optuna_schema_head() == optuna.storages.RDBStorage(made).get_head_version()


@pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning")
def test_a_database_at_the_head_opens_without_alembic_and_reads_the_same(made):
    ours = open_at_head(made, heartbeat_interval=2, grace_period=10)
    theirs = optuna.storages.RDBStorage(made, heartbeat_interval=2, grace_period=10)
    assert isinstance(ours, _SchemaCheckedRDBStorage)
    assert set(vars(ours)) == set(vars(theirs))  # an Optuna whose constructor sets more fails here
    assert ours.get_heartbeat_interval() == 2
    loaded = [optuna.load_study(study_name="s", storage=s).trials for s in (ours, theirs)]
    assert [(t.number, t.params, t.values, t.user_attrs) for t in loaded[0]] == \
        [(t.number, t.params, t.values, t.user_attrs) for t in loaded[1]]
    assert len(loaded[0]) == 3
    restored = pickle.loads(pickle.dumps(ours))  # joblib's workers: an ordinary storage again
    assert len(optuna.load_study(study_name="s", storage=restored).trials) == 3


def test_the_fast_path_does_not_import_alembic(made):
    code = ("import sys; from dse.search.storage import open_storage; import optuna; "
            f"optuna.load_study(study_name='s', storage=open_storage({made!r})); "
            "print('alembic' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"


def test_a_new_database_takes_optunas_path_which_creates_the_tables(tmp_path):
    url = f"sqlite:///{tmp_path}/new.db"
    assert open_at_head(url) is None
    optuna.create_study(study_name="n", storage=open_storage(url))
    assert isinstance(open_storage(url), _SchemaCheckedRDBStorage)  # stamped at the head by Optuna


def test_an_older_schema_gets_optunas_own_message(made):
    engine = sqlalchemy.create_engine(made)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text("UPDATE alembic_version SET version_num = 'v3.0.0.d'"))
    engine.dispose()
    assert open_at_head(made) is None
    with pytest.raises(DseError, match="no longer compatible with the table schema.*optuna storage upgrade"):
        open_storage(made)
