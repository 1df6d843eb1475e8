"""Studies end to end on a journal file: CLI, reproducibility, failures, kill and resume, workers."""

from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import time

import pyarrow.parquet as pq

from dse.search import study as st
from dse.search.spec import load_spec
from tests.cli_helpers import completed_so_far, dse_child, long_tiny, run

TINY = pathlib.Path(__file__).parents[2] / "data" / "studies" / "tiny.toml"




def test_start_status_export_delete(capsys, tmp_path):
    journal = str(tmp_path / "s.journal")
    code, out, _ = run(capsys, "study", "start", str(TINY), "--storage", journal)
    assert code == 0 and "trials told" in out
    code, out, _ = run(capsys, "study", "status", "tiny", "--storage", journal, "--format", "json")
    import json

    info = json.loads(out)
    assert info["n_trials"] == 40 and info["complete"] + info["failed"] >= 40 and info["complete"] == 40
    assert info["pareto_size"] >= 1 and info["hypervolume"] > 0
    export = tmp_path / "t.parquet"
    code, _, _ = run(capsys, "study", "export", "tiny", "--storage", journal, "-o", str(export))
    table = pq.read_table(export)
    complete = [r for r in table.to_pylist() if r["state"] == "COMPLETE"]
    assert len(complete) == 40 and all(r["metric.accuracy_pct"] > 0 for r in complete)
    # granularity 3 never divides rows in 8..24 step 4 unless rows is 12 or 24: the rest fail, told with a reason
    failed = [r for r in table.to_pylist() if r["state"] == "FAIL"]
    assert all("partition_granularity" in r["fail_reason"] for r in failed)
    code, _, _ = run(capsys, "study", "delete", "tiny", "--storage", journal, "--yes")
    code, _, err = run(capsys, "study", "status", "tiny", "--storage", journal)
    assert code == 2 and "no study named 'tiny'" in err


def test_same_seed_same_trials(tmp_path):
    spec = load_spec(str(TINY))
    params = []
    for i in range(2):
        journal = str(tmp_path / f"{i}.journal")
        st.create(spec, journal, 20)
        st.run("tiny", journal)
        params.append([t.params for t in st.load("tiny", journal).get_trials()])
    assert params[0] == params[1]


def test_bad_file_creates_nothing(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(TINY.read_text().replace("n_trials = 40", "n_trials = -1"))
    journal = tmp_path / "s.journal"
    code, _, err = run(capsys, "study", "start", str(bad), "--storage", str(journal))
    assert code == 2 and err.startswith(f"error: {bad}: n_trials:") and not journal.exists()


def test_two_workers_reach_the_exact_target(capsys, tmp_path):
    journal = str(tmp_path / "s.journal")
    code, _, _ = run(capsys, "study", "start", str(TINY), "--storage", journal, "--n-trials", "60", "--n-jobs", "2")
    assert code == 0
    trials = st.load("tiny", journal).get_trials()
    complete = [t for t in trials if t.state.name == "COMPLETE"]
    assert len(complete) == 60
    assert len({t.number for t in trials}) == len(trials)
    assert all("metrics" in t.user_attrs for t in complete)


def _wait_for_complete(journal: str, name: str, count: int, proc: subprocess.Popen, limit_s: float = 300) -> int:
    """Block until the journal holds `count` completed trials (re-read only when it grew); the
    limit only turns a hung child into a failure, it is not part of what is tested."""
    deadline = time.monotonic() + limit_s
    size = -1
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the study ended before it was killed"
        if os.path.exists(journal) and os.path.getsize(journal) != size:
            size = os.path.getsize(journal)
            done = completed_so_far(name, journal)
            if done >= count:
                return done
        time.sleep(0.05)
    raise AssertionError(f"{journal} did not reach {count} completed trials")


def test_sigkill_then_resume_loses_no_finished_trial(tmp_path):
    journal = str(tmp_path / "s.journal")
    proc = dse_child("study", "start", str(long_tiny(tmp_path)), "--storage", journal, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)
    try:
        done_before = _wait_for_complete(journal, "tiny", 50, proc)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    survived = {t.number for t in st.load("tiny", journal).get_trials() if t.state.name == "COMPLETE"}
    assert len(survived) >= done_before >= 50
    study = st.load("tiny", journal)
    target = len(survived) + 30
    study.set_user_attr(st.TARGET_ATTR, target)  # resume to a reachable target
    st.fail_orphans(study)
    st.run("tiny", journal)
    trials = st.load("tiny", journal).get_trials()
    complete = [t for t in trials if t.state.name == "COMPLETE"]
    assert len(complete) == target
    assert survived <= {t.number for t in complete}
    assert all("metrics" in t.user_attrs for t in complete)


def test_a_format_the_design_lacks_fails_the_trial_with_the_reason():
    from dse.search.evaluate import evaluate

    spec = load_spec(str(TINY))
    base = {"accel.preset": "dacapo", "accel.precision_modes": "mx6+mx9", "policy": "dacapo-spatiotemporal"}
    outcomes = evaluate(spec, [{**base, "dacapo-spatiotemporal.infer_precision": "mx4"},
                               {**base, "dacapo-spatiotemporal.infer_precision": "mx6"}])
    assert outcomes[0].metrics is None and "infer_precision = mx4" in outcomes[0].reason
    assert outcomes[1].metrics is not None and all(v == v for v in outcomes[1].metrics.values())  # no NaN


def test_a_torn_journal_is_reported_and_repaired(capsys, tmp_path):
    journal = tmp_path / "s.journal"
    st.create(load_spec(str(TINY)), str(journal), 10)
    st.run("tiny", str(journal))
    data = journal.read_bytes()
    journal.write_bytes(data[:-30])  # a crash cut the last record short
    code, _, err = run(capsys, "study", "status", "tiny", "--storage", str(journal))
    assert code == 2 and "cut short by a crash" in err and err.count("\n") == 1
    code, out, _ = run(capsys, "study", "repair", "--storage", str(journal))
    assert code == 0 and (tmp_path / "s.journal.torn").exists() and "moved a torn" in out
    code, _, _ = run(capsys, "study", "resume", "tiny", "--storage", str(journal))
    assert code == 0
    trials = st.load("tiny", str(journal)).get_trials()
    assert sum(t.state.name == "COMPLETE" for t in trials) == 10
