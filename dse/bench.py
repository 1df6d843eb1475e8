"""`dse bench`: real measurements on this machine, each against a baseline in the same run.

Sections register in SECTIONS; each returns a flat dict of figures. Nothing here is a test:
figures are printed, never asserted.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from accel import Design, compute_cycles, gemm_costs
from accel.reference import compute_cycles_scalar


def _best_time(fn: Callable[[], object], repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def random_designs(rng: np.random.Generator, n: int) -> Design:
    rows = rng.choice([4, 8, 16, 32, 64, 128], n)
    return Design.from_arrays(
        rows=rows, cols=rng.choice([4, 8, 16, 32, 64, 128], n), partition_granularity=np.ones(n, int),
        precision_modes=np.full(n, 0b111), dataflow=rng.integers(0, 3, n), sram_kb=rng.uniform(32, 1024, n),
        dram_gbps=rng.uniform(25, 400, n), freq_mhz=rng.uniform(200, 1000, n),
        pe_kind=np.ones(n, int), dpe_width=np.full(n, 16))


def bench_accel(pairs: int = 1_000_000, python_pairs: int = 50_000, seed: int = 0) -> dict[str, float]:
    """Cycle-model and full-cost evaluations per second on random (layer, design) pairs."""
    rng = np.random.default_rng(seed)
    m, n, k = (rng.integers(1, 4096, pairs) for _ in range(3))
    rows, cols = rng.choice([4, 8, 16, 32, 128], pairs), rng.choice([4, 8, 16, 32, 128], pairs)
    df = rng.integers(0, 3, pairs)
    cycle_s = _best_time(lambda: compute_cycles(rows, cols, df, m, n, k, 16, 4))

    args = [tuple(int(a[i]) for a in (rows, cols, df, m, n, k)) for i in range(python_pairs)]
    py_s = _best_time(lambda: [compute_cycles_scalar(*a, 16, 4) for a in args], repeats=1)
    check = 1000  # the two implementations must agree before their speeds are compared
    vec = compute_cycles(rows[:check], cols[:check], df[:check], m[:check], n[:check], k[:check], 16, 4)
    if vec.tolist() != [compute_cycles_scalar(*a, 16, 4) for a in args[:check]]:
        raise RuntimeError("vectorized and scalar cycle models disagree")

    n_designs = 1000
    designs = random_designs(rng, n_designs)
    n_layers = pairs // n_designs
    lm, ln, lk = (rng.integers(1, 4096, n_layers) for _ in range(3))
    cost_s = _best_time(lambda: gemm_costs(designs, lm, ln, lk, 1), repeats=2)

    cycle_rate = pairs / cycle_s
    py_rate = python_pairs / py_s
    return {
        "cycle_evals_per_s": cycle_rate,
        "cost_evals_per_s": n_designs * n_layers / cost_s,
        "python_cycle_evals_per_s": py_rate,
        "speedup_vs_python": cycle_rate / py_rate,
    }


SECTIONS: dict[str, Callable[[], dict[str, float]]] = {
    "accel": bench_accel,
}
