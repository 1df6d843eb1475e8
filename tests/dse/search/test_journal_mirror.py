"""The journal mirror: batches appended under the lock read back exactly, exact targets, other
writers' records, lost records in repair, abandoned detail parts, and studies with waiting trials."""

from __future__ import annotations

import pathlib

import optuna
from optuna.distributions import FloatDistribution
from optuna.trial import TrialState

from dse.search import detail
from dse.search import study as st
from dse.search.journal_mirror import JournalMirror, supports
from dse.search.space import grid_points
from dse.search.spec import load_spec
from dse.search.storage import open_storage
from tests.dse.search.finished_trials import edge_trials

TINY = pathlib.Path(__file__).parents[2] / "data" / "studies" / "tiny.toml"


def _fresh(tmp_path: pathlib.Path, directions=("minimize", "maximize")) -> tuple[str, optuna.Study]:
    url = str(tmp_path / "s.journal")
    storage = open_storage(url, create=True)
    return url, optuna.create_study(study_name="m", storage=storage, directions=list(directions))


def _fields(t: optuna.trial.FrozenTrial) -> tuple:
    return (t.state, t.values, t.params, t.distributions, t.user_attrs, t.system_attrs, t.datetime_start,
            t.datetime_complete)


def test_a_written_batch_replays_exactly_and_a_second_mirror_adopts_it(tmp_path):
    url, remote = _fresh(tmp_path)
    assert supports(remote._storage)
    written = edge_trials()
    writer = JournalMirror(remote, optuna.samplers.RandomSampler(seed=0), None)
    assert writer.write(written, target=10) == [0, 1, 2]
    assert (writer.n_trials, writer.n_complete) == (3, 2)
    by_optuna = optuna.load_study(study_name="m", storage=open_storage(url)).get_trials()  # Optuna's replay
    assert [t.number for t in by_optuna] == [0, 1, 2]
    assert [_fields(t) for t in by_optuna] == [_fields(t) for t in written]
    reader = JournalMirror(optuna.load_study(study_name="m", storage=open_storage(url)),
                           optuna.samplers.RandomSampler(seed=1), None)
    assert [_fields(t) for t in reader.local.get_trials(deepcopy=False)] == [_fields(t) for t in written]
    more = edge_trials()[:1]
    assert writer.write(more, target=10) == [0]
    assert reader.sync() == 3  # the reader's own records reader, not Optuna's replay
    adopted = reader.local.get_trials(deepcopy=False)
    assert [t.number for t in adopted] == [0, 1, 2, 3] and _fields(adopted[3]) == _fields(more[0])
    assert reader.local.ask().number == 4


def test_the_target_is_exact_when_another_writer_came_first(tmp_path):
    url, remote = _fresh(tmp_path)
    first = JournalMirror(remote, optuna.samplers.RandomSampler(seed=0), None)
    second = JournalMirror(optuna.load_study(study_name="m", storage=open_storage(url)),
                           optuna.samplers.RandomSampler(seed=1), None)
    assert first.write(edge_trials(), target=3) == [0, 1, 2]  # two complete, one failed
    # the second has not looked since: under the lock it counts the first's two, so one complete fits
    assert second.write(edge_trials(), target=3) == [0, 2]
    assert second.n_complete == 3 and second.n_trials == 5
    trials = optuna.load_study(study_name="m", storage=open_storage(url)).get_trials()
    assert [t.state.name for t in trials] == ["COMPLETE", "COMPLETE", "FAIL", "COMPLETE", "FAIL"]
    assert first.sync() == 3 and len(first.local.get_trials()) == 2  # the second's two (its own are told locally)


def test_studies_sharing_one_journal_file_keep_their_own_trials(tmp_path):
    url, remote = _fresh(tmp_path)
    other = optuna.create_study(study_name="o", storage=open_storage(url), directions=["minimize", "maximize"])
    mine = JournalMirror(remote, optuna.samplers.RandomSampler(seed=0), None)
    theirs = JournalMirror(other, optuna.samplers.RandomSampler(seed=1), None)
    edge = edge_trials()
    assert theirs.write(edge[:2], target=10) == [0, 1]
    assert mine.write(edge, target=10) == [0, 1, 2]  # reads the other study's records under the lock
    assert theirs.write(edge[2:], target=10) == [0]
    assert (mine.sync(), mine.n_trials, theirs.sync(), theirs.n_trials) == (2, 3, 2, 3)
    assert mine.local.get_trials() == [] and theirs.local.get_trials() == []  # the other study's are not adopted
    storage = open_storage(url)
    for name, written in (("m", edge), ("o", edge)):
        by_optuna = optuna.load_study(study_name=name, storage=storage).get_trials()
        assert [t.number for t in by_optuna] == [0, 1, 2]
        assert [_fields(t) for t in by_optuna] == [_fields(t) for t in written]


def test_records_of_another_kind_of_writer_are_replayed_by_optuna(tmp_path):
    """A trial created running and finished later (Optuna's own journal writes, as a worker of a
    study with waiting trials makes them) is counted and adopted once it finishes."""
    url, remote = _fresh(tmp_path, ["minimize"])
    mirror = JournalMirror(remote, optuna.samplers.RandomSampler(seed=0), None)
    other = optuna.load_study(study_name="m", storage=open_storage(url))
    running = other.ask({"x": FloatDistribution(0.0, 1.0)})
    assert mirror.sync() == 0 and mirror.n_trials == 1 and mirror.local.get_trials() == []
    [done] = [t for t in edge_trials() if t.state == TrialState.FAIL]
    assert mirror.write([done], target=5) == [0] and mirror.n_trials == 2
    other.tell(running, 0.5)
    assert mirror.sync() == 1
    adopted = mirror.local.get_trials(deepcopy=False)
    assert [t.values for t in adopted] == [[0.5]]  # the mirror's own trial is told locally, not adopted
    by_optuna = optuna.load_study(study_name="m", storage=open_storage(url)).get_trials()
    assert [t.state.name for t in by_optuna] == ["COMPLETE", "FAIL"]


def test_a_lost_record_in_the_middle_keeps_every_later_number(tmp_path):
    """Each record names the trial id it creates, so repair puts a placeholder where one was lost."""
    from dse.search.repair import LOST_REASON, repair

    url = str(tmp_path / "s.journal")
    st.create(load_spec(str(TINY)), url, 12)
    st.run("tiny", url)
    before = {t.number: _fields(t) for t in st.load("tiny", url).get_trials()}
    path = tmp_path / "s.journal"
    lines = path.read_bytes().splitlines(keepends=True)
    lost = len(before) - 6  # the records end with the trials', in number order
    lines[len(lines) - 5 - 1] = b"z@@@ unreadable\n"
    path.write_bytes(b"".join(lines))
    [report] = repair(url)
    assert report.lost_trials == [lost] and report.corrupt_lines == [len(lines) - 5]
    after = st.load("tiny", url).get_trials()
    assert [t.number for t in after] == sorted(before)
    assert after[lost].state == TrialState.FAIL and after[lost].user_attrs["fail_reason"] == LOST_REASON
    assert {t.number: _fields(t) for t in after if t.number != lost} == \
        {n: f for n, f in before.items() if n != lost}


def test_detail_left_by_a_killed_writer_is_replaced_by_the_numbers_reuse(tmp_path):
    url, remote = _fresh(tmp_path)
    folder = tmp_path / "detail"
    detail.write_numbered(folder, 0, [{"trial": 0, "acc_x": 9.0}, {"trial": 1, "acc_x": 9.0}])  # never appended
    mirror = JournalMirror(remote, optuna.samplers.RandomSampler(seed=0), folder)
    kept = mirror.write(edge_trials(), target=10, details=[{"acc_x": 1.0}, {"acc_x": 2.0}, None])
    assert kept == [0, 1, 2]
    assert detail.read(folder) == {0: {"acc_x": 1.0}, 1: {"acc_x": 2.0}}
    assert len(list(folder.glob("part-*.parquet"))) == 1
    detail.write_numbered(folder, 3, [{"trial": 3, "acc_x": 7.0}])  # killed again, after trial 2
    mirror.write(edge_trials()[:1], target=10, details=[{"acc_x": 3.0}])
    assert detail.read(folder) == {0: {"acc_x": 1.0}, 1: {"acc_x": 2.0}, 3: {"acc_x": 3.0}}


def test_a_grid_study_evaluates_its_points_through_optunas_asks(tmp_path):
    """Waiting trials (a grid's points, enqueued candidates) are handed out by Optuna's ask, which
    the mirror does not use: such a study runs without it and evaluates exactly its points."""
    spec = load_spec("dacapo-reproduce")
    url = str(tmp_path / "g") + "/"
    st.create(spec, url, None)
    assert not st._mirrors(st.load(spec.name, url))
    st.run(spec.name, url)
    trials = st.load(spec.name, url).get_trials()
    assert all(t.state == TrialState.COMPLETE for t in trials)
    assert sorted(map(repr, (sorted(t.params.items()) for t in trials))) == \
        sorted(map(repr, (sorted(p.items()) for p in grid_points(spec))))


def test_a_lone_worker_writes_one_record_per_trial_and_no_running_trial(tmp_path):
    url = str(tmp_path / "d") + "/"
    st.create(load_spec(str(TINY)), url, 40)
    assert st._mirrors(st.load("tiny", url))
    st.run("tiny", url)
    journal = tmp_path / "d" / "tiny.journal"
    study = st.load("tiny", url)
    trials = study.get_trials()
    records = journal.read_bytes().count(b"\n") - 1  # after the header
    study_records = records - len(trials)
    assert len([t for t in trials if t.state == TrialState.COMPLETE]) == 40
    assert study_records <= 6  # the study's creation and attributes
    assert all(t.state.is_finished() for t in trials)
    rows = detail.read(tmp_path / "d" / "tiny.detail")
    assert set(rows) == {t.number for t in trials if t.state == TrialState.COMPLETE}
