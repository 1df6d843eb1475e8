"""`dse sweep FILE`: an exhaustive grid or a Latin-hypercube sample of a study's space."""

from __future__ import annotations

import click
from tqdm import tqdm


@click.command()
@click.argument("file")
@click.option("--grid", "grid", is_flag=True, help="Every combination (the space must be discrete).")
@click.option("--samples", type=click.IntRange(1), help="Latin-hypercube samples.")
@click.option("--n-jobs", type=click.IntRange(1), default=1, show_default=True)
@click.option("--backend", type=click.Choice(["loky", "dask"]), default="loky", show_default=True)
@click.option("--scheduler", help="Dask scheduler address (with --backend dask).")
@click.option("-o", "--output", required=True, help="Parquet file to write.")
@click.option("--enqueue", "enqueue_study", help="Enqueue the best candidates into this existing study.")
@click.option("--top", type=click.IntRange(1), default=10, show_default=True, help="How many to enqueue.")
@click.option("--storage", help="Storage of --enqueue's study (DIR/, a journal file or a URL). [.dse/]")
def sweep(file: str, grid: bool, samples: int | None, n_jobs: int, backend: str, scheduler: str | None,
          output: str, enqueue_study: str | None, top: int, storage: str | None) -> None:
    """Evaluate every candidate of FILE's space and write parameters and metrics to Parquet."""
    from .. import api

    total = api.sweep_size(file, grid, samples)
    with tqdm(total=total, desc="candidates", unit="cand", disable=None) as bar:
        run = api.sweep(file, output, grid=grid, samples=samples, n_jobs=n_jobs, backend=backend,
                        scheduler=scheduler, progress=bar.update)
    written, seconds = run["written"], run["seconds"]
    click.echo(f"wrote {written} candidates to {output} in {seconds:.1f} s ({written / seconds:.0f} candidates/s)")
    if enqueue_study:
        enqueued = api.enqueue_best(enqueue_study, output, file, top, storage)
        click.echo(f"enqueued {enqueued} Pareto candidates into {enqueue_study}; 'dse study resume' evaluates them")
