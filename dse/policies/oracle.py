"""`oracle`: an upper bound. It knows every segment's curve in advance, so the deployed
student is always fully adapted (the curve's asymptote, capped by the teacher's labels); only
inference throughput can lose accuracy, and inference has the whole device (every row of an
array, the whole GPU). Its labeling and retraining cost nothing: energy counts inference only."""

from __future__ import annotations

import numpy as np

from ..cl.engine import Plan
from ._base import AllocationPolicy, Param, WindowContext, fmt_index
from ._timeshare import device_times, inference_share

FORMATS = ("mx4", "mx6", "mx9")
#: Rates high enough to reach the asymptote within one step (the curve saturates in epochs).
INSTANT_RATE = 1e6


class Oracle(AllocationPolicy):
    name = "oracle"
    summary = "always fully adapted (knows the curves); only inference throughput limits accuracy"
    paper = "upper bound (no paper)"
    params = {"infer_precision": Param("mx6", choices=FORMATS, doc="inference format")}

    def setup(self) -> None:
        self.f_inf = np.array([fmt_index(FORMATS[i]) for i in self.p["infer_precision"]])
        t = device_times(self.costs, self.f_inf, self.f_inf)
        _, self.processed = inference_share(t["t_inf"], self.fps)
        self.j_inf = t["j_inf"]

    def plan(self, ctx: WindowContext) -> Plan:
        n = self.n
        fast = np.full((n, ctx.n_steps), INSTANT_RATE)
        drift = ctx.drift_steps()
        clear = np.full(n, drift[-1] if drift else -1)
        return Plan(processed=self.processed, infer_format=self.f_inf, infer_j_per_frame=self.j_inf,
                    label_rate=fast, epoch_rate=fast, buffer_capacity=np.full(n, INSTANT_RATE),
                    label_j_per_sample=np.zeros(n), epoch_j=np.zeros(n), clear_step=clear)
