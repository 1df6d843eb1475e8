"""ALERT (Wan et al., USENIX ATC 2020), adapted: per window, pick the inference variant and its
resources that meet the frame rate at the least energy while meeting an accuracy goal.

Variants are the student in each MX format (the proxies carry per-format accuracy deltas) and,
when the student belongs to a model family (`pairs.FAMILIES`: the demo's digits CNNs), every
family member in every format: ALERT's choice of DNN and of its resources together. The family
shares its training (as `dynamic-ofa`); a member's accuracy is its own curve at that progress.
For each variant the resources are the fewest rows meeting the frame rate; ALERT's probabilistic
environment model is replaced by the accuracy the proxy curve predicts for the deployed student.
When no variant meets the goal, the most accurate one runs. The remaining rows alternate labeling
and retraining as DaCapo's B-SA does, without drift detection.
"""

from __future__ import annotations

import numpy as np

from ..contracts import Plan
from ._base import (
    MX_FORMATS,
    AllocationPolicy,
    Param,
    WindowContext,
    bsa_cadence,
    bsa_params,
    bsa_plan,
    fewest_inference_units,
    fmt_index,
    member_accuracy,
)


class Alert(AllocationPolicy):
    name = "alert"
    summary = "per window: cheapest inference format/rows meeting frame rate and an accuracy goal"
    paper = "Wan et al., ALERT, USENIX ATC 2020"
    spatial = True
    experimental = True
    deploys_variants = True
    params = {
        "accuracy_goal": Param(0.80, 0.0, 1.0, doc="accuracy the inference variant must be predicted to reach"),
        **bsa_params(),
    }

    @classmethod
    def kernel_formats(cls, params) -> dict[str, set[str]]:
        return {"infer": set(MX_FORMATS), "label": {"mx6"}, "val": set(), "train": {"mx9"},
                "variant_infer": set(MX_FORMATS)}

    def setup(self) -> None:
        c = self.costs
        f_label, f_train = fmt_index("mx6"), fmt_index("mx9")
        self.options = []
        members = range(len(c.variants)) if c.variants else [None]
        for v, name in ((v, name) for v in members for name in MX_FORMATS):
            f = fmt_index(name)
            rows = fewest_inference_units(c, f, self.fps, v)
            self.options.append({
                "v": v, "f": f, "processed": np.minimum(1.0, 1.0 / (self.fps * c.member_infer("s", v, f, rows))),
                "j_inf": c.member_infer("j", v, f, rows),
                **bsa_cadence(c, self.p, f_label, f_train, c.units - rows)})

    def plan(self, ctx: WindowContext) -> Plan:
        predicted = np.stack([o["processed"] * member_accuracy(ctx, o["v"], o["f"]) for o in self.options])
        energy = np.stack([o["j_inf"] * np.where(o["processed"] > 0, 1.0, np.inf) for o in self.options])
        meets = predicted >= self.p["accuracy_goal"]
        choice = np.where(meets.any(axis=0), np.argmin(np.where(meets, energy, np.inf), axis=0),
                          np.argmax(predicted, axis=0))
        field = {k: np.choose(choice, [o[k] for o in self.options]) for k in self.options[0] if k != "v"}
        member = None if self.options[0]["v"] is None else np.array([self.options[i]["v"] for i in choice])
        return Plan(processed=field["processed"], infer_format=field["f"], infer_j_per_frame=field["j_inf"],
                    n_steps=ctx.n_steps, curve_row=member,
                    **bsa_plan(self.p, field["period"], field["j_label"], field["j_epoch"]))
