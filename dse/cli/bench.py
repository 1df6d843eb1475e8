"""`dse bench`: measured figures for this machine (see dse.bench)."""

from __future__ import annotations

import json

import click

from ..bench import SECTIONS


@click.command()
@click.option("--only", type=click.Choice(list(SECTIONS)), multiple=True, help="Run only these sections.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def bench(only: tuple[str, ...], fmt: str) -> None:
    """Benchmark the vectorized models against baselines measured in the same run."""
    results: dict[str, float] = {}
    for name in only or tuple(SECTIONS):
        if fmt == "table":
            click.echo(f"running {name} ...", err=True)
        results.update(SECTIONS[name]())
    if fmt == "json":
        click.echo(json.dumps(results, indent=2))
    else:
        width = max(map(len, results))
        for key, value in results.items():
            click.echo(f"{key.ljust(width)}  {value:,.4g}")
