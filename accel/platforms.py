"""GPU baseline platforms, so GPU-based systems run the same workloads.

Where a kernel was measured on the platform, the measurement is used (`MEASURED_S`); otherwise
a roofline: a GEMM takes max(2*MACs / (peak * achieved fraction), bytes / bandwidth) plus one
kernel launch. The board draws its mode's power while busy. Peaks are dense FP16 tensor
throughput.
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


#: Measured seconds per item on Jetson AGX Orin, from the DaCapo artifact's profiles
#: (github.com/yoonsung-kim/DaCapo.artifacts, orin-baseline/ekya_orin/profile/{default,30W}-
#: {student,teacher}.csv, commit 9810af5): student inference per frame (batch 1), teacher
#: labeling per sample (batch 1), student training per sample (measured per batch of 32).
#: Keys: (model, phase) with phase in inference / labeling / training.
MEASURED_S: dict[str, dict[tuple[str, str], float]] = {
    "orin-high": {  # default (60 W) mode
        ("resnet18", "inference"): 0.0171311855316162, ("resnet18", "training"): 0.0824962168668223 / 32,
        ("resnet34", "inference"): 0.0262953744994269, ("resnet34", "training"): 0.12036359415645 / 32,
        ("vit_b_32", "inference"): 0.0204587282737096, ("vit_b_32", "training"): 0.155383597433039 / 32,
        ("wide_resnet50_2", "labeling"): 0.0476600420475006, ("wide_resnet101_2", "labeling"): 0.100756496124797,
        ("vit_b_16", "labeling"): 0.0208406213919321,
    },
    "orin-low": {  # 30 W mode
        ("resnet18", "inference"): 0.022294915318489074, ("resnet18", "training"): 0.18920409573917896 / 32,
        ("resnet34", "inference"): 0.03243721610969967, ("resnet34", "training"): 0.2791436794584831 / 32,
        ("vit_b_32", "inference"): 0.024347580936219956, ("vit_b_32", "training"): 0.37805186752724435 / 32,
        ("wide_resnet50_2", "labeling"): 0.059179823795954385, ("wide_resnet101_2", "labeling"): 0.12472290138403574,
        ("vit_b_16", "labeling"): 0.028365324404504563,
    },
}


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


def measured_seconds(platform: Platform, model: str, phase: str) -> float | None:
    """Measured seconds per item of a kernel on `platform`, if the artifact measured it."""
    return MEASURED_S.get(platform.name, {}).get((model, phase))
