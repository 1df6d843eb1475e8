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


def _valid_rows(r, rows, granularity, supported):
    """Row counts a design can give a sub-accelerator, in a format it supports (broadcast)."""
    return (r >= 1) & (r <= rows) & (r % granularity == 0) & supported


def _dpe_terms(is_dpe, fmt: int):
    """(cycles per K block, pipeline stages refilled per fold): DPE values, or 1 and 0 for MACs."""
    return np.where(is_dpe, DPE_CYCLES_PER_BLOCK[fmt], 1), np.where(is_dpe, DPE_PIPELINE_STAGES, 0)


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
    valid = _valid_rows(r, d["rows"], d["partition_granularity"], design.supports(fmt)[:, None, None])
    r_safe = np.where(valid, r, 1)
    share = r_safe / d["rows"]

    is_dpe = d["pe_kind"] == _DPE
    cpb, stages = _dpe_terms(is_dpe, fmt)
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
    """Sum of `gemm_costs` over the GEMMs of one kernel, each counted `repeat` times.

    With explicit `rows`, the sum is factored: cycles and SRAM accesses depend only on a design's
    array structure (cols, dataflow, PE kind, DPE width), so they are computed once per distinct
    structure; clock, SRAM size and DRAM bandwidth enter per design. Only the per-GEMM
    max(compute, DRAM) of the latency needs (designs, GEMMs, rows) arrays. Same numbers as
    summing `gemm_costs` (tests/accel/test_cost.py), several times faster on large batches.
    """
    if rows is None:
        return _summed_kernel_costs(design, m, n, k, repeat, fmt, rows, table)
    table = energy_table(design) if table is None else table
    m, n, k = (np.asarray(a, dtype=np.int64) for a in (m, n, k))
    rep = np.asarray(repeat, dtype=np.float64)
    r = np.asarray(rows, dtype=np.int64)
    struct = np.stack([design.cols, design.dataflow, design.pe_kind, design.dpe_width], axis=1)
    uniq, inverse = np.unique(struct, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    cols, dataflow, pe_kind, width = (uniq[:, i][:, None, None] for i in range(4))
    cpb, stages = _dpe_terms(pe_kind == _DPE, fmt)
    r_safe = np.maximum(r, 1)[None, None, :]
    gm, gn, gk = m[None, :, None], n[None, :, None], k[None, :, None]
    cycles = compute_cycles(r_safe, cols, dataflow, gm, gn, gk, width, cpb, stages).astype(np.float64)  # (S, G, R)
    reads, writes = sram_accesses(dataflow, r_safe, cols, gm, gn, gk)
    bits = BITS_PER_ELEMENT[fmt]
    sram_bits = np.einsum("sgr,g->sr", (reads + writes) * float(bits), rep)
    steps = np.einsum("sg,g->s", (gm * gn * -(-gk // width))[:, :, 0].astype(np.float64), rep)
    cycles_sum = np.einsum("sgr,g->sr", cycles, rep)

    bytes_per_elem = bits / 8
    dram_bytes = dram_elements(m[None, :], n[None, :], k[None, :],
                               (design.sram_kb * 1024 / bytes_per_elem)[:, None]) * bytes_per_elem  # (D, G)
    dram_s = dram_bytes / (design.dram_gbps * 1e9)[:, None]
    latency = np.empty((len(design), len(r)))
    for i in range(len(uniq)):  # the only (designs, GEMMs, rows) work: per-GEMM max(compute, DRAM)
        sel = np.flatnonzero(inverse == i)
        compute_s = cycles[i][None, :, :] / (design.freq_mhz[sel] * 1e6)[:, None, None]
        latency[sel] = np.einsum("dgr,g->dr", np.maximum(compute_s, dram_s[sel][:, :, None]), rep)
    rr = r[None, :]
    valid = _valid_rows(rr, design.rows[:, None], design.partition_granularity[:, None], design.supports(fmt)[:, None])
    energy_pj = (steps[inverse][:, None] * table.step_pj[:, fmt][:, None]
                 + sram_bits[inverse] * table.sram_pj_per_bit[:, None]
                 + (dram_bytes @ rep * 8 * table.dram_pj_per_bit)[:, None])
    share = np.maximum(r, 1)[None, :] / design.rows[:, None]
    energy = energy_pj * 1e-12 + table.leakage_w[:, None] * share * latency
    return KernelCosts(latency_s=np.where(valid, latency, np.inf), energy_j=np.where(valid, energy, np.inf),
                       cycles=np.where(valid, cycles_sum[inverse], np.inf))


def _summed_kernel_costs(design: Design, m, n, k, repeat, fmt: int, rows=None,
                         table: EnergyTable | None = None) -> KernelCosts:
    """`kernel_costs` by summing the full per-GEMM costs (the whole array, or the reference)."""
    c = gemm_costs(design, m, n, k, fmt, rows, table)
    rep = np.asarray(repeat, dtype=np.float64)[None, :, None]
    return KernelCosts(
        latency_s=np.sum(c.latency_s * rep, axis=1),
        energy_j=np.sum(c.energy_j * rep, axis=1),
        cycles=np.sum(np.where(c.cycles < 0, np.inf, c.cycles) * rep, axis=1),
    )
