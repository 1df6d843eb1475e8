"""EOMU (ACM MM 2023): accuracy-triggered retraining with an annealed choice of epochs.

The device is time-shared with inference first. Key frames (a fixed fraction of frames, standing
in for EOMU's frame-difference selection) are labeled continuously. Every `interval_s` (EOMU's
10 s windows) a decayed mean of the accuracy on the newest labels is updated; when it falls more
than `trigger_drop` below its level before, retraining is triggered. The number of epochs (1-30)
is chosen by simulated annealing on the accuracy the proxy curve predicts over the next
`window_s`, and the epochs run over the newest interval's key frames (as in DaCapo's artifact,
which retrains on the current 10 s window's key frames only: about 57 samples at 30 FPS, so the
engine's data-size cap keeps EOMU well below a full window's gain). The default labeling rate
is the one DaCapo's artifact gives EOMU with a WideResNet50-2 teacher (19% of frames; 17% with
ViT-B/16). Not modelled: the artifact runs each 10 s window as inference, then labeling, then
retraining, so a retrained model serves only the next window.
"""

from __future__ import annotations

import numpy as np

from ..contracts import Plan, Schedule, disjoint
from ..seeding import integers, uniform
from ._base import AllocationPolicy, Param, WindowContext, precision_params
from ._timeshare import device_times, inference_share, predicted_accuracy

EPOCHS = np.arange(0, 31, dtype=np.float64)


class Eomu(AllocationPolicy):
    name = "eomu"
    summary = "time-shared; retrain when a decayed-mean accuracy drops; epochs by simulated annealing"
    paper = "EOMU, ACM Multimedia 2023"
    experimental = True
    params = {
        "interval_s": Param(10.0, 1.0, 600.0, doc="decision interval (EOMU's short window), s"),
        "key_frame_fraction": Param(0.19, 0.0, 1.0, doc="fraction of frames labeled as key frames"),
        "decay": Param(0.5, 0.01, 1.0, doc="weight of the newest interval in the decayed mean"),
        "trigger_drop": Param(0.03, 0.0, 1.0, doc="drop of the decayed mean that triggers retraining"),
        "anneal_steps": Param(40, 1, 1000, integer=True, doc="simulated-annealing iterations"),
        "seed": Param(0, 0, 2**31 - 1, integer=True, doc="annealing random seed (mixed with the study's seed and "
                                                          "the candidate's parameters)"),
        **precision_params(" (arrays only)"),
    }

    def setup(self) -> None:
        self.f_inf = self.formats("infer_precision")
        self.f_train = self.formats("train_precision")
        self.t = device_times(self.costs, self.f_inf, self.f_train)
        share, self.processed = inference_share(self.t["t_inf"], self.fps)
        self.speed = 1.0 - share

    def reset(self) -> None:
        self.train_left_s = np.zeros(self.n)  # retraining still running from the previous window
        self.seeds = self.candidate_seeds()  # per candidate: a result does not depend on its batch

    def _trigger_delay_s(self, drop: np.ndarray) -> np.ndarray:
        """Time until the decayed mean has fallen by `trigger_drop` after a drop of `drop`."""
        a, thr = self.p["decay"], self.p["trigger_drop"]
        with np.errstate(divide="ignore", invalid="ignore"):
            intervals = np.ceil(np.log(np.clip(1 - thr / drop, 1e-12, 1)) / np.log(np.clip(1 - a, 1e-12, 1)))
        intervals = np.where(a >= 1, 1.0, np.maximum(intervals, 1.0))
        return np.where(drop > thr, intervals * self.p["interval_s"], np.inf)

    def _anneal(self, table: np.ndarray, fits: np.ndarray, window: int, drift: int) -> np.ndarray:
        """Simulated annealing over epoch counts on predicted accuracy, one chain per candidate,
        each with its own `anneal_steps` and random stream (drawn by window, drift, iteration)."""
        value = np.where(fits, table, -1.0)
        cur = np.full(self.n, 5)
        steps = self.p["anneal_steps"]
        rows = np.arange(self.n)
        for i in range(int(steps.max())):
            temp = 0.01 * (1 - i / steps) + 1e-6
            prop = np.clip(cur + integers(self.seeds, -3, 4, window, drift, i, 0), 1, len(EPOCHS) - 1)
            gain = value[rows, prop] - value[rows, cur]
            with np.errstate(over="ignore"):
                accept = (gain > 0) | (uniform(self.seeds, window, drift, i, 1) < np.exp(np.minimum(gain / temp, 0)))
            cur = np.where(accept & (i < steps), prop, cur)
        return EPOCHS[cur]

    def plan(self, ctx: WindowContext) -> Plan:
        n, s, t = self.n, ctx.n_steps, self.t
        ok = np.isfinite(t["t_label"]) & np.isfinite(t["t_train"]) & (self.speed > 0)
        slow = np.where(ok, self.speed, 1.0)
        key_rate = self.p["key_frame_fraction"] * ctx.fps
        label_share = np.where(ok, np.minimum(key_rate * t["t_label"] / slow, 0.5), 0.0)  # of wall-clock time
        label_rate = np.where(ok, label_share * slow / t["t_label"], 0.0)
        buffer = np.maximum(label_rate * self.p["interval_s"], 1.0)  # one interval's key frames
        epoch_s = np.where(ok, buffer * t["t_train"] / (slow * (1 - label_share)), np.inf)
        starts, ends = [np.zeros(n)], [self.train_left_s.copy()]
        end_s = self.train_left_s.copy()
        for k in ctx.drift_steps() if ctx.window > 0 else [0]:
            before, after = ctx.accuracy_across_drift(k, self.f_inf)
            delay = np.zeros(n) if ctx.window == 0 else self._trigger_delay_s(before - after)
            start = k * ctx.step_s + delay
            table, fits = predicted_accuracy(ctx, self.f_inf, EPOCHS, epoch_s, start, np.full(n, 2 * ctx.window_s))
            length = np.where(np.isfinite(start) & ok, self._anneal(table, fits, ctx.window, k) * epoch_s, 0.0)
            start = np.where(np.isfinite(start), start, ctx.window_s)
            starts.append(start)
            ends.append(start + length)
            end_s = np.maximum(end_s, start + length)
        self.train_left_s = np.maximum(end_s - ctx.window_s, 0.0)
        start, end = disjoint(np.stack(starts, axis=1), np.stack(ends, axis=1))
        epoch_rate = np.where(ok, 1.0 / np.where(ok, epoch_s, 1.0), 0.0)
        rates = Schedule(label_rate, np.zeros(n), start, end, label_rate[:, None] * np.ones_like(start),
                         epoch_rate[:, None] * np.ones_like(start))
        return Plan(processed=self.processed, infer_format=self.f_inf, infer_j_per_frame=t["j_inf"],
                    rates=rates, n_steps=s,
                    buffer_capacity=buffer, label_j_per_sample=np.where(ok, t["j_label"], 0.0),
                    epoch_j=np.where(ok, buffer * t["j_train"], 0.0))
