"""`dse sweep FILE`: an exhaustive grid or a Latin-hypercube sample of a study's space."""

from __future__ import annotations

import time

import click
from tqdm import tqdm

from ..errors import DseError
from ..search.space import grid_points
from ..search.spec import load_spec, not_discrete
from ..search.sweep import run_sweep


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
@click.option("--storage", help="Storage of --enqueue's study. [.dse/studies.journal]")
def sweep(file: str, grid: bool, samples: int | None, n_jobs: int, backend: str, scheduler: str | None,
          output: str, enqueue_study: str | None, top: int, storage: str | None) -> None:
    """Evaluate every candidate of FILE's space and write parameters and metrics to Parquet."""
    spec = load_spec(file)
    if grid == (samples is not None):
        raise DseError("--grid/--samples", "give exactly one of --grid or --samples N")
    if grid and not_discrete(spec):
        raise DseError(not_discrete(spec), "--grid needs choices, fixed values or stepped int ranges", spec.path)
    total = len(grid_points(spec)) if grid else samples
    if backend == "dask":
        from ..search.dask_backend import dask_client

        client = dask_client(scheduler)
        backend = "dask"
    start = time.perf_counter()
    with tqdm(total=total, desc="candidates", unit="cand", disable=None) as bar:
        written = run_sweep(spec, output, grid, samples or 0, n_jobs, backend, progress=bar.update)
    seconds = time.perf_counter() - start
    if backend == "dask":
        client.close()
    click.echo(f"wrote {written} candidates to {output} in {seconds:.1f} s ({written / seconds:.0f} candidates/s)")
    if enqueue_study:
        from ..search import study as st
        from ..search.quality import best_candidates

        target = st.load(enqueue_study, storage)
        best = best_candidates(output, spec, top)
        for params in best:
            target.enqueue_trial(params, skip_if_exists=True)
        click.echo(f"enqueued {len(best)} Pareto candidates into {enqueue_study}; 'dse study resume' evaluates them")
