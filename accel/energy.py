"""Area, power and the per-action energy table of a design batch (Accelergy's split).

`energy_table(design)` is built once per batch; costs are then action counts x this table
(`accel.cost`). Every number comes from `accel.constants`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import constants as K
from .design import PE_KINDS, Design
from .formats import DPE_CYCLES_PER_BLOCK, DPE_SLICE_BITS, FORMAT_NAMES, FORMATS

_MANTISSA = np.array([FORMATS[n].mantissa_bits for n in FORMAT_NAMES])
_STORAGE_BITS = np.array([FORMATS[n].bits_per_element for n in FORMAT_NAMES])
_NEEDS_ALIGN = np.array([not FORMATS[n].block_scaled for n in FORMAT_NAMES])
_DPE = PE_KINDS.index("dpe")

_A = K.AREA_SCALE_45_TO_28
_E = K.ENERGY_SCALE_45_TO_28


def _adder_um2(bits):
    return K.INT8_ADD_UM2_45 * np.asarray(bits) / 8 * _A


def _adder_pj(bits):
    return K.INT8_ADD_PJ_45 * np.asarray(bits) / 8 * _E


def _mult_um2(bits):
    return K.INT8_MULT_UM2_45 * (np.asarray(bits) / 8) ** 2 * _A


def _mult_pj(bits):
    return K.INT8_MULT_PJ_45 * (np.asarray(bits) / 8) ** 2 * _E


def _supported(design: Design) -> np.ndarray:
    """(D, F) boolean: candidate d supports format f."""
    return (design.precision_modes[:, None] >> np.arange(len(FORMAT_NAMES))) & 1 == 1


@dataclass(frozen=True)
class AreaBreakdown:
    pe_um2: np.ndarray  # one PE's datapath, um^2
    array_mm2: np.ndarray
    uncore_mm2: np.ndarray
    sram_mm2: np.ndarray

    @property
    def total_mm2(self) -> np.ndarray:
        return self.array_mm2 + self.uncore_mm2 + self.sram_mm2


def _register_bits(design: Design, supported: np.ndarray) -> np.ndarray:
    widest = np.max(np.where(supported, _STORAGE_BITS, 0), axis=1)
    return 2 * design.dpe_width * np.ceil(widest) + 32


def area_breakdown(design: Design) -> AreaBreakdown:
    """Area of each candidate, by component (28 nm)."""
    sup = _supported(design)
    b = design.dpe_width.astype(float)
    is_dpe = design.pe_kind == _DPE
    multipass = np.any(sup & (DPE_CYCLES_PER_BLOCK > 1), axis=1)
    aligners = np.any(sup & _NEEDS_ALIGN, axis=1)
    flops = _register_bits(design, sup) * K.DFF_UM2_45 * _A
    dpe = (b * _mult_um2(DPE_SLICE_BITS) + (b - 1) * _adder_um2(K.DPE_TREE_ADDER_BITS)
           + multipass * _adder_um2(K.DPE_COMBINE_ADDER_BITS)
           + aligners * b * 2 * _adder_um2(8)  # exponent difference + shift per lane
           + K.FP32_ADD_UM2_45 * _A + _adder_um2(8) + flops)
    widest_mantissa = np.max(np.where(sup, _MANTISSA, 0), axis=1)
    mac_float = aligners * (K.FP16_MULT_UM2_45 + K.FP32_ADD_UM2_45) * _A
    mac_int = _mult_um2(widest_mantissa) + K.INT32_ADD_UM2_45 * _A
    mac = np.maximum(mac_float, mac_int) + flops
    pe = np.where(is_dpe, dpe, mac)
    array_mm2 = design.rows * design.cols * pe * 1e-6
    sram_mm2 = design.sram_kb * 8192 * K.SRAM_BITCELL_UM2_28 / K.SRAM_ARRAY_EFFICIENCY * 1e-6
    return AreaBreakdown(pe, array_mm2, array_mm2 * K.UNCORE_AREA_PER_PE_AREA, sram_mm2)


def area_mm2(design: Design) -> np.ndarray:
    return area_breakdown(design).total_mm2


@dataclass(frozen=True)
class EnergyTable:
    """Energy per action for each candidate (Accelergy's ERT), built once per batch.

    step_pj[d, f]     one PE step in format f (a B-element block on a DPE, a MAC otherwise)
    sram_pj_per_bit   one bit read from or written to on-chip SRAM
    dram_pj_per_bit   one bit moved to or from DRAM
    leakage_w         static power of the whole chip
    """

    step_pj: np.ndarray
    sram_pj_per_bit: np.ndarray
    dram_pj_per_bit: float
    leakage_w: np.ndarray


def energy_table(design: Design) -> EnergyTable:
    sup = _supported(design)
    b = design.dpe_width.astype(float)[:, None]
    cpb = DPE_CYCLES_PER_BLOCK[None, :]
    regs_pj = _register_bits(design, sup)[:, None] * K.DFF_PJ_45 * _E
    lane_cycle = b * _mult_pj(DPE_SLICE_BITS) + (b - 1) * _adder_pj(K.DPE_TREE_ADDER_BITS) + regs_pj
    combine = np.where(cpb > 1, cpb * _adder_pj(K.DPE_COMBINE_ADDER_BITS), 0.0)
    align = np.where(_NEEDS_ALIGN[None, :], b * 2 * _adder_pj(8), 0.0)
    dpe_step = cpb * lane_cycle + combine + align + K.FP32_ADD_PJ_45 * _E + _adder_pj(8)
    mac_float = (K.FP16_MULT_PJ_45 + K.FP32_ADD_PJ_45) * _E
    mac_int = _mult_pj(_MANTISSA)[None, :] + K.INT32_ADD_PJ_45 * _E
    mac_step = np.where(_NEEDS_ALIGN[None, :], mac_float, mac_int) + regs_pj
    step = np.where((design.pe_kind == _DPE)[:, None], dpe_step, mac_step)
    step = np.where(sup, step * K.DYNAMIC_ENERGY_CALIBRATION, np.nan)  # unsupported: cannot run
    buffer_kb = design.sram_kb / 2  # two operand buffers
    sram_bit = (K.SRAM_PJ_PER_BIT_8KB_45 * np.sqrt(buffer_kb / K.SRAM_REFERENCE_KB) * _E
                * K.DYNAMIC_ENERGY_CALIBRATION)
    leakage = area_mm2(design) * K.LEAKAGE_W_PER_MM2
    return EnergyTable(step, sram_bit, K.DRAM_PJ_PER_BIT, leakage)


def peak_power_w(design: Design) -> np.ndarray:
    """Power with every PE busy every cycle, in the most power-hungry supported format.

    Dynamic: each PE step's energy spread over its cycles, plus the SRAM reads that feed the
    array edges (R + C operand vectors of B elements per step), plus leakage.
    """
    table = energy_table(design)
    cpb = DPE_CYCLES_PER_BLOCK[None, :]
    is_dpe = (design.pe_kind == _DPE)[:, None]
    cycles_per_step = np.where(is_dpe, cpb, 1)
    pe_w = design.rows[:, None] * design.cols[:, None] * table.step_pj / cycles_per_step
    edge_bits = (design.rows + design.cols)[:, None] * design.dpe_width[:, None] * _STORAGE_BITS[None, :]
    sram_w = edge_bits / cycles_per_step * table.sram_pj_per_bit[:, None]
    dynamic = np.nanmax(pe_w + sram_w, axis=1) * design.freq_mhz * 1e6 * 1e-12
    return dynamic + table.leakage_w


def power_w(design: Design) -> np.ndarray:
    """The design's power figure: its peak power (what a power budget constrains)."""
    return peak_power_w(design)

