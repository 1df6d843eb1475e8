"""Per-trial detail kept beside a journal study, in Parquet: per-scenario accuracies and the
uncertainty draws, keyed by trial number.

The study storage keeps what samplers and dashboards need (parameters, objectives, constraints,
a few scalar metrics); the detail grows with pairs, scenarios and draws, so it goes to
`NAME.detail/part-*.parquet` beside the study's journal (one file per batch, written atomically;
a killed run loses at most the batch it was writing, as its trials are then unfinished too).
`dse study export`, `dse report` and the API read it back. Database studies keep their detail in
the trials' attributes (their workers may run on hosts without a shared folder).
"""

from __future__ import annotations

import pathlib
import uuid

import pyarrow as pa
import pyarrow.parquet as pq

from workloads.files import atomic_path

from ..errors import DseError
from .storage import locate

#: Metrics whose names start so go to the detail file (one per pair and scenario).
DETAIL_PREFIX = "acc_"


def folder(storage_url: str | None, study: str) -> pathlib.Path | None:
    """Where study `study`'s detail lives, or None for a database study."""
    loc = locate(storage_url)
    if loc.kind == "dir":
        return loc.path / f"{study}.detail"
    if loc.kind == "file":
        return loc.path.parent / f"{loc.path.name}.detail" / study
    return None


def split(metrics: dict[str, float]) -> tuple[dict[str, float], dict[str, float]]:
    """(what the storage keeps, what goes to the detail file)."""
    kept = {k: v for k, v in metrics.items() if not k.startswith(DETAIL_PREFIX)}
    return kept, {k: v for k, v in metrics.items() if k.startswith(DETAIL_PREFIX)}


def write(where: pathlib.Path, rows: list[dict], name: str | None = None) -> None:
    """One batch's detail rows ({"trial": n, metric: value, "draws.<metric>": [...]}) as a part file."""
    if not rows:
        return
    try:
        where.mkdir(parents=True, exist_ok=True)
        with atomic_path(where / (name or f"part-{uuid.uuid4().hex}.parquet")) as tmp:
            pq.write_table(pa.Table.from_pylist(rows), tmp)
    except OSError as err:
        raise DseError("storage", f"cannot write the study's detail file ({err.strerror or err}); nothing of this "
                                  "batch was kept: free space, then 'dse study resume'", str(where)) from None


def write_numbered(where: pathlib.Path, first: int, rows: list[dict]) -> None:
    """`write` for trials numbered from `first`, by a writer holding the journal's lock, so no
    trial numbered `first` or later exists yet: parts named for such numbers were left by a
    worker killed between its detail and its trials, and are removed (the numbers are reused)."""
    for part in where.glob("part-n*.parquet") if where.exists() else ():
        if int(part.name[6:15]) >= first:
            part.unlink(missing_ok=True)
    write(where, rows, f"part-n{first:09d}-{uuid.uuid4().hex}.parquet")


def read(where: pathlib.Path | None) -> dict[int, dict]:
    """trial number -> its detail row (the newest part wins)."""
    if where is None or not where.exists():
        return {}
    stamped = []
    for part in where.glob("part-*.parquet"):
        try:
            stamped.append((part.stat().st_mtime, part, pq.read_table(part)))
        except FileNotFoundError:  # an abandoned part, removed by the writer that reused its numbers
            continue
    out: dict[int, dict] = {}
    for _, _, table in sorted(stamped, key=lambda s: s[0]):
        for row in table.to_pylist():
            number = int(row.pop("trial"))  # before the row is copied (an assignment's value comes first)
            out[number] = {k: v for k, v in row.items() if v is not None}
    return out


def draws_of(row: dict) -> dict[str, list[float]] | None:
    """The per-draw values in a detail row, by metric, or None."""
    found = {k.removeprefix("draws."): v for k, v in row.items() if k.startswith("draws.")}
    return found or None
