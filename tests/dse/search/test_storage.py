"""Storage: per-study compact journals, the index, migration, corrupt records and repair, a full disk."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess

import optuna
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st_

from dse.search import study as st
from dse.search.journal import CompactJournalBackend, GroupingJournalStorage, is_compact
from dse.search.spec import load_spec
from dse.search.storage import migrate_legacy
from tests.cli_helpers import completed_so_far, dse_child, long_tiny, run

TINY = pathlib.Path(__file__).parents[2] / "data" / "studies" / "tiny.toml"


def _two_studies(folder: pathlib.Path) -> str:
    storage = str(folder) + "/"
    spec = load_spec(str(TINY))
    st.create(spec, storage, 20)
    st.run("tiny", storage)
    other = pathlib.Path(folder.parent / "other.toml")
    other.write_text(TINY.read_text().replace('name = "tiny"', 'name = "other"'))
    st.create(load_spec(str(other)), storage, 20)
    st.run("other", storage)
    return storage


def _snapshot(storage: str, name: str) -> dict[int, tuple]:
    return {t.number: (t.state.name, t.params, t.values, t.user_attrs, t.system_attrs)
            for t in st.load(name, storage).get_trials()}


def test_each_study_has_its_own_compact_journal_and_the_list_reads_the_index(capsys, tmp_path):
    storage = _two_studies(tmp_path / "dse")
    assert sorted(p.name for p in (tmp_path / "dse").glob("*.journal")) == ["other.journal", "tiny.journal"]
    assert all(is_compact(p) for p in (tmp_path / "dse").glob("*.journal"))
    # every trial's parameters and metrics in one compressed record: well under Optuna's ~4 KB per trial
    size = (tmp_path / "dse" / "tiny.journal").stat().st_size
    assert size / 20 < 1500
    (tmp_path / "dse" / "other.journal").write_bytes(b"not a journal\n")  # damage one study ...
    code, out, _ = run(capsys, "study", "list", "--storage", storage)
    assert code == 0 and "tiny" in out and "other" in out  # ... the index still lists both
    code, out, _ = run(capsys, "study", "status", "tiny", "--storage", storage, "--format", "json")
    assert code == 0 and '"complete": 20' in out  # ... and the other study is untouched


def test_grouped_records_replay_to_the_same_trials(tmp_path):
    storage = _two_studies(tmp_path / "dse")
    first = _snapshot(storage, "tiny")
    fresh = optuna.load_study(study_name="tiny",
                              storage=GroupingJournalStorage(CompactJournalBackend(tmp_path / "dse" / "tiny.journal")))
    assert {t.number: (t.state.name, t.params, t.values, t.user_attrs, t.system_attrs)
            for t in fresh.get_trials()} == first
    assert all(s[1] for s in first.values() if s[0] == "COMPLETE")  # complete trials have their parameters


def test_an_old_single_file_default_is_migrated_losing_nothing(capsys, tmp_path, monkeypatch):
    """A `.dse/studies.journal` in Optuna's own format with two studies (as cl-dse wrote it before)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".dse").mkdir()
    legacy = tmp_path / ".dse" / "studies.journal"
    plain = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(str(legacy)))
    spec = load_spec(str(TINY))
    st.create(spec, str(tmp_path / "seed.journal"), 15)
    st.run("tiny", str(tmp_path / "seed.journal"))
    optuna.copy_study(from_study_name="tiny", from_storage=st.load("tiny", str(tmp_path / "seed.journal"))._storage,
                      to_storage=plain)
    optuna.copy_study(from_study_name="tiny", from_storage=plain, to_storage=plain, to_study_name="copy")
    assert not is_compact(legacy)
    before = {name: {t.number: (t.state.name, t.params, t.values, t.user_attrs, t.system_attrs)
                     for t in optuna.load_study(study_name=name, storage=plain).get_trials()}
              for name in ("tiny", "copy")}
    code, out, _ = run(capsys, "study", "list")
    assert code == 0 and "tiny" in out and "copy" in out
    assert (tmp_path / ".dse" / "studies.journal.migrated").exists() and not legacy.exists()
    for name in ("tiny", "copy"):
        assert _snapshot(None, name) == before[name]
    assert migrate_legacy(tmp_path / ".dse") == []  # once


def test_a_corrupt_record_is_one_line_and_repair_keeps_every_other_record(capsys, tmp_path):
    storage = _two_studies(tmp_path / "dse")
    before = _snapshot(storage, "tiny")
    journal = tmp_path / "dse" / "tiny.journal"
    lines = journal.read_bytes().splitlines(keepends=True)
    target = len(lines) // 2
    lines[target] = b"z@@@ unreadable bytes\n"
    journal.write_bytes(b"".join(lines))
    code, out, err = run(capsys, "study", "status", "tiny", "--storage", storage)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert f"{journal}: journal: line {target + 1} is not a readable record" in err and "dse study repair" in err
    code, out, _ = run(capsys, "study", "repair", "tiny", "--storage", storage)
    assert code == 0 and f"line {target + 1}" in out and (tmp_path / "dse" / "tiny.journal.corrupt").exists()
    after = _snapshot(storage, "tiny")
    kept = [n for n, s in before.items() if after.get(n) == s]
    assert len(kept) >= len(before) - 1  # one line holds at most one trial's record
    code, _, _ = run(capsys, "study", "resume", "tiny", "--storage", storage)
    assert code == 0 and st._counts(st.load("tiny", storage))["complete"] == 20
    assert _snapshot(storage, "other")  # the other study never noticed


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hits=st_.lists(st_.tuples(st_.floats(0.0, 1.0, exclude_max=True), st_.sampled_from(list(b"\x00#{}z\xff"))),
                      min_size=1, max_size=4))
def test_random_corruption_is_confined_to_one_study_and_repaired(tmp_path_factory, hits):
    folder = tmp_path_factory.mktemp("s") / "dse"
    storage = _two_studies(folder)
    before = _snapshot(storage, "tiny")
    other = _snapshot(storage, "other")
    journal = folder / "tiny.journal"
    raw = bytearray(journal.read_bytes())
    header = len(b'{"cl_dse_journal": 1}\n')
    for fraction, byte in hits:  # anywhere but the header and the last newline
        raw[header + int(fraction * (len(raw) - header - 1))] = byte
    journal.write_bytes(bytes(raw))
    assert _snapshot(storage, "other") == other
    for report in __import__("dse.search.repair", fromlist=["repair"]).repair(storage, "tiny"):
        assert "lost information" in report.line() or "intact" in report.line()
    after = _snapshot(storage, "tiny")  # readable again
    survived = [n for n, s in after.items() if s[0] == "COMPLETE"]
    assert all(after[n] == before[n] for n in survived if n in before and before[n][1] == after[n][1])


def test_a_full_disk_fails_cleanly_and_resume_continues_once_space_is_back(capsys, tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("needs root to mount a small tmpfs")
    try:
        storage = str(mount) + "/"
        filler = mount / "filler"
        filler.write_bytes(b"\0" * 40_000)
        code, _, err = run(capsys, "study", "start", str(TINY), "--storage", storage, "--n-trials", "400")
        assert code == 2 and err.count("\n") == 1 and "no space left" in err.lower()
        journal = mount / "tiny.journal"
        assert journal.read_bytes().endswith(b"\n")  # no torn record
        done = st._counts(st.load("tiny", storage))["complete"]
        filler.unlink()
        st.load("tiny", storage).set_user_attr(st.TARGET_ATTR, done + 10)  # a target the space allows
        code, _, _ = run(capsys, "study", "resume", "tiny", "--storage", storage)
        assert code == 0 and st._counts(st.load("tiny", storage))["complete"] == done + 10
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)  # lazy: a closed handle may linger
        shutil.rmtree(mount, ignore_errors=True)


def test_a_report_during_a_running_study_sees_a_consistent_snapshot(capsys, tmp_path):
    import time

    import pyarrow.parquet as pq

    storage = str(tmp_path / "dse") + "/"
    proc = dse_child("study", "start", str(long_tiny(tmp_path)), "--storage", storage, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300  # only turns a hung child into a failure
        while not (tmp_path / "dse" / "tiny.journal").exists() or completed_so_far("tiny", storage) < 30:
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        for attempt in range(3):  # while the study keeps writing
            code, _, err = run(capsys, "report", "tiny", "--storage", storage, "--out", str(tmp_path / f"r{attempt}"))
            assert code == 0, err
            rows = pq.read_table(tmp_path / f"r{attempt}" / "trials.parquet").to_pylist()
            complete = [r for r in rows if r["state"] == "COMPLETE"]
            assert len(complete) >= 30
            assert all(r["objective.accuracy_pct"] is not None and r["param.accel.rows"] is not None for r in complete)
    finally:
        proc.kill()
        proc.wait()


def test_the_dashboard_command_says_how_to_get_the_dashboard(capsys, tmp_path):
    pytest.importorskip("optuna")
    try:
        import optuna_dashboard  # noqa: F401
        pytest.skip("optuna-dashboard is installed here")
    except ImportError:
        pass
    storage = _two_studies(tmp_path / "dse")
    code, out, err = run(capsys, "study", "dashboard", "tiny", "--storage", storage)
    assert code == 2 and err.strip() == "error: dashboard: optuna-dashboard is not installed " \
                                       "(pip install 'cl-dse[dashboard]')"


def test_per_scenario_detail_lives_in_parquet_beside_the_journal(capsys, tmp_path):
    import pyarrow.parquet as pq

    storage = _two_studies(tmp_path / "dse")
    trials = st.load("tiny", storage).get_trials()
    assert all(not any(k.startswith("acc_") for k in t.user_attrs.get("metrics", {})) for t in trials)
    parts = list((tmp_path / "dse" / "tiny.detail").glob("part-*.parquet"))
    assert parts and "acc_resnet18-wrn50_S1" in pq.read_table(parts[0]).column_names
    code, _, _ = run(capsys, "study", "export", "tiny", "--storage", storage, "-o", str(tmp_path / "t.parquet"))
    table = pq.read_table(tmp_path / "t.parquet").to_pylist()
    complete = [r for r in table if r["state"] == "COMPLETE"]
    assert code == 0 and complete and all(r["metric.acc_resnet18-wrn50_S1"] is not None for r in complete)
    assert "metric.trial" not in table[0]  # the detail's key is the trial's number, not a metric
    st.delete("tiny", storage)
    assert not (tmp_path / "dse" / "tiny.detail").exists() and not (tmp_path / "dse" / "tiny.study.json").exists()


def test_a_database_counts_trial_states_itself(tmp_path):
    """On an RDB storage `status` counts states with one GROUP BY; the counts equal the trials'.
    Other storages answer None (and are counted from their trials)."""
    from dse.search.storage import state_counts

    url = f"sqlite:///{tmp_path}/s.db"
    st.create(load_spec(str(TINY)), url, 12)
    st.run("tiny", url)
    study = st.load("tiny", url)
    study.ask()  # left RUNNING
    study.tell(study.ask(), state=optuna.trial.TrialState.FAIL)
    states = [t.state for t in study.get_trials(deepcopy=False)]
    assert state_counts(study._storage, study._study_id) == {s: states.count(s) for s in set(states)}
    status = st.status("tiny", url)
    assert (status["complete"], status["running"], status["failed"]) == \
        (12, 1, states.count(optuna.trial.TrialState.FAIL))
    assert state_counts(optuna.storages.InMemoryStorage(), 0) is None
