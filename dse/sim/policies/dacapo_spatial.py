"""DaCapo-Spatial (Kim et al., ISCA 2024, as in its artifact; reference/dacapo.md).

A fixed row split (the spatial step) and, every window, two phases on the B-SA: retrain a
fixed number of epochs on the samples labeled in the previous window, then label a fraction of
this window's frames. No temporal alternation, no drift detection. With `label_fraction = 0`
the artifact's allocator picks the fraction: the most samples whose labeling plus `epochs`
epochs over them fill the window (for ResNet18 it published 20.75%, ViT-B/32 12.69%).
"""

from __future__ import annotations

import numpy as np

from ..contracts import Plan, Schedule
from ._base import (
    AllocationPolicy,
    Param,
    WindowContext,
    precision_params,
)


class DacapoSpatial(AllocationPolicy):
    name = "dacapo-spatial"
    summary = "fixed row split; per window: retrain on last window's labels, then label"
    paper = "Kim et al., DaCapo, ISCA 2024 (DaCapo-Spatial)"
    spatial = True
    params = {
        "epochs": Param(2, 0, 100, integer=True, doc="retraining epochs per window"),
        "label_fraction": Param(0.0, 0.0, 1.0, doc="fraction of a window's frames labeled; 0 = fill the window"),
        **precision_params(),
    }

    def setup(self) -> None:
        self.spatial_setup()

    def samples_per_window(self, window_s: float) -> np.ndarray:
        fill = window_s / (self.t_label + self.p["epochs"] * self.t_train)  # the artifact's allocator
        return np.where(self.p["label_fraction"] > 0, self.p["label_fraction"] * self.fps * window_s,
                        np.floor(np.minimum(fill, self.fps * window_s)))

    def epochs(self, ctx: WindowContext, epoch_s: np.ndarray, budget_s: np.ndarray) -> np.ndarray:
        """Epochs to retrain this window (fixed here; Ekya's variant chooses them)."""
        return self.p["epochs"]

    def plan(self, ctx: WindowContext) -> Plan:
        n, s = self.n, ctx.n_steps
        samples = self.samples_per_window(ctx.window_s)
        ok = np.isfinite(self.t_label) & np.isfinite(self.t_train) & (self.b_rows > 0) & (samples > 0)
        previous = samples if ctx.window > 0 else np.zeros(n)  # labels of the previous window
        epoch_s = np.where(ok, previous * self.t_train, 0.0)
        label_need_s = np.where(ok, samples * self.t_label, 0.0)
        epochs = self.epochs(ctx, epoch_s, np.maximum(ctx.window_s - label_need_s, 0.0))
        train_s = np.minimum(epochs * epoch_s, ctx.window_s)
        label_s = np.minimum(label_need_s, ctx.window_s - train_s)
        with np.errstate(divide="ignore"):
            zero = np.zeros(n)
            rates = Schedule.phases(zero, zero, (zero, train_s, zero, np.where(epoch_s > 0, 1.0 / epoch_s, 0.0)),
                                    (train_s, label_s, np.where(ok, 1.0 / self.t_label, 0.0), zero))
        return Plan(
            processed=np.minimum(1.0, 1.0 / (ctx.fps * self.t_inf)), infer_format=self.f_inf,
            infer_j_per_frame=self.costs.pick("infer_j", self.f_inf, self.infer_rows),
            rates=rates, n_steps=s, buffer_capacity=np.maximum(samples, 1.0),
            label_j_per_sample=np.where(ok, self.costs.pick("label_j", self.f_inf, self.b_rows), 0.0),
            epoch_j=np.where(ok, previous * self.costs.pick("train_j", self.f_train, self.b_rows), 0.0))
