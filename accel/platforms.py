"""GPU baseline platforms as rooflines, so GPU-based systems run the same GEMM tables.

A GEMM takes max(2*MACs / (peak * achieved fraction), bytes / bandwidth) plus one kernel
launch; the board draws its mode's power while busy. Peaks are dense FP16 tensor throughput.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Fraction of peak tensor throughput PyTorch reaches on small-batch CNN/ViT layers.
#: Assumption (not calibrated): 0.3, the order reported for batch-1..16 convolution layers.
ACHIEVED_FRACTION_OF_PEAK = 0.3
#: CUDA kernel launch + framework overhead per GEMM, s. Assumption: 5 us.
LAUNCH_OVERHEAD_S = 5e-6
#: Bytes per element on GPUs (FP16 tensors).
GPU_BYTES_PER_ELEMENT = 2.0


@dataclass(frozen=True)
class Platform:
    name: str
    peak_tflops: float  # dense FP16 tensor-core throughput
    dram_gbps: float
    power_w: float
    source: str


PLATFORMS: dict[str, Platform] = {
    # Jetson AGX Orin 64GB: GPU 170 sparse INT8 TOPS at 1.3 GHz = 42.5 dense FP16 TFLOPS
    # (NVIDIA Jetson AGX Orin data sheet); LPDDR5 204.8 GB/s; 60 W mode.
    "orin-high": Platform("orin-high", 42.5, 204.8, 60.0, "Jetson AGX Orin data sheet, 60 W mode"),
    # DaCapo's OrinLow: 30 W mode, GPU capped at 624.8 MHz -> 42.5 * 624.8 / 1300 TFLOPS.
    "orin-low": Platform("orin-low", 42.5 * 624.8 / 1300.0, 204.8, 30.0,
                         "Jetson AGX Orin 30 W mode, GPU at 624.8 MHz (DaCapo Sec. VI)"),
    # GeForce RTX 3090: 71 dense FP16 tensor TFLOPS with FP32 accumulate, 936 GB/s, 350 W
    # (NVIDIA Ampere GA102 whitepaper, Table 9).
    "rtx3090": Platform("rtx3090", 71.0, 936.0, 350.0, "NVIDIA GA102 whitepaper"),
}


def gpu_kernel_costs(platform: Platform, m, n, k, repeat):
    """(latency_s, energy_j) of one kernel run (GEMMs back to back) on a GPU platform."""
    m, n, k, repeat = (np.asarray(a, dtype=np.float64) for a in (m, n, k, repeat))
    flops = 2 * m * n * k
    compute_s = flops / (platform.peak_tflops * 1e12 * ACHIEVED_FRACTION_OF_PEAK)
    bytes_moved = (m * k + k * n + m * n) * GPU_BYTES_PER_ELEMENT
    memory_s = bytes_moved / (platform.dram_gbps * 1e9)
    latency_s = float(np.sum((np.maximum(compute_s, memory_s) + LAUNCH_OVERHEAD_S) * repeat))
    return latency_s, latency_s * platform.power_w
