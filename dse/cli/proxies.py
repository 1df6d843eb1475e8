"""`dse proxies`: validate, summarise and fit accuracy-proxy Parquet files."""

from __future__ import annotations

import click

from .. import api
from .output import figure_text, render


@click.group()
def proxies() -> None:
    """Accuracy proxies (Parquet): observations and fitted curves."""


@proxies.command("validate")
@click.argument("file", type=click.Path(dir_okay=False))
def validate_cmd(file: str) -> None:
    """Check FILE against the proxy schema; prints its kind and row count."""
    found = api.validate_proxies(file)
    click.echo(f"{file}: valid {found['kind']} table, {found['rows']} rows")


@proxies.command("show")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def show(file: str, fmt: str) -> None:
    """Summary of FILE: per (student, scenario) row counts and accuracy ranges."""
    summary = api.proxies_summary(file)
    click.echo(render(summary["groups"], fmt, {"kind": summary["kind"], "file": file} if fmt != "csv" else None))


@proxies.command("fit")
@click.argument("observations", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Curves Parquet to write.")
@click.option("--label-acc", type=click.FloatRange(0, 1), default=1.0, show_default=True,
              help="Teacher labeling accuracy to record (observations do not carry it).")
def fit(observations: str, output: str, label_acc: float) -> None:
    """Fit Ekya-style curves to OBSERVATIONS; prints the fit error per curve."""
    curves = api.fit_proxies(observations, output, label_acc)
    rows = [{k: r[k] for k in ("student", "scenario", "segment", "n_obs", "b0", "b1", "b2", "fit_rmse")}
            for r in curves.to_pylist()]
    click.echo(render(rows, "table", {"wrote": output}))


@proxies.command("profile")
@click.argument("spec")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Observations Parquet to write.")
@click.option("--seed", type=click.IntRange(0), default=None, help="Seed of the demo stream and training. [0]")
@click.option("--threads", type=click.IntRange(1), default=None, help="PyTorch CPU threads. [all cores]")
def profile_cmd(spec: str, output: str, seed: int | None, threads: int | None) -> None:
    """Measure accuracy observations with real training: SPEC is `demo` (the shipped digits
    stream, a few minutes on 2 cores) or a TOML file naming ImageFolder segments and model
    checkpoints (docs/proxies.md). Resumable: rerun the same command after a stop."""
    table = api.profile_proxies(spec, output, seed=seed, threads=threads, progress=lambda m: click.echo(m, err=True))
    click.echo(f"wrote {table.num_rows} observations to {output}")


@proxies.command("check")
@click.argument("observations", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the full results as JSON here.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def check_cmd(observations: str, output: str | None, fmt: str) -> None:
    """Check the simulator's assumptions against measured OBSERVATIONS: the Ekya curve form's fit
    error, the data-size exponent (shipped 0.2) and the drift carry-over (shipped drift_transfer)."""
    import json

    from workloads.files import write_text_atomic

    result = api.check_proxies(observations)
    if output:
        write_text_atomic(output, json.dumps(result, indent=1) + "\n")
    summary = {k: v for k, v in result.items() if not isinstance(v, list)}
    if fmt == "json":
        click.echo(json.dumps(summary, indent=1))
    else:
        for key, value in summary.items():
            click.echo(f"{key}: {figure_text(value)}")
