"""Ekya (Bhardwaj et al., NSDI 2022): retraining and inference time-share one device.

Inference has priority (as in all of DaCapo's baselines, so no frame is dropped while the
device can keep up). Each window is a retraining window, as in Ekya: a fixed fraction of its
frames is labeled first; then the retraining configuration (epochs over those samples) is
chosen by micro-profiling -- a few epochs on a fraction of the data per configuration family,
extrapolated with the window's accuracy curve -- picking the epochs that maximise predicted
window accuracy in the time left; the retrained student serves the rest of the window. The thief
scheduler's resource stealing is reduced to this priority split; inference frame subsampling is
not modelled. Defaults follow DaCapo's artifact (src/emulator/ekya_profiler.py): 20.75% of
frames labeled, 3 training-subsample candidates micro-profiled for 5 epochs on 10% of the data.
"""

from __future__ import annotations

import numpy as np

from ..contracts import Plan, Schedule
from ._base import AllocationPolicy, Param, WindowContext, precision_params
from ._timeshare import device_times, inference_share, predicted_accuracy

EPOCH_CHOICES = np.array([0, 1, 2, 3, 5, 8, 10, 15, 20, 30], dtype=np.float64)


class Ekya(AllocationPolicy):
    name = "ekya"
    summary = "time-shared device; per-window epochs chosen by micro-profiling the accuracy curve"
    paper = "Bhardwaj et al., Ekya, NSDI 2022"
    params = {
        "label_fraction": Param(0.2075, 0.0, 1.0, doc="fraction of a window's frames labeled"),
        "profile_fraction": Param(0.1, 0.0, 1.0, doc="fraction of the samples micro-profiling trains on"),
        "profile_epochs": Param(5, 0, 30, integer=True, doc="epochs each profiled configuration runs"),
        "profile_configs": Param(3, 1, 20, integer=True, doc="configuration families profiled per window"),
        "deploy": Param("epoch", choices=("epoch", "window"),
                        doc="when retrained weights serve: after each epoch, or from the next window (as "
                            "DaCapo's artifact scores its per-window baselines)"),
        "epoch_weight": Param(1.0, 0.0, 100.0, doc="progress one epoch brings relative to DaCapo's training "
                                                   "recipe (SGD, lr 1e-3, batch 16): about lr/1e-3 x 16/batch"),
        **precision_params(" (arrays only)"),
    }

    def setup(self) -> None:
        self.f_inf = self.formats("infer_precision")
        self.f_train = self.formats("train_precision")
        self.t = device_times(self.costs, self.f_inf, self.f_train)
        self.share, self.processed = inference_share(self.t["t_inf"], self.fps)

    def plan(self, ctx: WindowContext) -> Plan:
        n, s, t = self.n, ctx.n_steps, self.t
        speed = 1.0 - self.share  # device time fraction left for labeling and retraining
        ok = np.isfinite(t["t_label"]) & np.isfinite(t["t_train"]) & (speed > 0)
        samples = self.p["label_fraction"] * ctx.fps * ctx.window_s
        free_s = np.where(ok, ctx.window_s, 0.0)  # wall-clock time; the work runs at `speed`
        slow = np.where(ok, speed, 1.0)  # device seconds per wall-clock second
        label_s = np.minimum(np.where(ok, samples * t["t_label"] / slow, 0.0), free_s)
        labeled = np.where(ok, label_s * slow / t["t_label"], 0.0)
        epoch_s = np.where(ok, labeled * t["t_train"] / slow, np.inf)
        profile_s = np.minimum(self.p["profile_configs"] * self.p["profile_epochs"] * self.p["profile_fraction"]
                               * np.where(ok, epoch_s, 0.0), free_s - label_s)
        start_s = label_s + profile_s
        epochs = self._choose_epochs(ctx, epoch_s, start_s, free_s - start_s)
        train_s = np.where(epochs > 0, epochs * np.where(np.isfinite(epoch_s), epoch_s, 0.0), 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            zero = np.zeros(n)
            rates = Schedule.phases(
                zero, zero, (zero, label_s, np.where(label_s > 0, labeled / np.where(label_s > 0, label_s, 1.0), 0.0),
                             zero),
                (start_s, train_s, zero, np.where(epochs > 0, 1.0 / epoch_s, 0.0)))
        profile_j = self.p["profile_configs"] * self.p["profile_epochs"] * self.p["profile_fraction"] * labeled \
            * t["j_train"]
        return Plan(
            processed=self.processed, infer_format=self.f_inf, infer_j_per_frame=t["j_inf"],
            rates=rates, n_steps=s, buffer_capacity=np.maximum(samples, 1.0),
            label_j_per_sample=np.where(ok, t["j_label"], 0.0),
            epoch_j=np.where(ok, labeled * t["j_train"] + np.where(epochs > 0, profile_j / np.maximum(epochs, 1), 0),
                             0.0),
            epoch_weight=self.p["epoch_weight"], hold=self.p["deploy"] == 1)

    def _choose_epochs(self, ctx: WindowContext, epoch_s, start_s, budget_s) -> np.ndarray:
        """Epochs maximising the predicted window accuracy (micro-profiling, extrapolated)."""
        predicted, fits = predicted_accuracy(ctx, self.f_inf, EPOCH_CHOICES, epoch_s, start_s, budget_s,
                                             self.p["epoch_weight"][:, None, None])
        # deployed next window: what counts is the accuracy the retrained model reaches
        p0 = ctx.on_first_segment(ctx.state.progress)
        reached = ctx.curves.accuracy(p0[:, None] + self.p["epoch_weight"][:, None] * EPOCH_CHOICES[None, :],
                                      ctx.step_segments[0], self.f_inf[:, None])
        predicted = np.where((self.p["deploy"] == 1)[:, None], reached, predicted)
        return EPOCH_CHOICES[np.argmax(np.where(fits, predicted, -np.inf), axis=1)]
