"""Only a command that owns its process switches the garbage collector off for its start and
freezes it (`dse.cli.process`): a test or notebook calling `main([...])` must not have its
collector switched off, or its objects frozen (never collected)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

from tests.cli_helpers import ROOT, TINY, run


def test_a_command_run_in_process_freezes_nothing(capsys, tmp_path):
    before = gc.get_freeze_count()
    code, out, _ = run(capsys, "study", "start", str(TINY), "--storage", f"{tmp_path}/", "--n-trials", "10")
    assert code == 0 and "trials told" in out
    assert gc.get_freeze_count() == before and gc.isenabled()


def test_the_command_line_of_its_own_process_freezes_before_it_exits(tmp_path):
    probe = ("import atexit, gc, sys\n"
             "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0))\n"
             "sys.argv = ['dse', 'study', 'start', sys.argv[1], '--storage', sys.argv[2], '--n-trials', '10']\n"
             "from dse.cli import main\n"
             "main()\n")
    child = subprocess.run([sys.executable, "-c", probe, str(TINY), f"{tmp_path}/"], capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert child.returncode == 0, child.stderr
    assert "trials told" in child.stdout and "frozen True" in child.stdout


#: Runs `dse ARGS...` as its own process, printing whether the collector was on at each call of
#: the wrapped library function (`module:name`, the first argument).
_COLLECTING_PROBE = """import gc, importlib, sys
module, name = sys.argv[1].split(":")
owner = importlib.import_module(module)
original = getattr(owner, name)
def probe(*args, **kwargs):
    print("collecting", gc.isenabled())
    return original(*args, **kwargs)
setattr(owner, name, probe)
sys.argv = ["dse", *sys.argv[2:]]
from dse.cli import main
main()
"""


def _collecting(wrapped: str, *args: str) -> list[bool]:
    child = subprocess.run([sys.executable, "-c", _COLLECTING_PROBE, wrapped, *args], capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert child.returncode == 0, child.stderr
    return [line == "collecting True" for line in child.stdout.splitlines() if line.startswith("collecting")]


def test_a_study_collects_from_its_second_batch_on(tmp_path):
    """The first batch still loads the engine (part of the start); the others run collected."""
    seen = _collecting("dse.search.study:evaluate", "study", "start", str(TINY), "--storage", f"{tmp_path}/",
                       "--n-trials", "30")
    assert len(seen) >= 3 and seen == [False] + [True] * (len(seen) - 1)  # batches of ten (some fail)


def test_other_commands_collect_from_their_start(tmp_path):
    subprocess.run([sys.executable, "-m", "dse", "study", "start", str(TINY), "--storage", f"{tmp_path}/",
                    "--n-trials", "10"], check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert _collecting("dse.search.study:status", "study", "status", "tiny", "--storage", f"{tmp_path}/") == [True]
    assert _collecting("dse.search.study:details", "study", "export", "tiny", "--storage", f"{tmp_path}/",
                       "-o", f"{tmp_path}/t.csv", "--format", "csv") == [True]


def test_a_study_run_by_worker_processes_collects_in_the_waiting_one(tmp_path):
    seen = _collecting("dse.search.study:run_workers", "study", "start", str(TINY), "--storage", f"{tmp_path}/",
                       "--n-trials", "10", "--n-jobs", "2")
    assert seen == [True]
    assert _collecting("dse.search.study:run_workers", "study", "resume", "tiny", "--storage", f"{tmp_path}/") == \
        [False]  # one worker, here: its first batch is still the start
