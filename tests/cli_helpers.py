"""Run the `dse` CLI in-process: (exit code, stdout, stderr)."""

from __future__ import annotations

import pytest

from dse.cli import main


def run(capsys, *args):
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out = capsys.readouterr()
    return info.value.code, out.out, out.err
