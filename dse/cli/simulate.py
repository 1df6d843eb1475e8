"""`dse simulate`: one system on one pair and some scenarios, per scenario or per window."""

from __future__ import annotations

import click

from accel import PLATFORMS

from ..api import run_simulation, scenario_table, stored_detail, summary_figures, window_table
from ..errors import DseError
from ..reports.plots import missing_plotting, plot_timeline
from ..sim.pairs import resolve_pair
from ..sim.policies import POLICIES
from .output import FORMATS, render


def parse_params(values: tuple[str, ...], option: str = "--param") -> dict[str, object]:
    out: dict[str, object] = {}
    for text in values:
        key, sep, raw = text.partition("=")
        if not sep or not key:
            raise DseError(option, f"expected KEY=VALUE, got {text!r}")
        try:
            out[key] = float(raw)
        except ValueError:
            out[key] = raw  # a categorical value such as infer_precision=mx4
    return out


@click.command()
@click.option("--design", default="dacapo", show_default=True, help="Preset or TOML design file.")
@click.option("--platform", type=click.Choice(list(PLATFORMS)), help="Run on a GPU platform instead of a design.")
@click.option("--policy", type=click.Choice(list(POLICIES)), default="dacapo-spatiotemporal", show_default=True)
@click.option("--param", "params", multiple=True, help="Policy parameter KEY=VALUE (repeatable).")
@click.option("--pair", default="resnet18", show_default=True, help="Pair key or student (resnet18, vit_b_32, ...).")
@click.option("--scenario", "scenarios", multiple=True, default=("S1",), show_default=True,
              help="Shipped scenario name or TOML file (repeatable).")
@click.option("--vit-artifact", is_flag=True, help="ViT without attention GEMMs, as DaCapo's artifact.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), help="Write the allocation timeline PNG.")
@click.option("--study", "study_name", help="Take design, policy and parameters from a trial of this study.")
@click.option("--trial", type=click.IntRange(0), help="Trial number (with --study), e.g. from a report's table.")
@click.option("--storage", help="Storage of --study (DIR/, a journal file or a URL). [.dse/]")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--proxies", type=click.Path(dir_okay=False), default=None,
              help="Accuracy-curves Parquet file instead of the shipped defaults.")
@click.option("--windows", is_flag=True, help="One row per window (labels, epochs, energy) instead of per scenario.")
@click.option("--uncertainty", type=click.IntRange(1), default=None,
              help="Draws of the proxies and simulator constants: median and 5-95% interval (docs/proxies.md).")
@click.option("--seed", "uncertainty_seed", type=click.IntRange(0), default=0, show_default=True,
              help="Seed of the uncertainty draws.")
@click.option("--sim-param", "sim_params", multiple=True,
              help="Simulator constant KEY=VALUE (drift_transfer, full_data_samples, data_exponent, step_s).")
def simulate(design, platform, policy, params, pair, scenarios, vit_artifact, plot_path, study_name, trial, storage,
             fmt, proxies, windows, uncertainty, uncertainty_seed, sim_params) -> None:
    """Accuracy, power and dropped frames of one system per scenario (--windows: per window); a
    summary below."""
    result, label, policy = run_simulation(
        design, policy, pair, scenarios, parse_params(params), platform=platform, proxies=proxies,
        vit_artifact=vit_artifact, study=study_name, trial=trial, storage=storage, record=0,
        sim_params=parse_params(sim_params, "--sim-param"), uncertainty=uncertainty,
        uncertainty_seed=uncertainty_seed)
    if windows and uncertainty:
        raise DseError("--windows", "per-window detail is for one run; drop --uncertainty")
    student, teacher = resolve_pair(pair)
    table = window_table(result) if windows else scenario_table(result)
    summary = {"system": f"{label} / {policy}", "pair": f"{student}/{teacher}",
               **summary_figures(result)}
    if study_name is not None:  # what the study stored for this trial, beside the re-simulation
        summary.update({f"stored_{k}": v for k, v in stored_detail(study_name, trial, storage).items()})
    click.echo(render(table.to_pylist(), fmt, summary if fmt != "csv" else None))
    if plot_path:
        problem = missing_plotting()
        if problem:
            click.echo(f"note: skipped {plot_path}: {problem}", err=True)
            return
        plot_timeline(result.timeline, plot_path, f"{label} / {policy} / {student}-{teacher}", result.step_s)
