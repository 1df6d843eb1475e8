"""`dse report`: a study's Pareto front as HTML, PNG, CSV, Parquet and Markdown."""

from __future__ import annotations

import csv
import pathlib

from ..search.export import write_table
from . import page, summary
from .data import ReportData, fmt, gather
from .pngs import write_pngs

__all__ = ["ReportData", "gather", "write_report"]


def write_report(data: ReportData, out_dir: str) -> list[str]:
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "index.html").write_text(page.render(data))
    (out / "summary.md").write_text(summary.render(data))
    cols = page.table_columns(data)
    with (out / "pareto.csv").open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(cols)
        writer.writerows([[fmt(r.get(c)) for c in cols] for r in data.front])
    write_table(data.table, str(out / "trials.parquet"), "parquet")
    write_pngs(data, out)
    return ["index.html", "summary.md", "pareto.csv", "trials.parquet", "pareto.png", "hypervolume.png"]
