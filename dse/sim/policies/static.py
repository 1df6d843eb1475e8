"""`static`: fixed fractions. On an array, a fixed share of rows for inference and a fixed split
of the other sub-accelerator's time between labeling and retraining; on a GPU, inference gets
priority and the rest is split the same way. A baseline and a sanity check."""

from __future__ import annotations

import numpy as np

from ..contracts import Plan, Schedule
from ._base import AllocationPolicy, Param, WindowContext, precision_params
from ._timeshare import device_times, inference_share


class Static(AllocationPolicy):
    name = "static"
    summary = "fixed row share for inference; fixed labeling/retraining time split"
    paper = "baseline (no paper)"
    params = {
        "infer_row_fraction": Param(0.25, 0.0, 1.0, doc="share of rows for inference (arrays; rounded to granules)"),
        "label_time_fraction": Param(0.3, 0.0, 1.0, doc="share of the other side's time spent labeling"),
        "epoch_samples": Param(324, 16, 100000, integer=True, doc="samples per retraining epoch"),
        "buffer_samples": Param(1080, 16, 100000, integer=True, doc="sample buffer capacity"),
        **precision_params(),
    }

    def setup(self) -> None:
        c = self.costs
        self.f_inf = self.formats("infer_precision")
        self.f_train = self.formats("train_precision")
        if c.time_shared:
            t = device_times(c, self.f_inf, self.f_train)
            share, self.processed = inference_share(t["t_inf"], self.fps)
            self.speed = 1.0 - share
            self.t_label, self.t_train, self.j_inf = t["t_label"], t["t_train"], t["j_inf"]
            self.j_label, self.j_train = t["j_label"], t["j_train"]
            return
        g = c.granularity
        rows = np.clip(np.round(self.p["infer_row_fraction"] * c.units / g) * g, g, c.units - g).astype(np.int64)
        b = c.units - rows
        self.processed = np.minimum(1.0, 1.0 / (self.fps * c.pick("infer_s", self.f_inf, rows)))
        self.speed = np.where(b > 0, 1.0, 0.0)
        self.t_label, self.t_train = c.pick("label_s", self.f_inf, b), c.pick("train_s", self.f_train, b)
        self.j_inf = c.pick("infer_j", self.f_inf, rows)
        self.j_label, self.j_train = c.pick("label_j", self.f_inf, b), c.pick("train_j", self.f_train, b)

    def plan(self, ctx: WindowContext) -> Plan:
        ok = np.isfinite(self.t_label) & np.isfinite(self.t_train) & (self.speed > 0)
        frac = self.p["label_time_fraction"]
        label_rate = np.where(ok, self.speed * frac / np.where(ok, self.t_label, 1.0), 0.0)
        epoch_rate = np.where(ok, self.speed * (1 - frac) / np.where(ok, self.t_train * self.p["epoch_samples"], 1.0),
                              0.0)
        return Plan(processed=self.processed, infer_format=self.f_inf, infer_j_per_frame=self.j_inf,
                    rates=Schedule.constant(label_rate, epoch_rate), n_steps=ctx.n_steps,
                    buffer_capacity=self.p["buffer_samples"], label_j_per_sample=np.where(ok, self.j_label, 0.0),
                    epoch_j=np.where(ok, self.p["epoch_samples"] * self.j_train, 0.0))
