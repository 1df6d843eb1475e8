"""`dse bench`: measured figures for this machine (see dse.bench)."""

from __future__ import annotations

import click

from workloads.files import json_text

from ..bench import SECTIONS, run
from .output import figure_text


@click.command()
@click.option("--only", type=click.Choice(list(SECTIONS)), multiple=True, help="Run only these sections.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--postgres-url", metavar="URL",
              help="PostgreSQL server of the workers and storage sections, where each fleet creates and drops "
                   "a database dse_bench_N (default: a throw-away local server, scripts/postgres-up).")
def bench(only: tuple[str, ...], fmt: str, postgres_url: str | None) -> None:
    """Benchmark the vectorized models against baselines measured in the same run."""
    announce = (lambda name: click.echo(f"running {name} ...", err=True)) if fmt == "table" else None
    results = run(only or None, announce, postgres_url, notify=lambda m: click.echo(f"note: {m}", err=True))
    if fmt == "json":
        click.echo(json_text(results))  # strict JSON: a figure that is infinite or undefined is null
    else:
        width = max(map(len, results))
        for key, value in results.items():
            click.echo(f"{key.ljust(width)}  {figure_text(value, grouped=True)}")
