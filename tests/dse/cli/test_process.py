"""Only a command that owns its process freezes the garbage collector (`dse.cli.process`): a
test or notebook calling `main([...])` must not have its objects frozen (never collected)."""

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
    assert gc.get_freeze_count() == before


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
