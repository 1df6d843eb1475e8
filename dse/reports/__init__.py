"""`dse report`: a study's Pareto front as HTML, PNG, CSV, Parquet and Markdown."""

from __future__ import annotations

import csv
import pathlib
from dataclasses import dataclass

from workloads.files import atomic_path, write_text_atomic

from ..search.export import write_table
from . import page, summary
from .data import ReportData, fmt, gather
from .plots import missing_plotting
from .pngs import write_pngs

__all__ = ["ReportData", "Written", "gather", "write_report"]


@dataclass(frozen=True)
class Written:
    """What a writer wrote into its folder, and what it skipped (one line saying why and how to
    get it, or None)."""

    out_dir: str
    files: list[str]
    skipped: str | None = None


def write_report(data: ReportData, out_dir: str) -> Written:
    """index.html, summary.md, pareto.csv, trials.parquet and the PNGs, each written atomically."""
    out = pathlib.Path(out_dir)
    write_text_atomic(out / "index.html", page.render(data))
    write_text_atomic(out / "summary.md", summary.render(data))
    cols = page.table_columns(data)
    with atomic_path(out / "pareto.csv") as tmp, open(tmp, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(cols)
        writer.writerows([[fmt(r.get(c)) for c in cols] for r in data.front])
    write_table(data.table, str(out / "trials.parquet"), "parquet")
    files = ["index.html", "summary.md", "pareto.csv", "trials.parquet"]
    missing = missing_plotting()
    if missing:
        return Written(str(out), files, f"skipped pareto.png, hypervolume.png: {missing}")
    write_pngs(data, out)
    return Written(str(out), [*files, "pareto.png", "hypervolume.png"])
