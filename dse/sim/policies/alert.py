"""ALERT (Wan et al., USENIX ATC 2020), adapted: per window, pick the inference variant and its
resources that meet the frame rate at the least energy while meeting an accuracy goal.

Variants are the student in each MX format (the proxies carry per-format accuracy deltas; other
zoo models would need curves of their own). For each variant the resources are the fewest rows
meeting the frame rate; ALERT's probabilistic environment model is replaced by the accuracy
the proxy curve predicts for the deployed student. When no variant meets the goal, the most
accurate one runs. The remaining rows alternate labeling and retraining as DaCapo's B-SA does,
without drift detection.
"""

from __future__ import annotations

import numpy as np

from ..contracts import Plan, Schedule
from ._base import MX_FORMATS, AllocationPolicy, Param, WindowContext, fewest_inference_units, fmt_index


class Alert(AllocationPolicy):
    name = "alert"
    summary = "per window: cheapest inference format/rows meeting frame rate and an accuracy goal"
    paper = "Wan et al., ALERT, USENIX ATC 2020"
    spatial = True
    experimental = True
    params = {
        "accuracy_goal": Param(0.80, 0.0, 1.0, doc="accuracy the inference variant must be predicted to reach"),
        "n_t": Param(324, 16, 10000, integer=True, doc="samples per retraining epoch"),
        "n_l": Param(108, 1, 10000, integer=True, doc="samples labeled between epochs"),
        "c_b": Param(1080, 16, 100000, integer=True, doc="sample buffer capacity"),
    }

    @classmethod
    def kernel_formats(cls, params) -> dict[str, set[str]]:
        return {"infer": set(MX_FORMATS), "label": {"mx6"}, "val": set(), "train": {"mx9"}}

    def setup(self) -> None:
        c = self.costs
        f_train = fmt_index("mx9")
        self.options = []
        for name in MX_FORMATS:
            f = fmt_index(name)
            rows = fewest_inference_units(c, f, self.fps)
            b = c.units - rows
            t_inf = c.pick("infer_s", f, rows)
            period = (self.p["n_l"] * c.pick("label_s", fmt_index("mx6"), b)
                      + self.p["n_t"] * c.pick("train_s", f_train, b))
            self.options.append({
                "f": f, "processed": np.minimum(1.0, 1.0 / (self.fps * t_inf)), "j_inf": c.pick("infer_j", f, rows),
                "period": np.where(b > 0, period, np.inf), "j_label": c.pick("label_j", fmt_index("mx6"), b),
                "j_epoch": self.p["n_t"] * c.pick("train_j", f_train, b)})

    def plan(self, ctx: WindowContext) -> Plan:
        n, s = self.n, ctx.n_steps
        seg = np.full(n, ctx.step_segments[0])
        progress = ctx.on_first_segment(ctx.state.applied)
        predicted = np.stack([o["processed"] * ctx.curves.accuracy(progress, seg, o["f"]) for o in self.options])
        energy = np.stack([o["j_inf"] * np.where(o["processed"] > 0, 1.0, np.inf) for o in self.options])
        meets = predicted >= self.p["accuracy_goal"]
        choice = np.where(meets.any(axis=0), np.argmin(np.where(meets, energy, np.inf), axis=0),
                          np.argmax(predicted, axis=0))
        field = {k: np.choose(choice, [o[k] for o in self.options]) for k in self.options[0]}
        ok = np.isfinite(field["period"])
        period = np.where(ok, field["period"], 1.0)
        return Plan(processed=field["processed"], infer_format=field["f"], infer_j_per_frame=field["j_inf"],
                    rates=Schedule.constant(np.where(ok, self.p["n_l"] / period, 0.0), np.where(ok, 1.0 / period, 0.0)),
                    n_steps=s, buffer_capacity=self.p["c_b"],
                    label_j_per_sample=np.where(ok, field["j_label"], 0.0),
                    epoch_j=np.where(ok, field["j_epoch"], 0.0))
