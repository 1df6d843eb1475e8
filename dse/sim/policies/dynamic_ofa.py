"""Dynamic-OFA (Lou et al., "Dynamic-OFA: Runtime DNN architecture switching for performance
scaling on heterogeneous embedded platforms", CVPR Workshops 2021), adapted to continuous
learning: one backbone's sub-networks (here a model family, `pairs.FAMILIES`, e.g. the demo's
digits_cnn_s/m/l) share their weights, so retraining the largest adapts them all; at run time
the deployed sub-network switches to the most accurate one the resources left allow.

Here: a fixed share of the rows (`train_row_fraction`, at least one granule) labels and retrains
as DaCapo's B-SA does (time-shared, no drift detection: `n_l` labels, then an epoch of `n_t`
samples); inference gets the rest. Each window, among the members whose inference meets the frame
rate on those rows, the one the proxy curves predict to be most accurate at the current
adaptation is deployed; when none meets it, the one that processes the most frames. Training
progress is the family's (epochs of the shared weights); a member's accuracy after e epochs is
its own measured curve (`CurveBook.family`). A student without a family is a family of one: it
is always deployed (a fixed spatial split).
"""

from __future__ import annotations

import numpy as np

from ..contracts import Plan
from ._base import (
    AllocationPolicy,
    Param,
    WindowContext,
    bsa_cadence,
    bsa_params,
    bsa_plan,
    member_accuracy,
    precision_params,
)


class DynamicOfa(AllocationPolicy):
    name = "dynamic-ofa"
    summary = "per window: the most accurate family member meeting the frame rate on the rows left after training"
    paper = "Lou et al., Dynamic-OFA, CVPR Workshops 2021"
    spatial = True
    experimental = True
    deploys_variants = True
    params = {
        "train_row_fraction": Param(0.5, 0.05, 0.95, doc="share of the rows that label and retrain"),
        **bsa_params(),
        **precision_params(),
    }

    def setup(self) -> None:
        c = self.costs
        self.members = list(range(len(c.variants))) if c.variants else [None]
        g = c.granularity
        train_rows = np.clip(np.ceil(self.p["train_row_fraction"] * c.units / g) * g, g, c.units - g).astype(np.int64)
        self.infer_rows = c.units - train_rows
        self.f_inf = self.formats("infer_precision")
        t = np.stack([c.member_infer("s", v, self.f_inf, self.infer_rows) for v in self.members])
        self.processed = np.minimum(1.0, 1.0 / (self.fps * t))  # (members, C)
        self.infer_j = np.stack([c.member_infer("j", v, self.f_inf, self.infer_rows) for v in self.members])
        self.cadence = bsa_cadence(c, self.p, self.f_inf, self.formats("train_precision"), train_rows)

    def choose(self, ctx: WindowContext) -> np.ndarray:
        """Per candidate, the family member to deploy this window."""
        predicted = np.stack([member_accuracy(ctx, v, self.f_inf) for v in self.members])
        meets = self.processed >= 1.0
        best_meeting = np.argmax(np.where(meets, predicted, -np.inf), axis=0)
        return np.where(meets.any(axis=0), best_meeting, np.argmax(self.processed, axis=0))

    def plan(self, ctx: WindowContext) -> Plan:
        v = self.choose(ctx)
        cols = np.arange(self.n)
        return Plan(processed=self.processed[v, cols], infer_format=self.f_inf, infer_j_per_frame=self.infer_j[v, cols],
                    n_steps=ctx.n_steps, curve_row=None if self.members == [None] else v,
                    **bsa_plan(self.p, **self.cadence))
