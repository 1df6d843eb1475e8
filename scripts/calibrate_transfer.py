"""Fit `SimParams.drift_transfer` to DaCapo's Figure 9 and write docs/calibration-drift-transfer.md.

    python scripts/calibrate_transfer.py [--write]

The one constant of the simulator fitted to Figure 9: the fraction of a student's adaptation
that carries over a segment change. Everything else stays as shipped (proxies, kernel costs,
policies, the artifact's labeling rates and training recipes in dse/reproduce.py). The fit uses
the 14 published geomeans of the ResNet18/WRN50-2 and ViT-B/32/ViT-B/16 pairs (ViT as in the
artifact), on a grid of 0.01. The criterion is the largest error (minimax), because the target
(issue 8) bounds every error, not their mean; ties go to the smaller RMS error. The least-squares
optimum is reported alongside. ResNet34/WRN101-2 and ES1/ES2 are not used: they stay predictions.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dse.reports import reproduce  # noqa: E402
from dse.sim.curves import CurveBook  # noqa: E402
from dse.sim.params import DEFAULT_DRIFT_TRANSFER, SimParams  # noqa: E402
from dse.sim.uncertainty import Draws  # noqa: E402

FITTED = ("resnet18-wrn50", "vit_b32-vit_b16")
GRID = np.round(np.arange(0.0, 0.41, 0.01), 2)
RANKING = "DaCapo-Spatiotemporal > DaCapo-Spatial > {DaCapo-Ekya, EOMU} > OrinLow-Ekya"


def grid_rows(book: CurveBook) -> list[list[dict]]:
    """figure9 rows (GMEAN only) for every transfer of the grid, simulated as one batch of
    constants (zero-spread draws), one list per grid value."""
    draws = Draws(np.zeros((len(GRID), 5)), SimParams(drift_transfer=GRID))
    values = reproduce.figure9_values(True, book, pairs=FITTED, draws=draws)
    return [[{"pair": p, "system": s, "scenario": "GMEAN", "accuracy_pct": round(float(reproduce.gmean_of(v)[i]), 2)}
             for (p, s), v in values.items()] for i in range(len(GRID))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write docs/calibration.md")
    args = parser.parse_args()
    book = CurveBook()
    shipped = DEFAULT_DRIFT_TRANSFER
    rows = []
    for t, grid_row in zip(GRID, grid_rows(book), strict=True):
        a = reproduce.agreement(grid_row)
        rows.append((float(t), a.rms_points, a.max_points, a.within_3_points, all(a.ranking.values())))
    best = min(rows, key=lambda r: (round(r[2], 2), r[1]))
    least_squares = min(rows, key=lambda r: r[1])
    lines = ["# Calibration of the drift transfer (dse/sim/params.py DEFAULT_DRIFT_TRANSFER)", "",
             "Written by `python scripts/calibrate_transfer.py --write`. Fitted to the 14 published Figure 9",
             "geomeans of the ResNet18/WRN50-2 and ViT-B/32/ViT-B/16 pairs, everything else fixed. Criterion:",
             "the largest error (minimax; issue 8 bounds every error), ties to the smaller RMS error.",
             f"Best: **{best[0]:.2f}** (largest error {best[2]:.2f}, RMS {best[1]:.3f} points, "
             f"{best[3]} of 14 within 3 points). Least squares would give {least_squares[0]:.2f} (RMS "
             f"{least_squares[1]:.3f}, largest {least_squares[2]:.2f}, {least_squares[3]} of 14 within 3 points). "
             f"Shipped: {shipped:.2f}.", "",
             f"| transfer | RMS error (points) | max error | within 3 points (of 14) | ranking {RANKING} |",
             "|---|---|---|---|---|"]
    lines += [f"| {t:.2f} | {rms:.3f} | {mx:.2f} | {n} | {'holds' if ok else 'fails'} |" for t, rms, mx, n, ok in rows]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        (ROOT / "docs" / "calibration-drift-transfer.md").write_text(text)


if __name__ == "__main__":
    main()
