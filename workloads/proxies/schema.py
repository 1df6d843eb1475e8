"""Versioned schema of the accuracy-proxy Parquet tables (documented in docs/proxies.md).

The table kind and version live in the Parquet key-value metadata under ``cl_dse.schema``,
e.g. ``observations/1`` or ``curves/2``. Accuracies are fractions in [0, 1].

Observations version 2 adds the teacher's measured labeling accuracy (`label_acc`, nullable) and
drift carry-over points (`adapted_on`); a version-1 file loads with neither (null, -1).
Curves version 2 adds where each row comes from (`provenance`, `source`) and the uncertainty of
each of its parameters (standard deviations, `sd_*`); a version-1 curves file still loads, with
provenance "unknown" and `V1_UNCERTAINTY` (docs/proxies.md says how each was set).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

SCHEMA_KEY = b"cl_dse.schema"
#: Current version of each table kind; older versions that still load are in `READABLE`.
VERSIONS = {"observations": 2, "curves": 2}
READABLE = {"observations": (1, 2), "curves": (1, 2)}
#: Where a curves row comes from.
PROVENANCES = ("measured", "fitted", "rule", "extrapolated", "unknown")
DELTA_FORMATS = ("mx4", "mx6", "mx9", "int8", "bf16")
PRECISIONS = (*DELTA_FORMATS, "fp32")


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    unit: str
    low: float | None = None  # inclusive range for numbers
    high: float | None = None
    doc: str = ""
    nullable: bool = False  # null = not measured


OBSERVATIONS = (
    Column("student", pa.string(), "model name", doc="student model (torchvision name)"),
    Column("teacher", pa.string(), "model name", doc="teacher model that labeled the retraining data"),
    Column("scenario", pa.string(), "name", doc="scenario (S1..S6, ES1, ES2, or the user's)"),
    Column("segment", pa.int32(), "index", 0, None, "segment of the scenario the point was measured in"),
    Column("window", pa.int32(), "index", 0, None, "window the point was measured in"),
    Column("epochs", pa.float64(), "epochs", 0, 1000, "retraining epochs over the labeled samples"),
    Column("samples", pa.int64(), "samples", 0, None, "labeled samples retrained on"),
    Column("frozen_layers", pa.int32(), "layers", 0, None, "frozen leading weight layers"),
    Column("precision", pa.string(), "format", doc=f"one of {', '.join(PRECISIONS)}"),
    Column("acc_before", pa.float64(), "fraction", 0, 1, "accuracy before retraining"),
    Column("acc_after", pa.float64(), "fraction", 0, 1, "accuracy after retraining"),
    Column("label_acc", pa.float64(), "fraction", 0, 1, "teacher's labeling accuracy on the samples retrained on, "
           "against the ground truth (null: not measured)", nullable=True),
    Column("adapted_on", pa.int32(), "index", -1, None, "-1, or the segment the student was adapted on before "
           "being measured on `segment` (a drift carry-over point: acc_before is the un-adapted student's)"),
)

CURVES = (
    Column("student", pa.string(), "model name", doc="student model"),
    Column("teacher", pa.string(), "model name", doc="teacher model"),
    Column("scenario", pa.string(), "name", doc="scenario"),
    Column("segment", pa.int32(), "index", 0, None, "segment index within the scenario"),
    Column("acc_before", pa.float64(), "fraction", 0, 1, "accuracy of the un-adapted student on this segment"),
    Column("acc_asymptote", pa.float64(), "fraction", 0, 1, "accuracy after unlimited retraining, 1 - b2"),
    Column("b0", pa.float64(), "1/epoch", 0, None, "Ekya curve acc(e) = 1 - (1/(b0*e + b1) + b2)"),
    Column("b1", pa.float64(), "1", 1e-9, None, "Ekya curve offset; 1/b1 = asymptote - acc(0)"),
    Column("b2", pa.float64(), "fraction", 0, 1, "Ekya curve floor of the error"),
    Column("label_acc", pa.float64(), "fraction", 0, 1, "teacher's labeling accuracy on this segment"),
    *(Column(f"delta_{f}", pa.float64(), "fraction", -1, 1, f"accuracy in {f} minus accuracy in FP32")
      for f in DELTA_FORMATS),
    Column("fit_rmse", pa.float64(), "fraction", 0, 1, "RMSE of the curve against its observations"),
    Column("n_obs", pa.int32(), "points", 0, None, "observations the curve was fitted to (0 = set by rule)"),
    Column("provenance", pa.string(), "kind", doc=f"where the row comes from: {' | '.join(PROVENANCES)}"),
    Column("source", pa.string(), "text", doc="the paper, file or rule it comes from"),
    Column("sd_acc_before", pa.float64(), "fraction", 0, 1,
           "standard deviation of the drop asymptote - acc_before (acc_before's uncertainty given the asymptote)"),
    Column("sd_asymptote", pa.float64(), "fraction", 0, 1, "standard deviation of acc_asymptote"),
    Column("sd_log_rate", pa.float64(), "1", 0, 10, "standard deviation of ln(b0 / b1), the curve's rate"),
    Column("sd_label_acc", pa.float64(), "fraction", 0, 1, "standard deviation of label_acc"),
    Column("sd_delta", pa.float64(), "fraction", 0, 1, "standard deviation of each MX / INT8 format delta"),
)

#: Columns a version-1 curves file lacks, and the values it loads with: provenance unknown, and
#: the widest uncertainty the shipped defaults state for any row (docs/proxies.md, "Uncertainty").
V1_UNCERTAINTY = {"provenance": "unknown", "source": "curves/1 file: no provenance recorded",
                  "sd_acc_before": 0.065, "sd_asymptote": 0.03, "sd_log_rate": 0.75, "sd_label_acc": 0.03,
                  "sd_delta": 0.01}

TABLES: dict[str, tuple[Column, ...]] = {"observations": OBSERVATIONS, "curves": CURVES}


def arrow_schema(kind: str) -> pa.Schema:
    cols = TABLES[kind]
    return pa.schema([pa.field(c.name, c.type, nullable=c.nullable) for c in cols],
                     metadata={SCHEMA_KEY: f"{kind}/{VERSIONS[kind]}".encode()})
