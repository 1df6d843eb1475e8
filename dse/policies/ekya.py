"""Ekya (Bhardwaj et al., NSDI 2022): retraining and inference time-share one device.

Inference has priority (as in all of DaCapo's baselines, so no frame is dropped while the
device can keep up). Each window is a retraining window, as in Ekya: a fixed fraction of its
frames is labeled first; then the retraining configuration (epochs over those samples) is
chosen by micro-profiling -- a few epochs on a fraction of the data per configuration family,
extrapolated with the window's accuracy curve -- picking the epochs that maximise predicted
window accuracy in the time left; the retrained student serves the rest of the window. The thief
scheduler's resource stealing is reduced to this priority split; inference frame subsampling is
not modelled.
"""

from __future__ import annotations

import numpy as np

from ..cl.engine import Plan
from ._base import AllocationPolicy, Param, WindowContext, fmt_index, phase_rates
from ._timeshare import device_times, inference_share

FORMATS = ("mx4", "mx6", "mx9")
EPOCH_CHOICES = np.array([0, 1, 2, 3, 5, 8, 10, 15, 20, 30], dtype=np.float64)


class Ekya(AllocationPolicy):
    name = "ekya"
    summary = "time-shared device; per-window epochs chosen by micro-profiling the accuracy curve"
    paper = "Bhardwaj et al., Ekya, NSDI 2022"
    params = {
        "label_fraction": Param(0.1, 0.0, 1.0, doc="fraction of a window's frames labeled"),
        "profile_fraction": Param(0.1, 0.0, 1.0, doc="fraction of the samples micro-profiling trains on"),
        "profile_epochs": Param(3, 0, 30, integer=True, doc="epochs each profiled configuration runs"),
        "profile_configs": Param(2, 1, 20, integer=True, doc="configuration families profiled per window"),
        "infer_precision": Param("mx6", choices=FORMATS, doc="inference and labeling format (arrays only)"),
        "train_precision": Param("mx9", choices=FORMATS, doc="retraining format (arrays only)"),
    }

    def setup(self) -> None:
        self.f_inf = np.array([fmt_index(FORMATS[i]) for i in self.p["infer_precision"]])
        self.f_train = np.array([fmt_index(FORMATS[i]) for i in self.p["train_precision"]])
        self.t = device_times(self.costs, self.f_inf, self.f_train)
        self.share, self.processed = inference_share(self.t["t_inf"], self.fps)

    def plan(self, ctx: WindowContext) -> Plan:
        n, s, t = self.n, ctx.n_steps, self.t
        speed = 1.0 - self.share  # device time fraction left for labeling and retraining
        ok = np.isfinite(t["t_label"]) & np.isfinite(t["t_train"]) & (speed > 0)
        samples = self.p["label_fraction"] * ctx.fps * ctx.window_s
        free_s = np.where(ok, speed * ctx.window_s, 0.0)
        slow = np.where(ok, speed, 1.0)  # wall-clock seconds per second of device time
        label_s = np.minimum(np.where(ok, samples * t["t_label"] / slow, 0.0), free_s)
        labeled = np.where(ok, label_s * slow / t["t_label"], 0.0)
        epoch_s = np.where(ok, labeled * t["t_train"] / slow, np.inf)
        profile_s = np.minimum(self.p["profile_configs"] * self.p["profile_epochs"] * self.p["profile_fraction"]
                               * np.where(ok, epoch_s, 0.0), free_s - label_s)
        start_s = label_s + profile_s
        epochs = self._choose_epochs(ctx, epoch_s, start_s, free_s - start_s)
        train_s = np.where(epochs > 0, epochs * np.where(np.isfinite(epoch_s), epoch_s, 0.0), 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            label_rate = phase_rates(n, s, np.zeros(n), label_s,
                                     np.where(label_s > 0, labeled / np.where(label_s > 0, label_s, 1.0), 0.0))
            epoch_rate = phase_rates(n, s, start_s, train_s, np.where(epochs > 0, 1.0 / epoch_s, 0.0))
        profile_j = self.p["profile_configs"] * self.p["profile_epochs"] * self.p["profile_fraction"] * labeled \
            * t["j_train"]
        return Plan(
            processed=self.processed, infer_format=self.f_inf, infer_j_per_frame=t["j_inf"],
            label_rate=label_rate, epoch_rate=epoch_rate, buffer_capacity=np.maximum(samples, 1.0),
            label_j_per_sample=np.where(ok, t["j_label"], 0.0),
            epoch_j=np.where(ok, labeled * t["j_train"] + np.where(epochs > 0, profile_j / np.maximum(epochs, 1), 0),
                             0.0))

    def _choose_epochs(self, ctx: WindowContext, epoch_s, start_s, budget_s) -> np.ndarray:
        """Epochs maximising the predicted window accuracy (micro-profiling, extrapolated)."""
        epoch_s = np.where(np.isfinite(epoch_s), epoch_s, 2 * ctx.window_s)  # can never complete
        seg = np.full(self.n, ctx.step_segments[0])
        same = ctx.state.segment == seg
        p0 = np.where(same, ctx.state.applied, 0.0)
        e = EPOCH_CHOICES[None, :]
        k = np.arange(int(EPOCH_CHOICES.max()) + 1)[None, None, :]
        acc_k = ctx.curves.accuracy(p0[:, None, None] + np.minimum(k, e[..., None]),
                                    np.broadcast_to(seg[:, None, None], (self.n, 1, k.shape[2])),
                                    self.f_inf[:, None, None])
        # accuracy k holds from k * epoch_s (+ start) until the next completion or the window's end
        t_k = np.minimum(start_s[:, None, None] + k * epoch_s[:, None, None], ctx.window_s)
        t_next = np.where(k < e[..., None], np.minimum(t_k + epoch_s[:, None, None], ctx.window_s), ctx.window_s)
        t_k = np.where(k <= e[..., None], t_k, ctx.window_s)
        predicted = np.sum(acc_k * (t_next - t_k), axis=2) / ctx.window_s
        fits = (e == 0) | (e * epoch_s[:, None] <= budget_s[:, None] + 1e-9)
        return EPOCH_CHOICES[np.argmax(np.where(fits, predicted, -np.inf), axis=1)]
