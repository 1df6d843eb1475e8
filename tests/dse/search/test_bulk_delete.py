"""Deleting a study in bulk leaves the database exactly as Optuna's own row-by-row delete does
(SQLite here; test_scaleout runs the same check on PostgreSQL)."""

from __future__ import annotations

import optuna
import pytest
import sqlalchemy

from dse.search.bulk_delete import delete_study


def _fill(storage: optuna.storages.RDBStorage, name: str, n: int) -> None:
    """A study with a row in every table Optuna has: directions, study and trial attributes,
    parameters, values, intermediate values, a failed trial and a running one with a heartbeat."""
    study = optuna.create_study(study_name=name, storage=storage, directions=["minimize", "maximize"])
    study.set_user_attr("target", n)
    storage.set_study_system_attr(study._study_id, "dse.spec", {"k": 1})
    for i in range(n):
        trial = study.ask()
        x = trial.suggest_float("x", 0.0, 1.0)
        trial.suggest_categorical("c", ["a", "b"])
        storage.set_trial_intermediate_value(trial._trial_id, 0, x)  # report() is single-objective only
        trial.set_user_attr("metrics", {"i": i})
        storage.set_trial_system_attr(trial._trial_id, "dse.uid", f"{name}-{i}")
        study.tell(trial, [x, -x] if i % 4 else None, state=None if i % 4 else optuna.trial.TrialState.FAIL)
    running = study.ask()
    storage.record_heartbeat(running._trial_id)


def _rows(storage: optuna.storages.RDBStorage) -> dict[str, int]:
    from optuna.storages._rdb import models

    with storage.engine.connect() as conn:
        return {t.name: conn.execute(sqlalchemy.text(f"SELECT count(*) FROM {t.name}")).scalar()
                for t in models.BaseModel.metadata.sorted_tables}


def _snapshot(storage, name):
    return [(t.number, t.state, t.params, t.values, t.user_attrs, t.system_attrs, t.intermediate_values)
            for t in optuna.load_study(study_name=name, storage=storage).get_trials()]


def check_bulk_delete_matches_optuna(url_a: str, url_b: str) -> None:
    """Two empty databases: the same two studies in each; one loses 'gone' by Optuna's delete,
    the other by ours. Every table then holds the same number of rows, 'kept' is untouched and
    'gone' is gone."""
    theirs, ours = (optuna.storages.RDBStorage(u, heartbeat_interval=60) for u in (url_a, url_b))
    for storage in (theirs, ours):
        _fill(storage, "gone", 9)
        _fill(storage, "kept", 5)
    kept_before = _snapshot(ours, "kept")
    full = _rows(ours)
    optuna.delete_study(study_name="gone", storage=theirs)
    delete_study(ours, "gone")
    assert _rows(ours) == _rows(theirs)
    assert _rows(ours)["trials"] == 6 and full["trials"] == 16 and full["trial_heartbeats"] == 2
    assert _snapshot(ours, "kept") == kept_before
    assert [s.study_name for s in optuna.get_all_study_summaries(ours)] == ["kept"]
    with pytest.raises(KeyError):
        delete_study(ours, "gone")


@pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning")
def test_bulk_delete_leaves_what_optunas_delete_leaves_on_sqlite(tmp_path):
    check_bulk_delete_matches_optuna(f"sqlite:///{tmp_path}/a.db", f"sqlite:///{tmp_path}/b.db")
