"""`dse sweep`: evaluate a grid or a Latin-hypercube sample of a study's space exhaustively.

Candidates are generated and evaluated chunk by chunk (joblib workers, loky by default, or
Dask through joblib's backend), and each chunk is appended to the Parquet output as it
arrives, so memory stays bounded by the chunks in flight. The same seed gives the same sample
whatever the number of workers or the backend.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from workloads.files import atomic_path

from ..sim.curves import CurveBook
from .evaluate import evaluate
from .space import POLICY_PARAM, _encode, grid_points
from .spec import Dist, StudySpec

CHUNK = 1000  # fixed: chunk boundaries fix the per-chunk seeds, so results do not depend on --n-jobs


def _lhs_column(dist: Dist, n: int, rng: np.random.Generator) -> list:
    if dist.kind == "fixed":
        return [dist.value] * n
    if dist.kind == "categorical":
        return [_encode(dist.choices[i]) for i in rng.integers(0, len(dist.choices), n)]
    u = (rng.permutation(n) + rng.random(n)) / n  # one sample per stratum
    if dist.log:
        values = np.exp(np.log(dist.low) + u * (np.log(dist.high) - np.log(dist.low)))
    else:
        values = dist.low + u * (dist.high - dist.low)
    if dist.kind == "int":
        step = int(dist.step or 1)
        values = dist.low + np.floor((values - dist.low) / step + 0.5) * step
        return [int(min(v, dist.high)) for v in values]
    if dist.step:
        values = dist.low + np.round((values - dist.low) / dist.step) * dist.step
    return [float(v) for v in values]


def sample_chunk(spec: StudySpec, n: int, seed: int) -> list[dict]:
    """n Latin-hypercube candidates (per chunk seed, so chunks are independent and reproducible)."""
    rng = np.random.default_rng(seed)
    policies = list(spec.policies)
    chosen = [policies[i] for i in rng.integers(0, len(policies), n)]
    cols = {f"accel.{k}": _lhs_column(d, n, rng) for k, d in spec.accel.items()}
    for p in policies:
        cols.update({f"{p}.{k}": _lhs_column(d, n, rng) for k, d in spec.policies[p].items()})
    accel = [(k, v) for k, v in cols.items() if k.startswith("accel.")]
    own = {p: [(k, v) for k, v in cols.items() if k.startswith(f"{p}.")] for p in policies}
    out = []
    for i in range(n):
        c = {k: v[i] for k, v in accel}
        c[POLICY_PARAM] = chosen[i]
        c.update({k: v[i] for k, v in own[chosen[i]]})
        out.append(c)
    return out


def chunks(spec: StudySpec, grid: bool, samples: int, seed: int) -> Iterator[tuple[int, Callable[[], list]]]:
    """(index, candidate generator) per chunk; generation happens in the worker."""
    if grid:
        points = grid_points(spec)
        base = {f"accel.{k}": d.value for k, d in spec.accel.items() if d.kind == "fixed"}
        names = list(spec.policies)
        full = []
        for p in points:
            policy = p.get(POLICY_PARAM, names[0])
            fixed = {f"{policy}.{k}": d.value for k, d in spec.policies[policy].items() if d.kind == "fixed"}
            full.append({**base, **fixed, **p, POLICY_PARAM: policy})
        for i in range(0, len(full), CHUNK):
            yield i // CHUNK, (lambda part=full[i:i + CHUNK]: part)
        return
    for i in range(0, samples, CHUNK):
        n = min(CHUNK, samples - i)
        yield i // CHUNK, (lambda n=n, s=seed * 1_000_003 + i // CHUNK: sample_chunk(spec, n, s))


def evaluate_chunk(spec: StudySpec, make: Callable[[], list]) -> pa.Table:
    candidates = make()
    outcomes = evaluate(spec, candidates, CurveBook(spec.proxies))
    rows: dict[str, list] = {"failed": [o.metrics is None for o in outcomes],
                             "fail_reason": [o.reason for o in outcomes]}
    params = sorted({k for c in candidates for k in c})
    metrics = sorted({k for o in outcomes if o.metrics for k in o.metrics})
    for k in params:
        rows[f"param.{k}"] = [None if c.get(k) is None else str(c[k]) for c in candidates]
    for k in metrics:
        rows[f"metric.{k}"] = [o.metrics[k] if o.metrics else None for o in outcomes]
    return pa.table(rows)


def run_sweep(spec: StudySpec, out: str, grid: bool, samples: int, n_jobs: int = 1, backend: str = "loky",
              progress: Callable[[int], None] | None = None) -> int:
    """Evaluate every candidate and write them to `out`; returns the number written."""
    from joblib import Parallel, delayed, parallel_config

    writer = None
    written = 0
    jobs = (delayed(evaluate_chunk)(spec, make) for _, make in chunks(spec, grid, samples, spec.seed))
    with atomic_path(out) as tmp:  # a killed or failed sweep leaves no half-written file
        try:
            # parallel_config registers joblib's Dask backend on first use (Parallel(backend=...) does not)
            with parallel_config(backend=backend), \
                    Parallel(n_jobs=n_jobs, return_as="generator", pre_dispatch="2*n_jobs") as parallel:
                for table in parallel(jobs):
                    if writer is None:
                        schema = table.schema
                        writer = pq.ParquetWriter(tmp, schema)
                    writer.write_table(table.select(schema.names).cast(schema, safe=False))
                    written += table.num_rows
                    if progress:
                        progress(table.num_rows)
        finally:
            if writer is not None:
                writer.close()
        if writer is None:
            pq.write_table(pa.table({"failed": pa.array([], pa.bool_())}), tmp)  # nothing to evaluate
    return written
