"""Static plots (matplotlib, optional extra `cl-dse[plot]`), readable at print size."""

from __future__ import annotations

import numpy as np

from ..errors import DseError


def _pyplot():
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise DseError("--plot", "plots need the optional extra: pip install 'cl-dse[plot]'") from None
    return plt


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
    fig.savefig(path, dpi=150)
    plt.close(fig)
