"""Accelerator model: designs, exact cycles, memory traffic, energy, area and power.

Knows nothing about Optuna, allocation policies or accuracy.
"""

from .cost import GemmCosts, KernelCosts, gemm_costs, kernel_costs
from .cycles import compute_cycles, folds, spatio_temporal
from .design import DATAFLOWS, FIELD_NAMES, PE_KINDS, PRESETS, Design, load_design
from .energy import area_breakdown, area_mm2, energy_table, peak_power_w, power_w
from .errors import AccelError
from .formats import FORMAT_NAMES, FORMATS, format_index
from .platforms import PLATFORMS, Platform, gpu_kernel_costs

__all__ = [
    "AccelError", "DATAFLOWS", "Design", "FIELD_NAMES", "FORMATS", "FORMAT_NAMES", "GemmCosts",
    "KernelCosts", "PE_KINDS", "PLATFORMS", "PRESETS", "Platform", "area_breakdown", "area_mm2",
    "compute_cycles", "energy_table", "folds", "format_index", "gemm_costs",
    "gpu_kernel_costs", "kernel_costs", "load_design", "peak_power_w", "power_w", "spatio_temporal",
]
