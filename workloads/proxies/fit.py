"""Fit Ekya-style curves acc(e) = 1 - (1/(b0*e + b1) + b2) to observations.

For a fixed floor b2, 1/(1 - b2 - acc) = b0*e + b1 is linear in e; b2 is searched on a grid
(then refined around the best) and (b0, b1) solved by weighted least squares in that space; the
b2 with the smallest RMSE in accuracy is kept. Accuracy before retraining is the e = 0 point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from .io import group_rows
from .schema import DELTA_FORMATS, arrow_schema

GRID = 400


@dataclass(frozen=True)
class CurveFit:
    b0: float
    b1: float
    b2: float
    rmse: float


def curve(e, b0, b1, b2):
    return 1.0 - (1.0 / (np.asarray(b0) * np.asarray(e) + np.asarray(b1)) + np.asarray(b2))


def _solve(e: np.ndarray, acc: np.ndarray, b2: np.ndarray):
    """Weighted least squares (b0, b1) for every candidate b2 at once; returns b0, b1, rmse.

    A residual in y = 1/gap is a residual in accuracy times 1/gap^2, so weights gap^4 make the
    linear fit minimise (to first order) the error in accuracy, not in 1/gap.
    """
    gap = 1.0 - b2[:, None] - acc[None, :]  # (G, P), must stay > 0
    ok = np.all(gap > 1e-9, axis=1)
    safe = np.where(gap > 1e-9, gap, 1.0)
    y = 1.0 / safe
    w = safe**4
    sw = w.sum(axis=1)
    e_mean = (w * e[None, :]).sum(axis=1) / sw
    y_mean = (w * y).sum(axis=1) / sw
    de = e[None, :] - e_mean[:, None]
    var = (w * de**2).sum(axis=1)
    cov = (w * de * (y - y_mean[:, None])).sum(axis=1)
    b0 = np.maximum(np.where(var > 0, cov / np.where(var > 0, var, 1.0), 0.0), 0.0)
    b1 = np.maximum(y_mean - b0 * e_mean, 1e-9)
    pred = curve(e[None, :], b0[:, None], b1[:, None], b2[:, None])
    rmse = np.sqrt(np.mean((pred - acc[None, :]) ** 2, axis=1))
    return b0, b1, np.where(ok, rmse, np.inf)


def fit_curve(epochs, acc) -> CurveFit:
    """Best curve through (epochs, accuracy) points; epochs may include 0 (before retraining)."""
    e = np.asarray(epochs, dtype=float)
    a = np.asarray(acc, dtype=float)
    top = 1.0 - a.max()
    b2 = np.linspace(0.0, top - 1e-6, GRID)
    for _ in range(3):  # grid, then two refinements around the best
        b0, b1, rmse = _solve(e, a, b2)
        best = int(np.argmin(rmse))
        step = (b2[-1] - b2[0]) / (len(b2) - 1) if len(b2) > 1 else 0.0
        low, high = max(b2[best] - step, 0.0), min(b2[best] + step, top - 1e-9)
        result = CurveFit(float(b0[best]), float(b1[best]), float(b2[best]), float(rmse[best]))
        b2 = np.linspace(low, high, GRID)
    return result


#: Uncertainty of a curve fitted to measurements, as floors and multiples of the fit's RMSE
#: (docs/proxies.md, "Uncertainty"): the asymptote lies beyond the last measured epoch (twice the
#: RMSE, at least a point); the rate is known to within about 25 % on a few epochs' points.
FIT_SD_ASYMPTOTE_PER_RMSE = 2.0
FIT_SD_FLOOR = 0.005
FIT_SD_ASYMPTOTE_FLOOR = 0.01
FIT_SD_LOG_RATE = 0.25
FIT_SD_LABEL_ACC = 0.01


def curve_rows(cols: dict[str, np.ndarray], rows: np.ndarray) -> np.ndarray:
    """The rows of one (student, teacher, scenario, segment) that its curve describes: measured
    on the segment itself (not drift carry-over points), with the fewest frozen layers and the
    largest training set there is (the simulator scales smaller sets and frozen layers itself)."""
    own = rows[cols["adapted_on"][rows] < 0]
    own = own[cols["frozen_layers"][own] == cols["frozen_layers"][own].min()]
    return own[cols["samples"][own] == cols["samples"][own].max()]


def fit_observations(obs, label_acc: float = 1.0, source: str = "dse proxies fit"):
    """Curves table (pyarrow) from a validated observations table: one fit per
    (student, teacher, scenario, segment), to the rows `curve_rows` keeps. The curve is fitted
    to their FP32 points if there are any (else to all of them); per-format deltas are the mean
    residual of that format's points. The labeling accuracy is the mean measured `label_acc` of
    the segment's rows, or `label_acc` where none was measured. Rows are `measured`, with
    uncertainties set from the fit (the FIT_SD_* rules above)."""
    cols = {name: obs.column(name).to_numpy(zero_copy_only=False) for name in obs.column_names}
    labels = np.array([np.nan if v is None else v for v in obs.column("label_acc").to_pylist()], dtype=float)
    out: dict[str, list] = {f.name: [] for f in arrow_schema("curves")}
    for key, group in group_rows(obs, ("student", "teacher", "scenario", "segment")).items():
        rows = curve_rows(cols, group)
        if len(rows) == 0:
            continue  # only carry-over points measured on this segment
        precision = cols["precision"][rows]
        base = precision == "fp32" if np.any(precision == "fp32") else np.ones(len(rows), dtype=bool)
        before = float(np.mean(cols["acc_before"][rows]))
        e = np.concatenate([[0.0], cols["epochs"][rows][base]])
        a = np.concatenate([[before], cols["acc_after"][rows][base]])
        fit = fit_curve(e, a)
        for name, value in zip(("student", "teacher", "scenario", "segment"), key, strict=True):
            out[name].append(value)
        out["acc_before"].append(before)
        out["acc_asymptote"].append(1.0 - fit.b2)
        out["b0"].append(fit.b0)
        out["b1"].append(fit.b1)
        out["b2"].append(fit.b2)
        measured = labels[group][np.isfinite(labels[group])]
        out["label_acc"].append(float(measured.mean()) if len(measured) else label_acc)
        for f in DELTA_FORMATS:
            sel = precision == f
            resid = cols["acc_after"][rows][sel] - curve(cols["epochs"][rows][sel], fit.b0, fit.b1, fit.b2)
            out[f"delta_{f}"].append(float(np.mean(resid)) if sel.any() else 0.0)
        out["fit_rmse"].append(fit.rmse)
        out["n_obs"].append(len(rows))
        spread = float(np.std(cols["acc_before"][rows]) / np.sqrt(len(rows)))
        out["provenance"].append("measured")
        out["source"].append(source)
        out["sd_acc_before"].append(max(fit.rmse, spread, FIT_SD_FLOOR))
        out["sd_asymptote"].append(max(FIT_SD_ASYMPTOTE_PER_RMSE * fit.rmse, FIT_SD_ASYMPTOTE_FLOOR))
        out["sd_log_rate"].append(FIT_SD_LOG_RATE)
        out["sd_label_acc"].append(FIT_SD_LABEL_ACC)
        out["sd_delta"].append(max(fit.rmse, FIT_SD_FLOOR))
    return pa.table(out, schema=arrow_schema("curves"))
