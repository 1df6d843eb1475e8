"""pareto.png and hypervolume.png for papers (matplotlib), units on every axis."""

from __future__ import annotations

import pathlib

import numpy as np

from .data import ReportData
from .page import label, log_axis
from .plots import _pyplot, save_png


def write_pngs(data: ReportData, out: pathlib.Path) -> None:
    plt = _pyplot()
    acc = "accuracy_pct" if "accuracy_pct" in data.objectives else data.objectives[0]
    others = [o for o in data.objectives if o != acc] or [acc]
    rows = [r for r in data.table.to_pylist() if r["state"] == "COMPLETE" and r["feasible"]]
    fig, axes = plt.subplots(1, len(others), figsize=(5.2 * len(others), 4.2), squeeze=False)
    for ax, o in zip(axes[0], others, strict=True):
        ax.scatter([r[f"objective.{o}"] for r in rows], [r[f"objective.{acc}"] for r in rows], s=6, c="#bbb",
                   label="feasible trials")
        ax.scatter([r[o] for r in data.front], [r[acc] for r in data.front], s=18, c="#1f6fb4", label="Pareto front")
        for ref in data.references:
            x, y = ref.metrics.get(o, np.nan), ref.metrics.get(acc, np.nan)
            if np.isfinite(x) and np.isfinite(y):
                ax.scatter([x], [y], marker="D", c="#d62728", s=40)
                ax.annotate(ref.name.split(" (")[0], (x, y), textcoords="offset points", xytext=(5, 5), fontsize=8,
                            color="#d62728")
        if log_axis(o):
            ax.set_xscale("log")  # GPU references sit two orders of magnitude above the arrays
        ax.set_xlabel(label(o) + (", log scale" if log_axis(o) else ""))
        ax.set_ylabel(label(acc))
        ax.margins(y=0.08)  # room for the reference labels
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=8, loc="lower right")
    fig.suptitle(f"{data.spec.name}: Pareto front ({len(data.front)} designs)")
    fig.tight_layout()
    save_png(fig, out / "pareto.png")
    fig, ax = plt.subplots(figsize=(6, 3.8))
    if data.history:
        ax.plot([n for n, _ in data.history], [v for _, v in data.history], color="#1f6fb4")
    ax.set_xlabel("completed trials")
    ax.set_ylabel("hypervolume (objective units)")
    ax.set_title(f"{data.spec.name}: hypervolume of the feasible front")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    save_png(fig, out / "hypervolume.png")
