"""Ekya (Bhardwaj et al., NSDI 2022): retraining and inference time-share one device.

Inference has priority (as in all of DaCapo's baselines, so no frame is dropped while the
device can keep up). Each window is a retraining window, as in Ekya: a fixed fraction of its
frames is labeled first; then the retraining configuration (epochs over those samples) is
chosen by micro-profiling -- a few epochs on a fraction of the data per configuration family,
extrapolated with the window's accuracy curve -- picking the epochs that maximise predicted
window accuracy in the time left; the retrained student serves the rest of the window. The thief
scheduler's resource stealing is reduced to this priority split; inference frame subsampling is
not modelled. Defaults follow DaCapo's artifact (src/emulator/ekya_profiler.py): 20.75% of
frames labeled, 3 training-subsample candidates micro-profiled for 5 epochs on 10% of the data.
"""

from __future__ import annotations

import numpy as np

from ..contracts import Plan, Schedule
from ._base import AllocationPolicy, Param, WindowContext, precision_params
from ._timeshare import device_times, inference_share, predicted_accuracy

EPOCH_CHOICES = np.array([0, 1, 2, 3, 5, 8, 10, 15, 20, 30], dtype=np.float64)

#: DaCapo's artifact, Ekya on Orin (orin-baseline/ekya_orin/accuracy_over_window/src/utils.py,
#: gen_range_sample_rate_and_epochs): the epoch counts it may run per window, the labeling rates
#: it tries (whole percent), and its training batch (the profiled train time is per batch).
PROFILED_EPOCHS = np.array([5.0, 15.0, 30.0])
PROFILED_RATE_STEPS = np.arange(1, 101) / 100.0
PROFILED_TRAIN_BATCH = 32


def profiled_rates(t_inf: np.ndarray, t_train: np.ndarray, t_label: np.ndarray, window_s: float, fps: float
                   ) -> np.ndarray:
    """(C, 3) labeling rates Ekya on Orin tries, from the device's profiled costs (the artifact's
    rule): for each of 5 / 15 / 30 epochs the highest whole-percent rate whose inference of every
    frame, labeling and training fit in the window (0 if none); the rates are the lowest and
    highest of those (at least 1 %) and their middle, floored to a whole percent."""
    frames = window_s * fps
    labeled = np.floor(frames * PROFILED_RATE_STEPS)  # (R,)
    batches = np.ceil(labeled / PROFILED_TRAIN_BATCH)
    per_batch = t_train * PROFILED_TRAIN_BATCH
    need = (frames * t_inf)[:, None, None] + batches[None, None, :] * per_batch[:, None, None] \
        * PROFILED_EPOCHS[None, :, None] + labeled[None, None, :] * t_label[:, None, None]  # (C, E, R)
    fits = need <= window_s
    best = np.where(fits.any(axis=2), np.max(np.where(fits, np.arange(1, 101)[None, None, :], 0), axis=2), 0)
    low, high = np.maximum(best.min(axis=1), 1), np.maximum(best.max(axis=1), 1)
    return np.stack([low, (low + high) // 2, high], axis=1) / 100.0


def profiled_fits(t_inf, t_train, t_label, rates: np.ndarray, window_s: float, fps: float) -> np.ndarray:
    """(C, 3 rates, 3 epoch counts): whether each configuration fits in the window."""
    frames = window_s * fps
    labeled = np.floor(frames * rates)
    need = (frames * t_inf)[:, None, None] + np.ceil(labeled / PROFILED_TRAIN_BATCH)[:, :, None] \
        * (t_train * PROFILED_TRAIN_BATCH)[:, None, None] * PROFILED_EPOCHS[None, None, :] \
        + (labeled * t_label[:, None])[:, :, None]
    return need <= window_s


class Ekya(AllocationPolicy):
    name = "ekya"
    summary = "time-shared device; per-window epochs chosen by micro-profiling the accuracy curve"
    paper = "Bhardwaj et al., Ekya, NSDI 2022"
    params = {
        "label_fraction": Param(0.2075, 0.0, 1.0, doc="fraction of a window's frames labeled"),
        "profile_fraction": Param(0.1, 0.0, 1.0, doc="fraction of the samples micro-profiling trains on"),
        "profile_epochs": Param(5, 0, 30, integer=True, doc="epochs each profiled configuration runs"),
        "profile_configs": Param(3, 1, 20, integer=True, doc="configuration families profiled per window"),
        "deploy": Param("epoch", choices=("epoch", "window"),
                        doc="when retrained weights serve: after each epoch, or from the next window (as "
                            "DaCapo's artifact scores its per-window baselines)"),
        "epoch_weight": Param(1.0, 0.0, 100.0, doc="progress one epoch brings relative to DaCapo's training "
                                                   "recipe (SGD, lr 1e-3, batch 16): about lr/1e-3 x 16/batch"),
        "configs": Param("fixed", choices=("fixed", "profiled"),
                         doc="fixed: label_fraction, epochs by micro-profiling; profiled: as DaCapo's artifact runs "
                             "Ekya on Orin, each window one of three labeling rates and 5/15/30 epochs from the "
                             "device's profiled costs (the best predicted that fits; the lowest rate and 5 epochs "
                             "in the first window or when none fits), profiling outside the window"),
        **precision_params(" (arrays only)"),
    }

    def setup(self) -> None:
        self.f_inf = self.formats("infer_precision")
        self.f_train = self.formats("train_precision")
        self.t = device_times(self.costs, self.f_inf, self.f_train)
        self.share, self.processed = inference_share(self.t["t_inf"], self.fps)

    def _profiled(self, ctx: WindowContext):
        """(labeling fraction, epochs) per candidate for the artifact's Orin configurations."""
        t = self.t
        rates = profiled_rates(t["t_inf"], t["t_train"], t["t_label"], ctx.window_s, ctx.fps)
        fits = profiled_fits(t["t_inf"], t["t_train"], t["t_label"], rates, ctx.window_s, ctx.fps)
        p0 = ctx.on_first_segment(ctx.state.progress)
        reached = ctx.curves.accuracy(p0[:, None] + self.p["epoch_weight"][:, None] * PROFILED_EPOCHS[None, :],
                                      ctx.step_segments[0], self.f_inf[:, None])  # (C, E): what profiling foresees
        score = np.where(fits, reached[:, None, :], -np.inf).reshape(self.n, -1)  # rate-major, epochs fastest
        pick = np.argmax(score[:, ::-1], axis=1)  # ties: the later (higher rate, more epochs) configuration
        pick = score.shape[1] - 1 - pick
        fallback = (ctx.window == 0) | ~fits.reshape(self.n, -1).any(axis=1)
        rate = np.where(fallback, rates[:, 0], rates[np.arange(self.n), pick // len(PROFILED_EPOCHS)])
        epochs = np.where(fallback, PROFILED_EPOCHS[0], PROFILED_EPOCHS[pick % len(PROFILED_EPOCHS)])
        return rate, epochs

    def plan(self, ctx: WindowContext) -> Plan:
        n, s, t = self.n, ctx.n_steps, self.t
        speed = 1.0 - self.share  # device time fraction left for labeling and retraining
        ok = np.isfinite(t["t_label"]) & np.isfinite(t["t_train"]) & (speed > 0)
        profiled = self.p["configs"] == 1
        fraction, forced_epochs = self.p["label_fraction"], None
        if profiled.any():
            rate, chosen = self._profiled(ctx)
            fraction = np.where(profiled, rate, fraction)
            forced_epochs = np.where(profiled, chosen, np.nan)
        samples = fraction * ctx.fps * ctx.window_s
        free_s = np.where(ok, ctx.window_s, 0.0)  # wall-clock time; the work runs at `speed`
        slow = np.where(ok, speed, 1.0)  # device seconds per wall-clock second
        label_s = np.minimum(np.where(ok, samples * t["t_label"] / slow, 0.0), free_s)
        labeled = np.where(ok, label_s * slow / t["t_label"], 0.0)
        epoch_s = np.where(ok, labeled * t["t_train"] / slow, np.inf)
        profile_s = np.minimum(self.p["profile_configs"] * self.p["profile_epochs"] * self.p["profile_fraction"]
                               * np.where(ok, epoch_s, 0.0), free_s - label_s)
        profile_s = np.where(profiled, 0.0, profile_s)  # the artifact profiles outside the window
        start_s = label_s + profile_s
        epochs = self._choose_epochs(ctx, epoch_s, start_s, free_s - start_s)
        if forced_epochs is not None:
            epochs = np.where(profiled, forced_epochs, epochs)
        train_s = np.where(epochs > 0, epochs * np.where(np.isfinite(epoch_s), epoch_s, 0.0), 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            zero = np.zeros(n)
            rates = Schedule.phases(
                zero, zero, (zero, label_s, np.where(label_s > 0, labeled / np.where(label_s > 0, label_s, 1.0), 0.0),
                             zero),
                (start_s, train_s, zero, np.where(epochs > 0, 1.0 / epoch_s, 0.0)))
        profile_j = self.p["profile_configs"] * self.p["profile_epochs"] * self.p["profile_fraction"] * labeled \
            * t["j_train"]
        return Plan(
            processed=self.processed, infer_format=self.f_inf, infer_j_per_frame=t["j_inf"],
            rates=rates, n_steps=s, buffer_capacity=np.maximum(samples, 1.0),
            label_j_per_sample=np.where(ok, t["j_label"], 0.0),
            epoch_j=np.where(ok, labeled * t["j_train"] + np.where(epochs > 0, profile_j / np.maximum(epochs, 1), 0),
                             0.0),
            epoch_weight=self.p["epoch_weight"], hold=self.p["deploy"] == 1)

    def _choose_epochs(self, ctx: WindowContext, epoch_s, start_s, budget_s) -> np.ndarray:
        """Epochs maximising the predicted window accuracy (micro-profiling, extrapolated)."""
        predicted, fits = predicted_accuracy(ctx, self.f_inf, EPOCH_CHOICES, epoch_s, start_s, budget_s,
                                             self.p["epoch_weight"][:, None, None])
        # deployed next window: what counts is the accuracy the retrained model reaches
        p0 = ctx.on_first_segment(ctx.state.progress)
        reached = ctx.curves.accuracy(p0[:, None] + self.p["epoch_weight"][:, None] * EPOCH_CHOICES[None, :],
                                      ctx.step_segments[0], self.f_inf[:, None])
        predicted = np.where((self.p["deploy"] == 1)[:, None], reached, predicted)
        return EPOCH_CHOICES[np.argmax(np.where(fits, predicted, -np.inf), axis=1)]
