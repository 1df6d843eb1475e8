"""Run the `dse` CLI in-process: (exit code, stdout, stderr); or as a child process."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

from dse.cli import main

ROOT = pathlib.Path(__file__).parents[1]
TINY = ROOT / "tests" / "data" / "studies" / "tiny.toml"


def run(capsys, *args):
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out = capsys.readouterr()
    return info.value.code, out.out, out.err


def long_tiny(folder: pathlib.Path) -> pathlib.Path:
    """The tiny study with a target no run reaches before it is stopped, however fast the machine."""
    spec = folder / "long.toml"
    spec.write_text(TINY.read_text().replace("n_trials = 40", "n_trials = 1000000"))
    return spec


def dse_child(*args: str, run_to_end: bool = False, **kwargs):
    """`python -m dse ARGS` with this checkout on the path: a Popen, or with `run_to_end` the
    CompletedProcess (text output captured)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "dse", *args]
    if run_to_end:
        return subprocess.run(cmd, env=env, capture_output=True, text=True, **kwargs)
    return subprocess.Popen(cmd, env=env, **kwargs)


def completed_so_far(name: str, storage: str) -> int:
    """Completed trials of a study another process is running; 0 while that process has created
    the journal file but not yet written the study into it."""
    from dse.search import study as st

    try:
        return st._counts(st.load(name, storage))["complete"]
    except st.StudyNotFound:
        return 0
