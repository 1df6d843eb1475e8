"""A throw-away PostgreSQL server on this machine, for `dse bench`'s worker fleets.

It is started and stopped by the shipped `postgres-up` script, the one the tests and
docs/scaling.md use (it installs Debian's package when run as root). The script ships inside dse
(`dse/scripts_data/postgres-up`, a link to `scripts/postgres-up` in a checkout), so an installed
copy finds it too: looked up beside the checkout, a wheel's bench failed with a traceback.
"""

from __future__ import annotations

import contextlib
import importlib.util
import pathlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from importlib import resources

#: The driver of the URLs `postgres-up` prints (postgresql+psycopg://...).
DRIVER = "psycopg"


class Unavailable(Exception):
    """No throw-away server here; the message says why, in one line."""


def script() -> pathlib.Path:
    """The shipped `postgres-up` script."""
    return pathlib.Path(str(resources.files("dse") / "scripts_data" / "postgres-up"))


def start(data: str | pathlib.Path, port: int | str, timeout: float | None = None) -> subprocess.CompletedProcess:
    """`postgres-up DATA PORT`: start (or start again) the server whose files are in `data`; its
    URL on stdout, or why not on stderr (exit code 3: no PostgreSQL, and not root to install it)."""
    return subprocess.run(["bash", str(script()), str(data), str(port)], capture_output=True, text=True,
                          timeout=timeout)


def stop(data: str | pathlib.Path, check: bool = False, timeout: float = 60) -> None:
    """`postgres-up --stop DATA`: stop the server whose files are in `data`."""
    subprocess.run(["bash", str(script()), "--stop", str(data)], capture_output=True, check=check, timeout=timeout)


@contextlib.contextmanager
def throwaway(port: int) -> Iterator[str]:
    """Yields the URL of a new server on `port`, its files in a temporary folder (about 1 GB after
    the storage bench), stopped and deleted at the end. Raises `Unavailable` when the driver is
    not installed or the server cannot start (no PostgreSQL and not root, the port taken)."""
    if importlib.util.find_spec(DRIVER) is None:
        raise Unavailable(f"the PostgreSQL driver {DRIVER} is not installed (pip install 'cl-dse[postgres]')")
    if not script().is_file():
        raise Unavailable(f"{script()} is missing from this installation")
    data = tempfile.mkdtemp(prefix="cl-dse-pg-bench-", dir="/tmp")
    try:
        up = start(data, port)
        if up.returncode != 0:
            why = (up.stderr.strip().splitlines() or [f"exit code {up.returncode}"])[-1]
            raise Unavailable(f"{script().name} on port {port}: {why}")
        yield up.stdout.strip()
    finally:
        stop(data)
        shutil.rmtree(data, ignore_errors=True)
