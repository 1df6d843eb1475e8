"""The search-evidence report: hypervolume against evaluations (median and 95% band over seeds,
per sampler), against wall time (study, sweep, sweep-then-study), and its Parquet tables."""

from __future__ import annotations

import html
import pathlib

import numpy as np
import pyarrow as pa

from workloads.files import json_text, write_text_atomic

from ..search.evidence import Evidence, band, curves_table
from ..search.export import write_table
from ..search.spec import StudySpec
from . import Written
from .page import SORT_SCRIPT, STYLE
from .plots import _pyplot, missing_plotting, save_png


def _plot_evaluations(table: pa.Table, runs: list[str], path: pathlib.Path, title: str) -> None:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 5))
    top = max(table.filter(pa.compute.is_in(table["run"], pa.array(runs)))["evaluations"].to_pylist() or [1])
    at = np.linspace(0, top, 101)[1:]
    floor = 1.0
    for run in runs:
        b = band(table, run, at)
        line, = ax.plot(at, b["median"], label=f"{run} (median of {len(b['per_seed'])} seeds)")
        ax.fill_between(at, b["low"], b["high"], color=line.get_color(), alpha=0.2, lw=0)
        floor = min(floor, float(np.min(b["low"][10:])) if len(at) > 10 else 0.0)
    ax.set_ylim(max(np.floor(floor * 50) / 50, 0.0), 1.005)  # the first 10% of the budget may fall below
    ax.axhline(0.99, color="gray", ls="--", lw=0.8)
    ax.set_xlabel("evaluations (trials)")
    ax.set_ylabel("hypervolume / reference front's")
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    save_png(fig, path)


def _plot_time(evidence: Evidence, path: pathlib.Path) -> None:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 5))
    seed = evidence.equal_time[0]["seed"]
    for c in evidence.curves:
        if c.label.endswith("(equal time)") and c.seed == seed:
            ax.step(c.seconds, c.hypervolume / evidence.reference_hv, where="post", label=c.label)
    ax.set_xlabel("wall time in one process (s)")
    ax.set_ylabel("hypervolume / reference front's")
    ax.set_title(f"equal wall time (seed {seed})")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    save_png(fig, path)


def _table(rows: list[dict]) -> str:
    if not rows:
        return ""
    keys = list(rows[0])

    def cell(v) -> str:
        return f"{v:.4g}" if isinstance(v, float) else html.escape(str(v))

    head = "".join(f"<th>{html.escape(k)}</th>" for k in keys)
    body = "".join("<tr>" + "".join(f"<td>{cell(r[k])}</td>" for k in keys) + "</tr>" for r in rows)
    return f"<table class='sortable'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def write_evidence(evidence: Evidence, spec: StudySpec, out_dir: str) -> Written:
    """curves.parquet (every run, batch by batch), samplers.parquet, equal_time.parquet,
    figures.json, index.html and its PNGs in `out_dir`."""
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    table = curves_table(evidence.curves, evidence.reference_hv)
    write_table(table, str(out / "curves.parquet"), "parquet")
    write_table(pa.Table.from_pylist(evidence.samplers), str(out / "samplers.parquet"), "parquet")
    if evidence.equal_time:
        write_table(pa.Table.from_pylist(evidence.equal_time), str(out / "equal_time.parquet"), "parquet")
    write_text_atomic(out / "figures.json", json_text(evidence.figures) + "\n")
    note = missing_plotting()
    images = []
    if note is None:
        samplers = [r["sampler"] for r in evidence.samplers]
        _plot_evaluations(table, samplers, out / "samplers.png", f"{spec.name}: samplers over seeds")
        images.append("samplers.png")
        if any(c.label == "sequential" for c in evidence.curves):
            _plot_evaluations(table, [spec.sampler, "sequential"], out / "joint_sequential.png",
                              f"{spec.name}: joint ({spec.sampler}) against sequential co-design")
            images.append("joint_sequential.png")
        if evidence.equal_time:
            _plot_time(evidence, out / "equal_time.png")
            images.append("equal_time.png")
    figures = [{"figure": k, "value": (", ".join(f"{x:.4g}" for x in v) if isinstance(v, list) else v)}
               for k, v in evidence.figures.items()]
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(spec.name)}: search evidence"
            f"</title><style>{STYLE}</style></head><body><h1>{html.escape(spec.name)}: does the search pay off?</h1>"
            f"<p class='note'>Reference front: {html.escape(evidence.reference)}, hypervolume "
            f"{evidence.reference_hv:.6g}. Bands: 95% bootstrap intervals of the median over seeds.</p>"
            f"<div class='plots'>{''.join(f'<img src={i!r} width=600>' for i in images)}</div>"
            + (f"<p class='note'>note: {html.escape(note)}; plots skipped</p>" if note else "")
            + f"<h2>Samplers</h2>{_table(evidence.samplers)}"
            + (f"<h2>Equal wall time</h2>{_table(evidence.equal_time)}" if evidence.equal_time else "")
            + f"<h2>Figures</h2>{_table(figures)}<script>{SORT_SCRIPT}</script></body></html>")
    write_text_atomic(out / "index.html", page)
    return Written(str(out), [str(out / i) for i in images], note)


README_START, README_END = "<!-- search-evidence:start -->", "<!-- search-evidence:end -->"


def _pct(x: float) -> str:
    return f"{100 * x:.2f}%"


def readme_block(figures: dict, samplers: list[dict]) -> str:
    """The README's search-evidence table (Markdown), from `figures.json` and `samplers.parquet`
    (in figures.json an infinite or undefined figure is null: it is shown as "nan")."""
    figures = {k: (float("nan") if v is None else v) for k, v in figures.items()}
    seeds = int(figures["seeds"])
    lines = [README_START,
             f"Measured by `scripts/search_evidence.py` (`dse bench --only search`) on dacapo-open: {seeds} seeds per "
             f"sampler, {int(figures['trials']):,} trials per run, against the reference front "
             f"({figures['reference']}).",
             "",
             "| sampler | hypervolume fraction at 2,000 trials (median, 95% CI) | trials to 99% (median) | "
             "seeds reaching 99% | seconds for 2,000 trials (median; two runs at a time on 2 cores) |",
             "|---|---|---|---|---|"]
    for r in samplers:
        reach = r["trials_to_99pct_median"]
        reached = "not reached" if reach == float("inf") else f"{reach:,.0f}"
        lines.append(f"| {r['sampler']} | {_pct(r['hv_fraction_median'])} ({_pct(r['hv_fraction_ci95_low'])}-"
                     f"{_pct(r['hv_fraction_ci95_high'])}) | {reached} | {r['seeds_reaching_99pct']} of {r['seeds']} "
                     f"| {r['seconds_median']:.1f} |")
    lines.append("")
    if "joint_over_sequential_hv" in figures:
        lo, hi = (float("nan") if v is None else v for v in figures["joint_over_sequential_ci95"])
        lines.append(f"* Joint over sequential co-design (hypervolume at 2,000 trials each, per seed): median "
                     f"{figures['joint_over_sequential_hv']:.4f}, 95% CI {lo:.4f}-{hi:.4f}.")
    if "study_over_sweep_hv_equal_time" in figures:
        lines.append(f"* Study over sweep at equal wall time ({figures['equal_time_s']:.1f} s, one process): "
                     f"{figures['study_over_sweep_hv_equal_time']:.4f}; sweep-then-study over sweep: "
                     f"{figures['sweep_then_study_over_sweep_hv_equal_time']:.4f}.")
        draws = figures["crossover_draws"]
        lines.append(f"* A study beats a sweep of equal time once an evaluation costs "
                     f"{1000 * figures['crossover_s_per_evaluation']:.2g} ms more (an evaluation costs "
                     f"{1000 * figures['evaluation_s']:.2g} ms; one uncertainty draw "
                     f"{1000 * figures['draw_s']:.2g} ms): "
                     f"about {draws:.0f} uncertainty {'draw' if round(draws) == 1 else 'draws'} per candidate.")
    lines.append(README_END)
    return "\n".join(lines)


def replace_readme_block(readme: str, block: str) -> str:
    if README_START not in readme or README_END not in readme:
        raise ValueError(f"the README has no {README_START} ... {README_END} block")
    head, rest = readme.split(README_START, 1)
    return head + block + rest.split(README_END, 1)[1]
