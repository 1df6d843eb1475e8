"""DaCapo's spatio-temporal allocation (Kim et al., ISCA 2024; reference/dacapo.md).

Spatial (offline): inference gets the fewest rows meeting the frame rate in its format; the
rest form the B-SA. Temporal (online): the B-SA alternates one retraining epoch over N_t
labeled samples plus validation on N_v, and labeling N_l new samples. Drift detection: when
accuracy on newly labeled data falls more than `drift_threshold` below the validation accuracy,
the buffer (C_b samples) is cleared and N_ldd samples are labeled before retraining resumes.
The check runs when a labeling phase completes, so it fires within one period of the drift.
"""

from __future__ import annotations

import numpy as np

from ..contracts import Plan, Schedule, disjoint
from ._base import (
    AllocationPolicy,
    Param,
    WindowContext,
    precision_params,
)


class DacapoSpatiotemporal(AllocationPolicy):
    name = "dacapo-spatiotemporal"
    summary = "fewest inference rows meeting the frame rate; B-SA alternates retraining and labeling; drift detection"
    paper = "Kim et al., DaCapo, ISCA 2024"
    spatial = True
    params = {
        "n_t": Param(324, 16, 10000, integer=True, doc="samples per retraining epoch (N_t)"),
        "n_v": Param(108, 0, 10000, integer=True, doc="validation samples per epoch (N_v)"),
        "n_l": Param(108, 1, 10000, integer=True, doc="samples labeled between epochs (N_l)"),
        "c_b": Param(1080, 16, 100000, integer=True, doc="sample buffer capacity (C_b)"),
        "n_ldd": Param(432, 0, 100000, integer=True, doc="samples labeled after a detected drift (N_ldd)"),
        "drift_threshold": Param(0.05, 0.0, 1.0, doc="accuracy drop that signals drift (fraction)"),
        **precision_params(),
    }

    def setup(self) -> None:
        self.spatial_setup()
        c = self.costs
        self.period = self.p["n_l"] * self.t_label + self.p["n_t"] * self.t_train + self.p["n_v"] * self.t_val
        self.epoch_j = (self.p["n_t"] * c.pick("train_j", self.f_train, self.b_rows)
                        + self.p["n_v"] * c.pick("val_j", self.f_inf, self.b_rows))

    def reset(self) -> None:
        self.ldd_left_s = np.zeros(self.n)  # label-only time still owed to a detected drift
        self.pending_s = np.full(self.n, np.inf)  # detection time carried into the next window

    def plan(self, ctx: WindowContext) -> Plan:
        n, s = self.n, ctx.n_steps
        window_s = s * ctx.step_s
        ok = np.isfinite(self.period) & (self.b_rows > 0)
        period = np.where(ok, self.period, np.inf)
        # label-only intervals (N_ldd samples after a detected drift), one possibly left over
        starts, ends = [np.zeros(n)], [self.ldd_left_s.copy()]
        clear = np.full(n, -1)
        detections = [self.pending_s]  # a detection that falls after the previous window ended
        for k in ctx.drift_steps():
            val_acc, new_acc = ctx.accuracy_across_drift(k, self.f_inf)
            fires = ok & (val_acc - new_acc > self.p["drift_threshold"])
            detections.append(np.where(fires, k * ctx.step_s + period, np.inf))  # when the next labeling ends
        self.pending_s = np.full(n, np.inf)
        length_s = self.p["n_ldd"] * self.t_label
        end_s = self.ldd_left_s.copy()
        for detect_s in detections:
            inside = detect_s < window_s
            clear = np.where(inside, np.floor(np.where(inside, detect_s, 0.0) / ctx.step_s).astype(np.int64), clear)
            starts.append(np.where(inside, detect_s, 0.0))
            ends.append(np.where(inside, detect_s + length_s, 0.0))
            end_s = np.where(inside, np.maximum(end_s, detect_s + length_s), end_s)
            later = np.isfinite(detect_s) & ~inside
            self.pending_s = np.where(later, np.minimum(self.pending_s, detect_s - window_s), self.pending_s)
        self.ldd_left_s = np.maximum(end_s - window_s, 0.0)
        start, end = disjoint(np.stack(starts, axis=1), np.stack(ends, axis=1))
        label_only = np.where(ok, 1.0 / np.where(ok, self.t_label, 1.0), 0.0)[:, None] * np.ones_like(start)
        rates = Schedule(np.where(ok, self.p["n_l"] / period, 0.0), np.where(ok, 1.0 / period, 0.0),
                         start, end, label_only, np.zeros_like(start))
        return Plan(
            processed=np.minimum(1.0, 1.0 / (ctx.fps * self.t_inf)),
            infer_format=self.f_inf, infer_j_per_frame=self.costs.pick("infer_j", self.f_inf, self.infer_rows),
            rates=rates, n_steps=s, buffer_capacity=self.p["c_b"],
            label_j_per_sample=np.where(ok, self.costs.pick("label_j", self.f_inf, self.b_rows), 0.0),
            epoch_j=np.where(ok, self.epoch_j, 0.0), clear_step=clear)
