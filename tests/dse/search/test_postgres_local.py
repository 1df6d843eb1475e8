"""The bench's throw-away PostgreSQL server: found in an installed copy, and when there is none,
one line saying why instead of a traceback."""

from __future__ import annotations

import importlib.util
import pathlib
import socket
import sys

import pytest

from dse.search import postgres_local
from tests.cli_helpers import run

from .test_scaleout import _free_port

ROOT = pathlib.Path(__file__).parents[3]

needs_driver = pytest.mark.skipif(importlib.util.find_spec(postgres_local.DRIVER) is None,
                                  reason="the PostgreSQL driver (extra 'postgres') is not installed")


def _nobody_listens() -> str:
    """A PostgreSQL URL on a port nothing listens on."""
    return f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/x"


def test_the_script_ships_inside_dse():
    """`dse/scripts_data/postgres-up` is the checkout's script (a link), and the wheel takes it
    (package data): before, the bench looked for scripts/ beside site-packages and crashed."""
    import tomllib

    assert postgres_local.script().read_bytes() == (ROOT / "scripts" / "postgres-up").read_bytes()
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert "scripts_data/postgres-up" in package_data["dse"]


def test_without_the_driver_the_storage_bench_keeps_its_journal_figures_and_says_why(monkeypatch):
    from dse.bench import bench_storage

    monkeypatch.setitem(sys.modules, postgres_local.DRIVER, None)  # as if not installed
    heard: list[str] = []
    figures = bench_storage(studies=2, trials=20, open_trials=20, notify=heard.append)
    assert figures["postgres_unavailable"] == 1.0
    assert figures["status_s_100k"] > 0 and figures["journal_bytes_per_trial"] > 0
    assert not any(key.startswith("pg_") for key in figures)
    assert heard == ["no PostgreSQL figures: the PostgreSQL driver psycopg is not installed "
                     "(pip install 'cl-dse[postgres]')"]


@needs_driver
def test_a_taken_port_gives_the_servers_own_reason():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(postgres_local.Unavailable) as info, postgres_local.throwaway(port):
            pass
    if "not installed" in str(info.value):
        pytest.skip(f"PostgreSQL cannot be installed here: {info.value}")
    assert str(info.value) == (f'postgres-up on port {port}: the server did not start: '
                               'could not bind IPv4 address "127.0.0.1": Address already in use')


@needs_driver
def test_a_server_the_bench_cannot_use_is_one_error_line(capsys):
    url = _nobody_listens()
    code, out, err = run(capsys, "bench", "--only", "workers", "--postgres-url", url)
    assert code == 2 and out == ""
    assert err.startswith(f"running workers ...\nerror: --postgres-url: cannot create databases on {url}: "
                          "OperationalError: "), err
    assert err.count("\n") == 2


@needs_driver
def test_a_server_that_cannot_be_used_is_named_by_where_its_url_came_from():
    """The bench's own server is not the user's `--postgres-url`: the error names which it was."""
    from dse.bench import _fresh_databases
    from dse.errors import DseError

    url = _nobody_listens()
    for field in ("--postgres-url", "the bench's own PostgreSQL server (port 55433)"):
        with pytest.raises(DseError) as info, _fresh_databases(url, field):
            pass
        assert info.value.line().startswith(f"{field}: cannot create databases on {url}: OperationalError: ")
