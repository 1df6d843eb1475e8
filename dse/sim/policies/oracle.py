"""`oracle`: an upper bound. It knows every segment's curve in advance, so the deployed
student is always fully adapted (the curve's asymptote, capped by the teacher's labels); only
inference throughput can lose accuracy, and inference has the whole device (every row of an
array, the whole GPU) in whichever supported format gives the most correct frames each window.
Its labeling and retraining cost nothing: energy counts inference only."""

from __future__ import annotations

import numpy as np

from ..contracts import Plan, Schedule
from ._base import MX_FORMATS, AllocationPolicy, WindowContext, fmt_index
from ._timeshare import device_times, inference_share

#: Rates high enough to reach the asymptote within one step (the curve saturates in epochs).
INSTANT_RATE = 1e6


class Oracle(AllocationPolicy):
    name = "oracle"
    summary = "always fully adapted (knows the curves); only inference throughput limits accuracy"
    paper = "upper bound (no paper)"
    params = {}

    @classmethod
    def kernel_formats(cls, params) -> dict[str, set[str]]:
        return {"infer": set(MX_FORMATS)}

    def setup(self) -> None:
        self.options = []
        for name in MX_FORMATS:
            f = np.full(self.n, fmt_index(name))
            t = device_times(self.costs, f, f)
            _, processed = inference_share(t["t_inf"], self.fps)
            self.options.append((f, np.where(np.isfinite(t["t_inf"]), processed, 0.0), t["j_inf"]))

    def plan(self, ctx: WindowContext) -> Plan:
        n = self.n
        seg = np.full(n, ctx.step_segments[-1])
        adapted = [p * ctx.curves.accuracy(np.full(n, np.inf), seg, f) for f, p, _ in self.options]
        best = np.argmax(np.stack(adapted), axis=0)
        f, processed, j_inf = (np.choose(best, [o[i] for o in self.options]) for i in range(3))
        drift = ctx.drift_steps()
        clear = np.full(n, drift[-1] if drift else -1)
        return Plan(processed=processed, infer_format=f, infer_j_per_frame=np.where(processed > 0, j_inf, 0.0),
                    rates=Schedule.constant(np.full(n, INSTANT_RATE), np.full(n, INSTANT_RATE)), n_steps=ctx.n_steps,
                    buffer_capacity=np.full(n, INSTANT_RATE),
                    label_j_per_sample=np.zeros(n), epoch_j=np.zeros(n), clear_step=clear)
