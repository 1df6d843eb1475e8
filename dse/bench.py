"""`dse bench`: real measurements on this machine, each against a baseline in the same run.

Sections register in SECTIONS; each returns a flat dict of figures. Nothing here is a test:
figures are printed, never asserted.
"""

from __future__ import annotations

import contextlib
import functools
import pathlib
import time
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from accel import FIELD_NAMES, Design, compute_cycles, gemm_costs, kernel_costs
from accel.reference import compute_cycles_scalar

#: Where dse's packages are (a checkout, or site-packages): the timed processes load dse from here.
_ROOT = pathlib.Path(__file__).resolve().parents[1]


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
    check = min(1000, python_pairs)  # the two implementations must agree before their speeds are compared
    vec = compute_cycles(rows[:check], cols[:check], df[:check], m[:check], n[:check], k[:check], 16, 4)
    if vec.tolist() != [compute_cycles_scalar(*a, 16, 4) for a in args[:check]]:
        raise RuntimeError("vectorized and scalar cycle models disagree")

    n_designs = 1000
    designs = random_designs(rng, n_designs)
    n_layers = pairs // n_designs
    lm, ln, lk = (rng.integers(1, 4096, n_layers) for _ in range(3))
    cost_s = _best_time(lambda: gemm_costs(designs, lm, ln, lk, 1), repeats=2)

    # a kernel's table over every sub-array size (what the simulator reads): factored vs summed
    from accel.cost import _summed_kernel_costs
    from workloads.zoo import kernel

    dpe = random_dpe_designs(rng, 2000)
    dpe = Design.from_arrays(**{f: getattr(dpe, f) for f in FIELD_NAMES if f != "freq_mhz"},
                             freq_mhz=rng.uniform(300.0, 900.0, len(dpe)))  # every design distinct
    g = kernel("wide_resnet50_2", "labeling", 1).gemms
    table_rows = np.arange(1, 33)
    table_s = _best_time(lambda: kernel_costs(dpe, g.m, g.n, g.k, g.repeat, 1, table_rows), repeats=2)
    summed_s = _best_time(lambda: _summed_kernel_costs(dpe.take(np.arange(200)), g.m, g.n, g.k, g.repeat, 1,
                                                       table_rows), repeats=1)

    cycle_rate = pairs / cycle_s
    py_rate = python_pairs / py_s
    return {
        "cycle_evals_per_s": cycle_rate,
        "cost_evals_per_s": n_designs * n_layers / cost_s,
        "python_cycle_evals_per_s": py_rate,
        "speedup_vs_python": cycle_rate / py_rate,
        "kernel_table_designs_per_s": len(dpe) / table_s,
        "kernel_table_speedup_vs_summed": (len(dpe) / table_s) / (200 / summed_s),
    }


def random_dpe_designs(rng: np.random.Generator, n: int) -> Design:
    """DaCapo-like candidates: DPE arrays of varied size, memory and clock."""
    return Design.from_arrays(
        rows=rng.choice([8, 12, 16, 24, 32], n), cols=rng.choice([8, 16, 32], n), partition_granularity=np.ones(n, int),
        precision_modes=np.full(n, 0b111), dataflow=np.zeros(n, int), sram_kb=rng.choice([64.0, 96.0, 192.0], n),
        dram_gbps=rng.choice([51.2, 102.4, 204.8], n), freq_mhz=rng.choice([400.0, 500.0, 800.0], n),
        pe_kind=np.ones(n, int), dpe_width=np.full(n, 16))


def bench_cl(candidates: int = 20_000, one_at_a_time: int = 20, reference: int = 2_000, seed: int = 0
             ) -> dict[str, float]:
    """Full candidates per second: kernel costs + dacapo-spatiotemporal over S1-S6 x 14 windows,
    with the default engine; baselines: one candidate at a time, and the NumPy reference engine."""
    from .sim import engine
    from .sim.costs import accel_pair_costs
    from .sim.curves import CurveBook
    from .sim.policies import POLICIES
    from .sim.simulate import simulate

    rng = np.random.default_rng(seed)
    designs = random_dpe_designs(rng, candidates)
    book = CurveBook()
    scenarios = ("S1", "S2", "S3", "S4", "S5", "S6")
    policy = POLICIES["dacapo-spatiotemporal"]
    pair = ("resnet18", "wide_resnet50_2")
    needs = policy.kernel_formats({})  # the cost tables a study computes for this policy

    def run(d: Design, engine_choice: str | None = None):
        return simulate(accel_pair_costs(d, *pair, needs=needs), policy, None, *pair, scenarios, book,
                        engine=engine_choice)

    run(designs.take([0]))  # warm: scenarios, curves, the compiled engine
    batch_s = _best_time(lambda: run(designs))  # best of 3, like timeit: this machine's noise is +-5%
    single_s = _best_time(lambda: [run(designs.take([i])) for i in range(one_at_a_time)])
    default = engine.engine_name()
    numpy_s = _best_time(lambda: run(designs.take(np.arange(reference)), "numpy"), repeats=1)
    rate = candidates / batch_s
    keys = np.stack([designs.rows, designs.cols, designs.sram_kb, designs.dram_gbps, designs.freq_mhz], axis=1)
    return {"cl_candidates_per_s": rate, "cl_one_at_a_time_per_s": one_at_a_time / single_s,
            "cl_speedup_vs_one_at_a_time": rate / (one_at_a_time / single_s),
            "cl_numpy_engine_candidates_per_s": reference / numpy_s,
            "cl_engine_is_compiled": float(default == "numba"),
            "cl_distinct_designs": float(len(np.unique(keys, axis=0)))}


def bench_studies(n_trials: int = 10_000, sweep_samples: int = 60_000,
                  quality_trials: int = 2000) -> dict[str, float]:
    """Study overhead vs a bare ask/tell loop, sweep throughput and scaling, search quality."""
    import tempfile

    import optuna

    from .search import study as st
    from .search.quality import sweep_hypervolume
    from .search.samplers import make_sampler
    from .search.space import suggest
    from .search.spec import load_spec
    from .search.storage import open_storage
    from .search.sweep import run_sweep

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        spec = load_spec("quick")
        bare = optuna.create_study(storage=open_storage(f"{tmp}/bare.journal", create=True),
                                   directions=spec.directions, sampler=make_sampler(spec, spec.seed))

        def bare_loop():
            for _ in range(n_trials):
                trial = bare.ask()
                suggest(trial, spec)
                bare.tell(trial, [0.0] * len(spec.objectives))  # trivial objective, same space

        def study_loop():
            st.create(spec, f"{tmp}/study.journal", n_trials)
            st.run(spec.name, f"{tmp}/study.journal")

        bare_s, study_s = _best_time(bare_loop, 1), _best_time(study_loop, 1)
        out.update({"study_overhead_ratio": study_s / bare_s, "study_trials_per_s": n_trials / study_s,
                    "bare_trials_per_s": n_trials / bare_s})

        # warm both: the compiled engine's cache and joblib's reusable pool of 2 worker processes
        # (starting them is a one-off ~1 s that a sweep of this size would otherwise be charged)
        run_sweep(spec, f"{tmp}/w1.parquet", False, 2000, 1)
        run_sweep(spec, f"{tmp}/w2.parquet", False, 4000, 2)
        sweep_one = _best_time(lambda: run_sweep(spec, f"{tmp}/s1.parquet", False, sweep_samples, 1), 1)
        sweep_two = _best_time(lambda: run_sweep(spec, f"{tmp}/s2.parquet", False, sweep_samples, 2), 1)
        out.update({"sweep_candidates_per_s": sweep_samples / sweep_one, "sweep_speedup_2_jobs": sweep_one / sweep_two})

        small = load_spec("dacapo-open-small")
        run_sweep(small, f"{tmp}/grid.parquet", True, 0, 2)
        exhaustive = sweep_hypervolume(f"{tmp}/grid.parquet", small)
        st.create(small, f"{tmp}/q.journal", quality_trials)
        st.run(small.name, f"{tmp}/q.journal")
        _, reached = st.front(st.load(small.name, f"{tmp}/q.journal"), small)
        out.update({"hypervolume_fraction": reached / exhaustive if exhaustive > 0 else float("nan"),
                    "hypervolume_exhaustive": exhaustive})
    return out


def synthetic_study(journal: str, n_trials: int, seed: int = 0) -> str:
    """A `quick`-shaped study with n completed trials, added in bulk (no sampling or simulation):
    parameters drawn at random, metrics from a smooth stand-in, enough to time reporting."""
    import optuna

    from .search import study as st
    from .search.spec import load_spec

    spec = load_spec("quick")
    st.create(spec, journal, n_trials)
    study = st.load(spec.name, journal)
    rng = np.random.default_rng(seed)
    dists = {"accel.rows": optuna.distributions.IntDistribution(8, 32, step=4),
             "accel.freq_mhz": optuna.distributions.FloatDistribution(300.0, 800.0)}
    trials = []
    for _ in range(n_trials):
        rows, freq = int(rng.integers(2, 9) * 4), float(rng.uniform(300, 800))
        acc = 70 + 15 * (1 - np.exp(-rows * freq / 8000)) + rng.normal(0, 0.5)
        power, area = 0.05 * rows * freq / 500, 0.15 * rows
        metrics = {"accuracy_pct": acc, "avg_power_w": power, "area_mm2": area, "dropped_fraction": 0.0,
                   "peak_power_w": 2 * power, "energy_per_frame_j": power / 30}
        trials.append(optuna.trial.create_trial(
            params={"accel.rows": rows, "accel.freq_mhz": freq}, distributions=dists, values=[acc, power, area],
            user_attrs={"metrics": metrics},
            system_attrs={"constraints:dropped_fraction": 0.0, "constraints:area_mm2": area - 6.0}))
    study.add_trials(trials)
    return spec.name


def bench_reports(n_trials: int = 20_000) -> dict[str, float]:
    """Time to write the full report (every file) of an n-trial study."""
    import tempfile

    from .reports import gather, write_report

    with tempfile.TemporaryDirectory() as tmp:
        name = synthetic_study(f"{tmp}/r.journal", n_trials)
        seconds = _best_time(lambda: write_report(gather(name, f"{tmp}/r.journal"), f"{tmp}/out"), 1)
    return {"report_trials": float(n_trials), "report_seconds": seconds}


@functools.cache
def _bytecode_compiled() -> None:
    """Byte-compile dse's packages where the timed processes (workers, commands) load them from,
    once, as `pip install` does for an installed copy. Run from a checkout under
    PYTHONDONTWRITEBYTECODE (set on this machine), every process compiled them from source again:
    0.13 s of each worker's start, which an installed worker never pays."""
    import compileall

    for package in ("dse", "accel", "workloads"):
        compileall.compile_dir(str(_ROOT / package), quiet=2)  # a read-only tree: left as it is


def steady_rate(completions_s: Sequence[float]) -> float:
    """Completions per second over the middle 80% of `completions_s` (times, any order): a fleet's
    throughput once it runs, without the processes' start and first batch before it or the last
    batches after it (fixed costs, reported apart), as pgbench reports its rate without the time
    to connect. NaN for fewer than four completions."""
    done = sorted(completions_s)
    lo, hi = len(done) // 10, len(done) * 9 // 10 - 1  # the 10th and the 90th percentile completions
    if hi - lo < 2:
        return float("nan")
    return (hi - lo) / max(done[hi] - done[lo], 1e-9)  # hi - lo intervals between them


class FleetRates(NamedTuple):
    steady: float  # trials/s, `steady_rate`
    whole: float  # trials/s from launching the processes to the last one's exit


def _timed_workers(spec_path: str, storage: str, n_trials: int, workers: int) -> FleetRates:
    """Trials/s of `workers` `dse worker` processes sharing one study of n_trials: in steady state
    (`steady_rate` of the trials' completion times), and over the whole run (from launching the
    processes to the last one's exit: Python's start and the last stragglers included)."""
    import os
    import subprocess
    import sys
    import time

    from .search import study as st
    from .search.spec import load_spec

    spec = load_spec(spec_path)
    st.create(spec, storage, n_trials)
    _bytecode_compiled()
    env = {**os.environ, "PYTHONPATH": str(_ROOT)}
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "dse", "worker", spec.name, "--storage", storage], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(workers)]
    for p in procs:
        p.wait()
    seconds = time.perf_counter() - start
    trials = st.load(spec.name, storage).get_trials(deepcopy=False)
    steady = steady_rate([t.datetime_complete.timestamp() for t in trials if t.datetime_complete is not None])
    st.delete(spec.name, storage)
    return FleetRates(steady, n_trials / seconds)


#: A Python process that scans a list of small dicts, as a sampler scans its trials (~1.5 s).
_SCANNER = ("objs = [{'g': i % 60, 'a': float(i), 'b': [i]} for i in range(200_000)]\n"
            "for _ in range(25):\n    sum(o.get('g', -1) for o in objs)")


def _scanners_per_s(n: int) -> float:
    """Scanner processes (`_SCANNER`) finished per second by `n` running at once: two over one
    is what two busy Python processes gain on this machine at that moment (its cores share caches
    and memory, and a shared host slows them at times). A worker fleet can gain more: one worker
    also waits for its writes, which a second fills."""
    import subprocess
    import sys

    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", _SCANNER]) for _ in range(n)]
    for p in procs:
        p.wait()
    return n / (time.perf_counter() - start)


def _synthetic_folder(folder, studies: int, trials: int) -> str:
    """A journal folder of `studies` synthetic `quick` studies of `trials` trials each: one built
    with `synthetic_study`, the others copies of its journal under their own names."""
    from .search.journal import _decode, encode

    folder = pathlib.Path(folder)
    storage = str(folder) + "/"
    name = synthetic_study(storage, trials)
    source = (folder / f"{name}.journal").read_bytes().splitlines(keepends=True)
    for i in range(1, studies):
        copy = f"{name}-{i}"
        lines = []
        for line in source:
            logs = _decode(line)
            if logs and logs[0]["op_code"] == 0:  # CREATE_STUDY: the copy's own name
                line = encode([{**logs[0], "study_name": copy}])
            lines.append(line)
        (folder / f"{copy}.journal").write_bytes(b"".join(lines))
    return name


def bench_storage(studies: int = 50, trials: int = 2000, open_trials: int = 500, pg_trials: int = 10_000,
                  pg_repeats: int = 3, with_postgres: bool = True,
                  pg_studies: tuple[str, ...] = ("quick", "dacapo-open"), postgres_url: str | None = None,
                  notify: Callable[[str], None] | None = None) -> dict[str, float]:
    """The embedded journal as work accumulates, and PostgreSQL with workers:

    * status_s_100k: `dse study status` (in process, and as a command) of one 2,000-trial study
      in a folder holding `studies` x `trials` trials in all;
    * journal_bytes_per_trial: the journal of a dacapo-open study, per trial;
    * pg_trials_per_s_N: the throughput of N `dse worker` processes sharing a study of
      `pg_trials` trials, the first of `pg_studies` (quick), on a local PostgreSQL: completed
      trials/s in steady state (`steady_rate`; best of `pg_repeats`; `pg_study_trials`: the
      study's size);
      pg_whole_trials_per_s_N: over the whole run, each worker's start and the last batches
      included (on 10,000 trials a worker's ~1 s start is a tenth of a one-worker run and a
      fifth of a two-worker one, see docs/scaling.md);
      pg_2_over_1, pg_whole_2_over_1: two workers over one;
      the same for the other studies, named (pg_dacapo_open_trials_per_s_N, ...): a costlier
      trial, over which a worker's fixed start and the database's share weigh less;
      pg_worker_start_s: what a worker's start costs (a worker that runs one trial);
      machine_2_over_1: two CPU-bound Python processes over one, measured between the fleets;
      pg_statements_per_trial: SQL statements per trial;
      on `postgres_url`'s server, else a throw-away local one (see `bench_workers`)."""
    import os
    import subprocess
    import sys
    import tempfile
    import time

    from .search import study as st
    from .search.spec import load_spec

    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        name = _synthetic_folder(f"{tmp}/many", studies, trials)
        storage = f"{tmp}/many/"
        out["storage_trials_in_folder"] = float(studies * trials)
        out["status_s_100k"] = _best_time(lambda: st.status(name, storage), 3)
        cli = [sys.executable, "-m", "dse", "study", "status", name, "--storage", storage]
        _bytecode_compiled()
        start = time.perf_counter()
        subprocess.run(cli, check=True, capture_output=True)
        out["status_command_s_100k"] = time.perf_counter() - start
        spec = load_spec("dacapo-open")
        st.create(spec, f"{tmp}/open/", open_trials)
        st.run(spec.name, f"{tmp}/open/")
        out["journal_bytes_per_trial"] = os.path.getsize(f"{tmp}/open/{spec.name}.journal") / open_trials
    if with_postgres:
        pg = bench_workers(pg_trials, journal=False, repeats=pg_repeats, studies=pg_studies,
                           postgres_url=postgres_url, notify=notify)
        if "postgres_unavailable" in pg:
            return {**out, "postgres_unavailable": 1.0}
        out["pg_study_trials"] = float(pg_trials)
        for k in range(len(pg_studies)):
            tag = _study_key(pg_studies, k)
            rates = {}
            for j in (1, 2, 4):
                for kind in ("", "whole_"):
                    rates[kind, j] = pg.get(f"postgres_{tag}{kind}trials_per_s_{j}_workers", float("nan"))
                    out[f"pg_{tag}{kind}trials_per_s_{j}"] = rates[kind, j]
            for kind in ("", "whole_"):
                out[f"pg_{tag}{kind}2_over_1"] = rates[kind, 2] / rates[kind, 1]
        out["pg_worker_start_s"] = pg.get("postgres_worker_start_s", float("nan"))
        out["machine_2_over_1"] = pg.get("machine_scanners_per_s_2", float("nan")) / \
            pg.get("machine_scanners_per_s_1", float("nan"))
        out["pg_statements_per_trial"] = pg.get("postgres_statements_per_trial", float("nan"))
    return out


@contextlib.contextmanager
def _fresh_databases(url: str, field: str = "--postgres-url"):
    """Yields a function that creates an empty database on `url`'s server and returns its URL;
    all are dropped at the end. Each fleet gets its own, so none runs on the tables and indexes
    the previous fleets' deleted studies left bloated, or beside their autovacuum. A server that
    cannot be used (no driver, unreachable, no right to create databases) is one DseError naming
    `field`: where the URL came from."""
    import sqlalchemy

    from .errors import DseError

    def unusable(err: Exception) -> DseError:
        first = (str(err).splitlines() or [""])[0]
        return DseError(field, f"cannot create databases on {url}: {type(err).__name__}: {first}")

    made: list[str] = []
    try:
        admin = sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT")
        admin.connect().close()
    except Exception as err:  # a bad URL, its driver not installed, the server unreachable
        raise unusable(err) from None

    def fresh() -> str:
        name = f"dse_bench_{len(made)}"
        try:
            with admin.connect() as conn:
                conn.execute(sqlalchemy.text(f"DROP DATABASE IF EXISTS {name}"))
                conn.execute(sqlalchemy.text(f"CREATE DATABASE {name}"))
        except sqlalchemy.exc.SQLAlchemyError as err:  # unreachable, or no right to create databases
            raise unusable(err) from None
        made.append(name)
        return admin.url.set(database=name).render_as_string(hide_password=False)

    try:
        yield fresh
    finally:
        if made:
            with admin.connect() as conn:
                for name in made:
                    conn.execute(sqlalchemy.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def _study_key(studies: tuple[str, ...], k: int) -> str:
    """The part of a fleet figure's key that names its study: none for the first (the headline),
    "dacapo_open_" for dacapo-open after it."""
    return "" if k == 0 else studies[k].replace("-", "_") + "_"


def bench_workers(n_trials: int = 1000, journal: bool = True, repeats: int = 1,
                  studies: tuple[str, ...] = ("quick",), postgres_url: str | None = None,
                  notify: Callable[[str], None] | None = None) -> dict[str, float]:
    """Completed trials/s for 1, 2 and 4 worker processes on journal storage and on PostgreSQL
    (in steady state, and `whole_` over the whole run: see `_timed_workers`), and the SQL
    statements one trial costs on PostgreSQL. With `repeats` > 1 the fleet sizes take turns (1, 2,
    4, 1, 2, 4, ...) and each figure is the best of its runs: on a shared machine a run is only ever
    slowed by others, never sped up. `studies`: the shipped studies the fleets run, in turn within
    each repeat; the keys of each study after the first carry its name
    (`postgres_dacapo_open_trials_per_s_2_workers`).
    The server: `postgres_url`'s (each fleet creates and drops a database `dse_bench_N` on it),
    else a throw-away one on port 55433 (`postgres_local`); without one, `postgres_unavailable`
    is 1 and `notify` hears why."""
    import tempfile

    from .search import postgres_local

    out: dict[str, float] = {}

    def fleets(storage_of, prefix: str) -> None:
        for _ in range(repeats):
            for k, study in enumerate(studies):
                tag = f"{prefix}_{_study_key(studies, k)}"
                for j in (1, 2, 4):
                    steady, whole = _timed_workers(study, storage_of(j), n_trials, j)
                    for key, value in ((f"{tag}trials_per_s_{j}_workers", steady),
                                       (f"{tag}whole_trials_per_s_{j}_workers", whole)):
                        out[key] = max(out.get(key, 0.0), value)
            for n in (1, 2):
                out[f"machine_scanners_per_s_{n}"] = max(out.get(f"machine_scanners_per_s_{n}", 0.0),
                                                         _scanners_per_s(n))

    if postgres_url:
        server, field = contextlib.nullcontext(postgres_url), "--postgres-url"
    else:
        server, field = postgres_local.throwaway(55433), "the bench's own PostgreSQL server (port 55433)"
    try:  # first: a server that cannot be used is reported in seconds, not after the journal fleets
        with server as url, _fresh_databases(url, field) as fresh:
            fleets(lambda j: fresh(), "postgres")
            start_study = fresh()
            out["postgres_worker_start_s"] = min(1.0 / _timed_workers("quick", start_study, 1, 1).whole
                                                 for _ in range(repeats))
            out["postgres_statements_per_trial"] = _statements_per_trial(fresh(), 200)
    except postgres_local.Unavailable as err:
        out["postgres_unavailable"] = 1.0
        if notify:
            notify(f"no PostgreSQL figures: {err}")
    if journal:
        with tempfile.TemporaryDirectory() as tmp:
            fleets(lambda j: f"{tmp}/w{j}/", "journal")
    return out


def _statements_per_trial(url: str, n_trials: int) -> float:
    """SQL statements a `quick` study of n_trials on `url` sends, per trial (counted on every engine)."""
    import sqlalchemy

    from .search import study as st
    from .search.spec import load_spec

    spec = load_spec("quick")
    st.create(spec, url, n_trials)
    statements = [0]

    def count(*_):
        statements[0] += 1

    sqlalchemy.event.listen(sqlalchemy.engine.Engine, "before_cursor_execute", count)
    try:
        st.run(spec.name, url)
    finally:
        sqlalchemy.event.remove(sqlalchemy.engine.Engine, "before_cursor_execute", count)
    return statements[0] / n_trials


def bench_uncertainty(n_trials: int = 300, draws: int = 50, reproduce_draws: int = 200) -> dict[str, float]:
    """What uncertainty draws cost: a `quick` study with 50 draws per candidate against the same
    study without (same process, same trials), and `dse reproduce dacapo --uncertainty 200`."""
    import tempfile

    from .reports.reproduce import figure9
    from .search import study as st
    from .search.spec import load_spec
    from .sim.uncertainty import Draws

    spec = load_spec("quick")
    with tempfile.TemporaryDirectory() as tmp:
        def study(uncertainty: int, tag: str) -> None:
            st.create(spec, f"{tmp}/{tag}.journal", n_trials, uncertainty)
            st.run(spec.name, f"{tmp}/{tag}.journal")

        study(0, "warm")  # the compiled engine, scenarios, curves
        plain_s = _best_time(lambda: study(0, "plain"), 1)
        drawn_s = _best_time(lambda: study(draws, "drawn"), 1)
        figure9(True, pairs=("resnet18-wrn50",), draws=Draws.sample(2, 0))  # warm the drawn path
        sample = Draws.sample(reproduce_draws, 0)
        reproduce_s = _best_time(lambda: (figure9(True, draws=sample), figure9(False, draws=sample)), 1)
    return {"study_trials": float(n_trials), "study_draws": float(draws), "study_plain_s": plain_s,
            "study_with_draws_s": drawn_s, "study_draws_cost_ratio": drawn_s / plain_s,
            "reproduce_draws": float(reproduce_draws), "reproduce_with_draws_s": reproduce_s}


def bench_search(spec_name: str = "dacapo-open", samplers: tuple[str, ...] | None = None, seeds: int = 10,
                 n_trials: int = 5000, reference_samples: int = 1_000_000, equal_time_seeds: int = 3,
                 n_jobs: int = 2, out: str | None = None, notify: Callable[[str], None] | None = None) -> dict:
    """Evidence that the search pays off (`dse.search.evidence.search_evidence`), on dacapo-open
    by default: samplers x seeds against a 10^6-candidate sweep front, joint against sequential
    co-design, and a study against a sweep of equal wall time. `out`: also write its Parquet
    files and report page there. `notify` hears which default samplers this install lacks."""
    import tempfile

    from .search.evidence import default_samplers, search_evidence
    from .search.spec import load_spec

    spec = load_spec(spec_name)
    runnable, left_out = default_samplers()
    if left_out and not samplers and notify:
        notify(left_out)
    with tempfile.TemporaryDirectory() as tmp:
        evidence = search_evidence(spec, list(samplers or runnable), seeds, n_trials,
                                   f"{tmp}/reference.parquet", reference_samples,
                                   equal_time_seeds=equal_time_seeds, n_jobs=n_jobs)
    if out:
        from .reports.samplers import write_evidence

        write_evidence(evidence, spec, out)
    return evidence.figures


SECTIONS: dict[str, Callable[..., dict[str, float]]] = {
    "accel": bench_accel,
    "cl": bench_cl,
    "studies": bench_studies,
    "reports": bench_reports,
    "workers": bench_workers,
    "storage": bench_storage,
    "uncertainty": bench_uncertainty,
    "search": bench_search,
}


#: The sections that run worker fleets on PostgreSQL: they take `postgres_url`.
ON_POSTGRES = ("workers", "storage")
#: The sections that can leave figures out: `notify` hears why.
NOTIFYING = (*ON_POSTGRES, "search")


def run(sections: Sequence[str] | None = None, announce: Callable[[str], None] | None = None,
        postgres_url: str | None = None, notify: Callable[[str], None] | None = None) -> dict[str, float]:
    """`dse bench` (exposed as `dse.run_bench`): the figures of `sections` (names in SECTIONS;
    default all but "search", which takes ~10 minutes and runs only when named), in one flat
    dict. `announce` hears each section's name before it runs; `notify`, why a section left
    figures out. `postgres_url`: the server of the ON_POSTGRES sections (default: a throw-away
    local one)."""
    from .errors import DseError

    unknown = [name for name in sections or () if name not in SECTIONS]
    if unknown:
        raise DseError("sections", f"unknown section {unknown[0]!r} (known: {', '.join(SECTIONS)})")
    results: dict[str, float] = {}
    for name in sections or tuple(k for k in SECTIONS if k != "search"):
        if announce:
            announce(name)
        kwargs: dict[str, object] = {}
        if name in ON_POSTGRES:
            kwargs["postgres_url"] = postgres_url
        if name in NOTIFYING:
            kwargs["notify"] = notify
        results.update(SECTIONS[name](**kwargs))
    return results
