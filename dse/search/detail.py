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


def write(where: pathlib.Path, rows: list[dict]) -> None:
    """One batch's detail rows ({"trial": n, metric: value, "draws.<metric>": [...]}) as a part file."""
    if not rows:
        return
    try:
        where.mkdir(parents=True, exist_ok=True)
        with atomic_path(where / f"part-{uuid.uuid4().hex}.parquet") as tmp:
            pq.write_table(pa.Table.from_pylist(rows), tmp)
    except OSError as err:
        raise DseError("storage", f"cannot write the study's detail file ({err.strerror or err}); nothing of this "
                                  "batch was kept: free space, then 'dse study resume'", str(where)) from None


def read(where: pathlib.Path | None) -> dict[int, dict]:
    """trial number -> its detail row (the newest part wins)."""
    if where is None or not where.exists():
        return {}
    parts = sorted(where.glob("part-*.parquet"), key=lambda p: p.stat().st_mtime)
    out: dict[int, dict] = {}
    for part in parts:
        for row in pq.read_table(part).to_pylist():
            out[int(row.pop("trial"))] = {k: v for k, v in row.items() if v is not None}
    return out


def draws_of(row: dict) -> dict[str, list[float]] | None:
    """The per-draw values in a detail row, by metric, or None."""
    found = {k.removeprefix("draws."): v for k, v in row.items() if k.startswith("draws.")}
    return found or None
