"""`dse report STUDY --out DIR`: the study's Pareto report."""

from __future__ import annotations

import click

from .report import gather, write_report


@click.command()
@click.argument("name")
@click.option("--storage", help="Optuna storage URL or journal path. [.dse/studies.journal]")
@click.option("--out", "out_dir", default=None, help="Output folder. [out/NAME]")
def report(name: str, storage: str | None, out_dir: str | None) -> None:
    """index.html, pareto.png, hypervolume.png, pareto.csv, trials.parquet and summary.md."""
    data = gather(name, storage)
    out = out_dir or f"out/{name}"
    files = write_report(data, out)
    note = "" if data.front else " (no completed feasible trials)"
    click.echo(f"{name}: {len(data.front)} Pareto designs{note}; wrote {', '.join(files)} to {out}")
