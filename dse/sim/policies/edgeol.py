"""EdgeOL (edge online learning): lazy fine-tuning and layer freezing.

Spatial split as DaCapo's (fewest inference rows meeting the frame rate; a GPU time-shares with
inference first). The other side labels continuously; inter-tuning is lazy: a fine-tuning round
(`epochs` epochs over the newly labeled batch) starts only once `batch_samples` new labels have
accumulated since the last round. Intra-tuning freezes converged leading layers: retraining uses
the cost of training with half the weight layers frozen (the workloads' frozen-layer tables), and
-- an assumption -- the same accuracy per epoch (EdgeOL reports freezing costs no accuracy).
"""

from __future__ import annotations

import numpy as np

from ..contracts import Plan, Schedule
from ._base import AllocationPolicy, Param, WindowContext, precision_params
from ._timeshare import inference_share


class EdgeOL(AllocationPolicy):
    name = "edgeol"
    summary = "lazy fine-tuning once enough new labels accumulate; frozen leading layers cut backward cost"
    paper = "EdgeOL: efficient in-situ online learning on edge devices"
    experimental = True
    frozen_training = True
    params = {
        "batch_samples": Param(324, 16, 100000, integer=True, doc="new labels that trigger a fine-tuning round"),
        "epochs": Param(2, 1, 100, integer=True, doc="epochs per fine-tuning round"),
        "label_fraction": Param(0.1, 0.0, 1.0, doc="fraction of frames labeled"),
        **precision_params(),
    }

    def setup(self) -> None:
        c = self.costs
        self.f_inf = self.formats("infer_precision")
        self.f_train = self.formats("train_precision")
        if c.time_shared:
            rows = b = c.units
            share, self.processed = inference_share(c.pick("infer_s", self.f_inf, rows), self.fps)
            self.speed = 1.0 - share
        else:
            rows = self.fewest_infer_rows()
            b = c.units - rows
            self.processed = np.minimum(1.0, 1.0 / (self.fps * c.pick("infer_s", self.f_inf, rows)))
            self.speed = np.where(b > 0, 1.0, 0.0)
        self.j_inf = c.pick("infer_j", self.f_inf, rows)
        self.t_label, self.j_label = c.pick("label_s", self.f_inf, b), c.pick("label_j", self.f_inf, b)
        self.t_train = c.pick("train_frozen_s", self.f_train, b)
        self.j_train = c.pick("train_frozen_j", self.f_train, b)

    def reset(self) -> None:
        self.pending = np.zeros(self.n)  # labels not yet fine-tuned on

    def plan(self, ctx: WindowContext) -> Plan:
        s = ctx.n_steps
        ok = np.isfinite(self.t_label) & np.isfinite(self.t_train) & (self.speed > 0)
        slow = np.where(ok, self.speed, 1.0)
        want = self.p["label_fraction"] * ctx.fps
        round_s = np.where(ok, self.p["epochs"] * self.p["batch_samples"] * self.t_train / slow, np.inf)
        # labels arrive at `want`/s while not fine-tuning; a round starts when a batch is pending
        label_s_per_sample = np.where(ok, self.t_label / slow, np.inf)
        rate = np.minimum(want, 1.0 / label_s_per_sample)
        first_s = np.clip((self.p["batch_samples"] - self.pending) / np.maximum(rate, 1e-12), 0.0, ctx.window_s)
        cycle_s = self.p["batch_samples"] / np.maximum(rate, 1e-12) + round_s
        # a step trains if it lies in the first round_s of a cycle that began at or after first_s
        t = (np.arange(s) + 0.5)[None, :] * ctx.step_s
        since = t - first_s[:, None]
        in_round = (since >= 0) & (np.mod(since, cycle_s[:, None]) < round_s[:, None])
        train = np.where(ok[:, None], in_round.astype(float), 0.0)
        labeling = 1.0 - train
        labeled = np.sum(labeling, axis=1) * rate
        self.pending = np.mod(self.pending + labeled, self.p["batch_samples"])
        return Plan(processed=self.processed, infer_format=self.f_inf, infer_j_per_frame=self.j_inf,
                    rates=Schedule.from_steps(
                        labeling * np.where(ok, rate, 0.0)[:, None],
                        train * np.where(ok, 1.0 / np.where(ok, round_s / self.p["epochs"], 1.0), 0.0)[:, None],
                        ctx.step_s),
                    n_steps=s,
                    buffer_capacity=self.p["batch_samples"], label_j_per_sample=np.where(ok, self.j_label, 0.0),
                    epoch_j=np.where(ok, self.p["batch_samples"] * self.j_train, 0.0))
