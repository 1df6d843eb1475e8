"""What `dse accel eval` and `dse accel info` compute, as rows ready to print."""

from __future__ import annotations

import numpy as np

from accel import DATAFLOWS, FORMAT_NAMES, Design, area_mm2, format_index, gemm_costs, kernel_costs, power_w
from accel.formats import mask_names
from workloads.gemm import GemmTable
from workloads.zoo import kernel

from ..errors import DseError


def scalar_array(rows: int, cols: int, dataflow: str) -> Design:
    """A scalar-MAC R x C array with SCALE-Sim semantics (INT8; DRAM fast enough never to stall)."""
    if dataflow not in DATAFLOWS:
        raise DseError("--dataflow", f"unknown dataflow {dataflow!r}")
    return Design.from_records([{"preset": "systolic-16x16", "rows": rows, "cols": cols,
                                 "dataflow": dataflow, "dram_gbps": 1e6}])


def default_format(design: Design, requested: str | None) -> int:
    if requested is not None:
        return format_index(requested, "--precision")
    names = mask_names(int(design.precision_modes[0]))
    return format_index("mx6" if "mx6" in names else names[0])


def design_info(design: Design) -> list[dict]:
    rows = []
    area = area_mm2(design)
    power = power_w(design)
    for i, rec in enumerate(design.to_records()):
        rec = dict(rec)
        rec["precision_modes"] = ",".join(rec["precision_modes"])
        rec["area_mm2"] = float(area[i])
        rec["power_w"] = float(power[i])
        rows.append(rec)
    return rows


def gemm_rows(design: Design, table: GemmTable, fmt: int, row_counts: list[int] | None) -> list[dict]:
    """One row per (GEMM, row count): cycles, latency, utilization, energy, DRAM bytes."""
    c = gemm_costs(design.take([0]), table.m, table.n, table.k, fmt, row_counts)
    counts = row_counts or [int(design.rows[0])]
    out = []
    for i in range(len(table)):
        for j, r in enumerate(counts):
            out.append({
                "layer": str(table.name[i]), "m": int(table.m[i]), "n": int(table.n[i]), "k": int(table.k[i]),
                "repeat": int(table.repeat[i]), "rows": r, "cycles": int(c.cycles[0, i, j]),
                "latency_s": float(c.latency_s[0, i, j]), "utilization": float(c.utilization[0, i, j]),
                "energy_j": float(c.energy_j[0, i, j]), "dram_bytes": float(c.dram_bytes[0, i, j]),
            })
    return out


def kernel_rows(design: Design, model: str, phase: str, batch: int, frozen: int, fmt: int,
                row_counts: list[int] | None, vit_attention: bool = True) -> list[dict]:
    """One row per row count: the whole kernel's latency and energy on that sub-array."""
    k = kernel(model, phase, batch, frozen, vit_attention)
    g = k.gemms
    counts = row_counts or [int(design.rows[0])]
    c = kernel_costs(design.take([0]), g.m, g.n, g.k, g.repeat, fmt, counts)
    return [{
        "model": model, "phase": phase, "batch": batch, "frozen": frozen, "rows": r,
        "precision": FORMAT_NAMES[fmt], "cycles": float(c.cycles[0, j]),
        "latency_s": float(c.latency_s[0, j]), "energy_j": float(c.energy_j[0, j]),
        "gmacs": g.macs / 1e9,
    } for j, r in enumerate(counts)]


def check_rows(design: Design, row_counts: list[int] | None) -> None:
    if row_counts is None:
        return
    bad = [r for r in row_counts if r > design.rows[0] or r % design.partition_granularity[0]]
    if bad:
        raise DseError("--rows", f"{bad[0]} is not a sub-array of this design "
                                 f"({design.rows[0]} rows, granularity {design.partition_granularity[0]})")


def first_supported(design: Design, fmt: int) -> None:
    if not bool(np.all(design.supports(fmt))):
        raise DseError("--precision", f"{FORMAT_NAMES[fmt]} is not supported by this design "
                                      f"(supports {', '.join(mask_names(int(design.precision_modes[0])))})")
