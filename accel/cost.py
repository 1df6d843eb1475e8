"""Full per-GEMM cost on a batch of designs: cycles, DRAM, latency, energy.

Shapes: the result is (designs, gemms, row_counts). A kernel's cost is the sum over its GEMMs
(times their repeat count), see `kernel_costs`. Sub-accelerators share the design's SRAM and
DRAM interface as DaCapo's artifact does: each kernel's operand buffers have the design's full
capacity and bandwidth (reference/dacapo.md: one buffer fill per GEMM; contention between
sub-accelerators is not modelled). A sub-accelerator of r rows is charged r/R of the leakage.
Row counts the design cannot give (more than its rows, not a multiple of its partition
granularity) and formats it does not support cost +inf. DRAM traffic counts the im2col-expanded
input matrix, an upper bound on a convolution's true input traffic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .constants import DPE_PIPELINE_STAGES
from .cycles import compute_cycles
from .design import PE_KINDS, Design
from .energy import EnergyTable, energy_table
from .formats import BITS_PER_ELEMENT, DPE_CYCLES_PER_BLOCK
from .memory import dram_elements, sram_accesses

_DPE = PE_KINDS.index("dpe")


@dataclass(frozen=True)
class GemmCosts:
    cycles: np.ndarray
    compute_s: np.ndarray
    dram_bytes: np.ndarray
    dram_s: np.ndarray
    latency_s: np.ndarray
    energy_j: np.ndarray
    macs: np.ndarray  # useful multiply-accumulates
    utilization: np.ndarray  # useful MACs / MAC slots the (sub-)array offered while computing


def gemm_costs(design: Design, m, n, k, fmt: int, rows=None, table: EnergyTable | None = None) -> GemmCosts:
    """Cost of GEMMs (M x K) @ (K x N) in format index `fmt` on sub-arrays of `rows` rows.

    m, n, k: 1-D arrays (one per GEMM); rows: 1-D array of row counts, or None for the whole
    array. Returns arrays shaped (len(design), len(m), len(rows) or 1).
    """
    table = energy_table(design) if table is None else table
    d = {f: getattr(design, f)[:, None, None] for f in
         ("rows", "cols", "dataflow", "sram_kb", "dram_gbps", "freq_mhz", "pe_kind", "dpe_width",
          "partition_granularity")}
    m, n, k = (np.asarray(a, dtype=np.int64)[None, :, None] for a in (m, n, k))
    r = d["rows"] if rows is None else np.asarray(rows, dtype=np.int64)[None, None, :]
    valid = (r >= 1) & (r <= d["rows"]) & (r % d["partition_granularity"] == 0)
    valid = valid & design.supports(fmt)[:, None, None]
    r_safe = np.where(valid, r, 1)
    share = r_safe / d["rows"]

    is_dpe = d["pe_kind"] == _DPE
    cpb = np.where(is_dpe, DPE_CYCLES_PER_BLOCK[fmt], 1)
    stages = np.where(is_dpe, DPE_PIPELINE_STAGES, 0)
    cycles = compute_cycles(r_safe, d["cols"], d["dataflow"], m, n, k, d["dpe_width"], cpb, stages)
    compute_s = cycles / (d["freq_mhz"] * 1e6)

    bytes_per_elem = BITS_PER_ELEMENT[fmt] / 8
    buffer_elems = d["sram_kb"] * 1024 / bytes_per_elem
    dram_bytes = dram_elements(m, n, k, buffer_elems) * bytes_per_elem
    dram_s = dram_bytes / (d["dram_gbps"] * 1e9)
    latency_s = np.maximum(compute_s, dram_s)  # double-buffered: transfers hide behind compute

    steps = m * n * -(-k // d["dpe_width"])
    reads, writes = sram_accesses(d["dataflow"], r_safe, d["cols"], m, n, k)
    step_pj = table.step_pj[:, fmt][:, None, None]
    sram_bits = (reads + writes) * BITS_PER_ELEMENT[fmt]
    energy_pj = (steps * step_pj + sram_bits * table.sram_pj_per_bit[:, None, None]
                 + dram_bytes * 8 * table.dram_pj_per_bit)
    leak_j = table.leakage_w[:, None, None] * share * latency_s
    energy_j = energy_pj * 1e-12 + leak_j

    macs = np.broadcast_to(m * n * k, cycles.shape)
    slots = cycles * r_safe * d["cols"] * np.where(is_dpe, d["dpe_width"] / cpb, 1)
    inf = np.inf
    return GemmCosts(
        cycles=np.where(valid, cycles, -1),
        compute_s=np.where(valid, compute_s, inf),
        dram_bytes=np.where(valid, dram_bytes, inf),
        dram_s=np.where(valid, dram_s, inf),
        latency_s=np.where(valid, latency_s, inf),
        energy_j=np.where(valid, energy_j, inf),
        macs=macs,
        utilization=np.where(valid, macs / np.maximum(slots, 1), 0.0),
    )


@dataclass(frozen=True)
class KernelCosts:
    """A kernel (a list of GEMMs run back to back): latency and energy per run, (D, rows)."""

    latency_s: np.ndarray
    energy_j: np.ndarray
    cycles: np.ndarray


def kernel_costs(design: Design, m, n, k, repeat, fmt: int, rows=None,
                 table: EnergyTable | None = None) -> KernelCosts:
    """Sum of `gemm_costs` over the GEMMs of one kernel, each counted `repeat` times."""
    c = gemm_costs(design, m, n, k, fmt, rows, table)
    rep = np.asarray(repeat, dtype=np.float64)[None, :, None]
    return KernelCosts(
        latency_s=np.sum(c.latency_s * rep, axis=1),
        energy_j=np.sum(c.energy_j * rep, axis=1),
        cycles=np.sum(np.where(c.cycles < 0, np.inf, c.cycles) * rep, axis=1),
    )
