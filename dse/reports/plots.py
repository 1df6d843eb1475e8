"""Static plots (matplotlib), readable at print size. matplotlib is a dependency; if an
install lacks it anyway, writers skip their PNGs and say so (`missing_plotting`)."""

from __future__ import annotations

import numpy as np

from workloads.files import atomic_path

from ..errors import DseError


def missing_plotting() -> str | None:
    """None when PNGs can be drawn, else one line saying what is missing and how to get it."""
    import importlib.util

    if importlib.util.find_spec("matplotlib") is None:
        return "matplotlib is not installed (pip install matplotlib)"
    return None


def _pyplot():
    problem = missing_plotting()
    if problem:
        raise DseError("plots", problem)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_png(fig, path) -> None:
    """Save and close `fig` as a PNG at print resolution, atomically."""
    plt = _pyplot()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=150, format="png")
    plt.close(fig)


def plot_timeline(timeline: list[dict], path: str, title: str, step_s: float) -> None:
    """Per scenario: labeling and retraining activity over time, accuracy, and drift points."""
    plt = _pyplot()
    scenarios = list(dict.fromkeys(w["scenario"] for w in timeline))
    fig, axes = plt.subplots(len(scenarios), 1, figsize=(10, 3.2 * len(scenarios)), squeeze=False)
    for ax, name in zip(axes[:, 0], scenarios, strict=True):
        windows = [w for w in timeline if w["scenario"] == name]
        acc = np.concatenate([w["accuracy"] for w in windows]) * 100
        seg = np.concatenate([w["segments"] for w in windows])
        labels = np.concatenate([w["label_rate"] for w in windows])
        epochs = np.concatenate([w["epoch_rate"] for w in windows]) * 60
        t_min = np.arange(len(acc)) * step_s / 60
        ax.plot(t_min, acc, color="black", lw=1.2, label="student accuracy (%)")
        ax.set_ylabel("accuracy (%)")
        ax.set_xlabel("time (min)")
        for change in np.flatnonzero(np.diff(seg)) + 1:
            ax.axvline(t_min[change], color="red", ls="--", lw=0.8)
        for w in windows:
            ax.axvspan(w["window"] * len(w["accuracy"]) * step_s / 60,
                       (w["window"] + 1) * len(w["accuracy"]) * step_s / 60,
                       color="grey", alpha=0.08 if w["window"] % 2 else 0.0)
        twin = ax.twinx()
        twin.fill_between(t_min, labels, step="post", alpha=0.35, color="tab:blue", label="labeling (samples/s)")
        twin.fill_between(t_min, epochs, step="post", alpha=0.35, color="tab:orange",
                          label="retraining (epochs/min)")
        twin.set_ylabel("B-SA activity")
        mean_processed = np.mean([w["processed"] for w in windows]) * 100
        ax.set_title(f"{name}: frames processed {mean_processed:.0f}%; red: drift (segment change)")
        lines = ax.get_legend_handles_labels()
        more = twin.get_legend_handles_labels()
        ax.legend(lines[0] + more[0], lines[1] + more[1], loc="lower right", fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    save_png(fig, path)
