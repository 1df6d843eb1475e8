"""Stopping before the budget: a wall-clock limit and a hypervolume plateau, through the real CLI."""

from __future__ import annotations

import time

import pytest

from dse.errors import DseError
from dse.search import study as st
from dse.search.stopping import STOPPED_ATTR, StopRule
from tests.cli_helpers import TINY, dse_child, long_tiny, run


def test_a_20_s_limit_on_a_long_study_ends_within_25_s_with_every_finished_trial_stored(tmp_path):
    storage = str(tmp_path / "dse") + "/"
    start = time.monotonic()
    done = dse_child("study", "start", str(long_tiny(tmp_path)), "--storage", storage, "--timeout", "20",
                     run_to_end=True, timeout=120)
    elapsed = time.monotonic() - start  # the command's whole life, Python's start included
    assert done.returncode == 0, done.stderr
    assert elapsed < 25.0 and "stopped: time limit of 20 s reached" in done.stdout
    study = st.load("tiny", storage)
    counts = st._counts(study)
    assert counts["complete"] > 0 and counts["running"] == 0
    assert study.user_attrs[STOPPED_ATTR]["rule"] == "timeout"
    told = int(done.stdout.split(": ")[1].split(" trials told")[0])
    assert counts["complete"] + counts["failed"] == told  # every finished trial is in storage


def test_a_plateau_stops_the_study_and_the_report_says_so(capsys, tmp_path):
    storage = str(tmp_path / "dse") + "/"
    # a tolerance of 50 %: two batches without the hypervolume growing by half are a plateau
    code, out, err = run(capsys, "study", "start", str(TINY), "--storage", storage, "--n-trials", "1000",
                         "--stop-on-plateau", "2", "--plateau-tolerance", "0.5")
    assert code == 0, err
    assert "hypervolume plateau" in out
    study = st.load("tiny", storage)
    record = study.user_attrs[STOPPED_ATTR]
    assert record["rule"] == "plateau" and st._counts(study)["complete"] < 1000
    code, _, _ = run(capsys, "report", "tiny", "--storage", storage, "--out", str(tmp_path / "r"))
    assert code == 0 and "stopped early: hypervolume plateau" in (tmp_path / "r" / "summary.md").read_text()
    assert "Stopped early: hypervolume plateau" in (tmp_path / "r" / "index.html").read_text()


def test_the_rule_itself():
    rule = StopRule(timeout_s=5.0, plateau_batches=2, plateau_tolerance=0.1)
    assert rule.reason(1.0, [1.0, 2.0, 3.0]) is None  # growing
    assert rule.reason(1.0, [2.0, 2.1, 2.19])["rule"] == "plateau"  # +9.5 % over 2 batches <= 10 %
    assert rule.reason(6.0, [])["rule"] == "timeout"
    with pytest.raises(DseError, match="--stop-on-plateau"):
        StopRule(plateau_batches=0)
