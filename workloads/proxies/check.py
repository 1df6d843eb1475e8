"""`dse proxies check`: the simulator's structural assumptions against measured observations.

1. **Curve form.** The Ekya curve acc(e) = 1 - (1/(b0 e + b1) + b2), fitted per segment
   (`fit.fit_observations`): its RMSE against the measured points.
2. **Data-size cap.** The simulator lets a training set of n samples reach the share
   (n / full) ** 0.2 of the full gain. Here: the gain after the last measured epoch with n samples
   over the gain with the largest n, per segment; the exponent a of share = (n / n_max) ** a is
   fitted by least squares in log space over every segment's points with a positive gain.
3. **Drift carry-over.** The simulator keeps the share `drift_transfer` of a student's progress
   (epochs on the old segment's curve) across a segment change. Here: a student adapted on
   segment k for p epochs, measured on segment k + 1 without retraining, reaches the accuracy of
   e* epochs on segment k + 1's fitted curve (0 below its start); the measured share is e* / p.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .fit import fit_observations
from .io import group_rows


def _epochs_at(acc: float, b0: float, b1: float, b2: float) -> float:
    """Epochs at which a curve reaches `acc`: 0 at or below its start, inf at or above its asymptote."""
    gap = 1.0 - b2 - acc
    if gap <= 0:
        return float("inf")
    if b0 <= 0:
        return 0.0
    return max((1.0 / gap - b1) / b0, 0.0)


def check(obs: pa.Table, data_exponent: float, drift_transfer: float) -> dict:
    """The three comparisons, against the simulator's `data_exponent` and `drift_transfer`."""
    curves = fit_observations(obs)
    rmse = curves.column("fit_rmse").to_numpy()
    cols = {name: obs.column(name).to_numpy(zero_copy_only=False) for name in obs.column_names}
    fits = {(r["student"], r["teacher"], r["scenario"], r["segment"]): r for r in curves.to_pylist()}
    xs, ys, share_rows = [], [], []
    transfers = []
    for key, group in group_rows(obs, ("student", "teacher", "scenario", "segment")).items():
        own = group[(cols["adapted_on"][group] < 0) & (cols["precision"][group] == "fp32")]
        if len(own):
            own = own[cols["frozen_layers"][own] == cols["frozen_layers"][own].min()]
            last = own[cols["epochs"][own] == cols["epochs"][own].max()]
            sizes = np.unique(cols["samples"][last])
            if len(sizes) > 1:
                gain = {n: float(np.mean(cols["acc_after"][last][cols["samples"][last] == n]
                                         - cols["acc_before"][last][cols["samples"][last] == n])) for n in sizes}
                full = gain[sizes.max()]
                for n in sizes[:-1]:
                    share = gain[n] / full if full > 0 else float("nan")
                    share_rows.append({"student": key[0], "segment": int(key[3]), "samples": int(n),
                                       "largest": int(sizes.max()), "share": share})
                    if full > 0 and share > 0:
                        xs.append(np.log(n / sizes.max()))
                        ys.append(np.log(min(share, 1.0)))
        carried = group[cols["adapted_on"][group] >= 0]
        for i in carried:
            old = fits.get((key[0], key[1], key[2], int(cols["adapted_on"][i])))
            new = fits.get(key)
            if old is None or new is None:
                continue
            p = float(cols["epochs"][i])
            e_star = _epochs_at(float(cols["acc_after"][i]), new["b0"], new["b1"], new["b2"])
            transfers.append({"student": key[0], "from_segment": int(cols["adapted_on"][i]), "to_segment": int(key[3]),
                              "progress_epochs": p, "equivalent_epochs": e_star,
                              "transfer": min(e_star / p, 1.0) if p > 0 else float("nan"),
                              "acc_unadapted": float(cols["acc_before"][i]),
                              "acc_carried": float(cols["acc_after"][i])})
    x, y = np.array(xs), np.array(ys)
    exponent = float((x @ y) / (x @ x)) if len(x) and x @ x > 0 else float("nan")
    share_pred = np.exp(exponent * x) if len(x) else np.zeros(0)
    shipped_pred = np.exp(data_exponent * x) if len(x) else np.zeros(0)
    t = np.array([r["transfer"] for r in transfers], dtype=float)
    return {
        "curves": len(rmse), "observations": obs.num_rows,
        "curve_rmse_median": float(np.median(rmse)), "curve_rmse_max": float(np.max(rmse)),
        "data_exponent_fitted": exponent, "data_exponent_shipped": data_exponent, "data_points": len(x),
        "data_share_rmse_fitted": float(np.sqrt(np.mean((share_pred - np.exp(y)) ** 2))) if len(x) else float("nan"),
        "data_share_rmse_shipped": float(np.sqrt(np.mean((shipped_pred - np.exp(y)) ** 2))) if len(x) else float("nan"),
        "drift_transfer_measured_median": float(np.median(t)) if len(t) else float("nan"),
        "drift_transfer_measured_mean": float(np.mean(t)) if len(t) else float("nan"),
        "drift_transfer_shipped": drift_transfer, "carry_over_points": len(t),
        "per_curve": [{k: r[k] for k in ("student", "segment", "n_obs", "fit_rmse", "acc_before", "acc_asymptote")}
                      for r in curves.to_pylist()],
        "data_share": share_rows, "carry_over": transfers,
    }
