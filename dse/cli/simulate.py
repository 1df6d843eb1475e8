"""`dse simulate`: one system on one pair and some scenarios, window by window."""

from __future__ import annotations

import click
import numpy as np

from accel import PLATFORMS

from ..errors import DseError
from ..sim.curves import CurveBook
from ..sim.pairs import resolve_pair
from ..sim.policies import POLICIES
from ..sim.run import run_system
from .output import FORMATS, render


def parse_params(values: tuple[str, ...]) -> dict[str, object]:
    out: dict[str, object] = {}
    for text in values:
        key, sep, raw = text.partition("=")
        if not sep or not key:
            raise DseError("--param", f"expected KEY=VALUE, got {text!r}")
        try:
            out[key] = float(raw)
        except ValueError:
            out[key] = raw  # a categorical value such as infer_precision=mx4
    return out


def trial_system(study_name: str, number: int, storage: str | None) -> tuple:
    """(Design, policy, params) of a study's trial, to simulate it on its own."""
    from accel import Design

    from ..search import study as st
    from ..search.space import POLICY_PARAM, design_record, policy_params

    s = st.load(study_name, storage)
    spec = st.spec_of(s)
    trials = {t.number: t for t in s.get_trials(deepcopy=False)}
    if number not in trials:
        raise DseError("--trial", f"study {study_name!r} has no trial {number}")
    values = {f"accel.{k}": d.value for k, d in spec.accel.items() if d.kind == "fixed"}
    values.update(trials[number].params)
    values.setdefault(POLICY_PARAM, next(iter(spec.policies)))
    for k, d in spec.policies[values[POLICY_PARAM]].items():
        values.setdefault(f"{values[POLICY_PARAM]}.{k}", d.value)
    return Design.from_records([design_record(values)]), values[POLICY_PARAM], policy_params(values)


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
@click.option("--storage", help="Storage of --study. [.dse/studies.journal]")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--proxies", type=click.Path(dir_okay=False), default=None,
              help="Accuracy-curves Parquet file instead of the shipped defaults.")
def simulate(design, platform, policy, params, pair, scenarios, vit_artifact, plot_path, study_name, trial, storage,
             fmt, proxies) -> None:
    """Per-window accuracy, labels, epochs and energy of one system; summary below."""
    student, teacher = resolve_pair(pair)
    target, values = platform or design, parse_params(params)
    if (study_name is None) != (trial is None):
        raise DseError("--study/--trial", "give both --study NAME and --trial N, or neither")
    label = target
    if study_name is not None:
        target, policy, values = trial_system(study_name, trial, storage)
        label = f"{study_name} trial {trial}"
    result = run_system(target, policy, values, student, teacher, tuple(scenarios),
                        vit_attention=not vit_artifact, book=CurveBook(proxies), record=0)
    rows = []
    for j, name in enumerate(result.scenarios):
        for w in range(result.window_accuracy.shape[2]):
            if np.isnan(result.window_accuracy[0, j, w]):
                continue
            tl = next(t for t in result.timeline if t["scenario"] == name and t["window"] == w)
            rows.append({"scenario": name, "window": w, "segments": "/".join(map(str, np.unique(tl["segments"]))),
                         "accuracy_pct": 100 * float(result.window_accuracy[0, j, w]),
                         "processed": float(tl["processed"]), "labels": float(result.window_labels[0, j, w]),
                         "epochs": float(result.window_epochs[0, j, w]),
                         "energy_j": float(result.window_energy_j[0, j, w])})
    summary = {"system": f"{label} / {policy}", "pair": f"{student}/{teacher}",
               "geomean_accuracy_pct": 100 * float(result.geomean_accuracy[0]),
               "mean_accuracy_pct": 100 * float(result.mean_accuracy[0]),
               "dropped_frames_pct": 100 * float(result.dropped_fraction[0]),
               "average_power_w": float(result.power_w[0])}
    for j, name in enumerate(result.scenarios):
        summary[f"accuracy_pct_{name}"] = 100 * float(result.scenario_accuracy[0, j])
    click.echo(render(rows, fmt, summary if fmt != "csv" else None))
    if plot_path:
        from ..report.plots import plot_timeline

        plot_timeline(result.timeline, plot_path, f"{label} / {policy} / {student}-{teacher}", result.step_s)
