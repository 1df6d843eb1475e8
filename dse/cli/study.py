"""`dse study`: start, resume, status, list, export, delete."""

from __future__ import annotations

import json
import time

import click
from tqdm import tqdm

from ..search import study as st
from ..search.export import trials_table, write_table
from ..search.spec import load_spec
from ..search.stopping import DEFAULT_PLATEAU_TOLERANCE, StopRule, describe_stop
from ..search.storage import storage_exists
from .output import figure_text, render
from .process import OwnProcess, command_starts

STORAGE = click.option("--storage", help="A folder of study journals (DIR/), a journal file or an Optuna storage URL. "
                                         "[.dse/]")


def stop_options(command):
    """--timeout, --stop-on-plateau and --plateau-tolerance (`stopping.StopRule`)."""
    command = click.option("--plateau-tolerance", type=float, default=DEFAULT_PLATEAU_TOLERANCE, show_default=True,
                           help="Relative hypervolume growth that still counts as progress.")(command)
    command = click.option("--stop-on-plateau", "plateau", type=click.IntRange(1), default=None,
                           help="Stop when the hypervolume has not grown over this many batches.")(command)
    return click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
                        help="Stop after this many seconds (after the batch in flight), every finished trial "
                             "stored.")(command)


@click.group()
@click.pass_context
def study(ctx: click.Context) -> None:
    """Optuna studies over accelerator designs and allocation policies."""
    command_starts(ctx)


def notice(message: str) -> None:
    """A worker's note for the user (e.g. waiting for the database), one line on stderr."""
    click.echo(f"note: {message}", err=True)


def _run_workers(name: str, storage: str | None, n_jobs: int, stop: StopRule | None = None) -> None:
    s = st.load(name, storage)
    spec = st.spec_of(s)
    target, done = int(s.user_attrs[st.TARGET_ATTR]), st._counts(s)["complete"]
    own = click.get_current_context().find_object(OwnProcess)
    if own is not None and n_jobs > 1:
        own.settled()  # the batches run in worker processes: this one only waits
    with tqdm(total=target, initial=done, desc=name, unit="trial", disable=None if n_jobs == 1 else True) as bar:
        next_hv = [0.0]
        batches = [0]

        def progress(info):
            batches[0] += 1
            if batches[0] == 1 and own is not None:
                own.settled()  # the engine is compiled and the storage open
            bar.update(info["told"] - info["failed"])
            if not bar.disable and time.monotonic() > next_hv[0]:  # no bar shown (not a terminal): no front
                began = time.monotonic()
                _, hv = st.front(info["study"], spec)  # as the worker sees it: no extra storage reads
                bar.set_postfix(hypervolume=f"{hv:.4g}", failed=info["failed"])
                # every 5 s, or rarer when the front is slow (0.3 s at 10,000 trials): at most 5% of the time
                next_hv[0] = time.monotonic() + max(5.0, 20 * (time.monotonic() - began))

        report = st.run_workers(name, storage, n_jobs, progress=progress, notify=notice, stop=stop, opened=s)
    rate = report.told / report.seconds if report.seconds > 0 else 0.0
    stopped = " (stopped by Ctrl-C after the batch in flight; 'dse study resume' continues)" \
        if report.stopped_early else ""
    if report.stopped:
        stopped = f" (stopped: {describe_stop(report.stopped)}; 'dse study resume' continues)"
    click.echo(f"{name}: {report.told} trials told ({report.failed} failed) in {report.seconds:.1f} s, "
               f"{rate:.0f} trials/s{stopped}")


@study.command("start")
@click.argument("file")
@STORAGE
@click.option("--n-trials", type=click.IntRange(1), help="Completed trials to reach (overrides the file).")
@click.option("--n-jobs", type=click.IntRange(1), default=1, show_default=True, help="Worker processes.")
@click.option("--fresh", is_flag=True, help="Replace a study of the same name (its trials are deleted).")
@click.option("--uncertainty", type=click.IntRange(0), default=None,
              help="Uncertainty draws per candidate (overrides the file): median objectives, robustness in reports.")
@stop_options
def start(file: str, storage: str | None, n_trials: int | None, n_jobs: int, fresh: bool,
          uncertainty: int | None, timeout: float | None, plateau: int | None, plateau_tolerance: float) -> None:
    """Create the study FILE describes (a path or a shipped study name) and run it."""
    spec = load_spec(file)
    if fresh and storage_exists(storage) and spec.name in {row["study"] for row in st.summaries(storage)}:
        st.delete(spec.name, storage)
    stop = StopRule(timeout, plateau, plateau_tolerance)
    st.create(spec, storage, n_trials, uncertainty)
    _run_workers(spec.name, storage, n_jobs, stop)


@study.command("compare-samplers")
@click.argument("file")
@click.option("--samplers", default=None,
              help="Comma-separated samplers (also tpe, gp; each runs on every seed). [nsga2,nsga3,random,qmc; "
                   "qmc when SciPy is installed]")
@click.option("--seeds", type=click.IntRange(1), default=10, show_default=True, help="Seeds per sampler.")
@click.option("--n-trials", type=click.IntRange(1), help="Trials per run. [the study's n_trials]")
@click.option("--reference", type=click.Path(exists=True, dir_okay=False),
              help="An existing sweep file (dse sweep) as the reference front, instead of a new sweep.")
@click.option("--reference-samples", type=click.IntRange(1), default=1_000_000, show_default=True,
              help="Candidates of the reference sweep (a discrete space uses its exact grid).")
@click.option("--sequential/--no-sequential", default=True, show_default=True,
              help="Also run sequential co-design (hardware first, then the policy) at the same budget.")
@click.option("--equal-time-seeds", type=click.IntRange(0), default=3, show_default=True,
              help="Seeds of the study-against-sweep comparison at equal wall time (0: skip).")
@click.option("--n-jobs", type=click.IntRange(1), default=2, show_default=True, help="Runs in parallel.")
@click.option("--out", help="Output folder. [out/NAME-samplers]")
def compare_samplers(file: str, samplers: str | None, seeds: int, n_trials: int | None, reference: str | None,
                     reference_samples: int, sequential: bool, equal_time_seeds: int, n_jobs: int,
                     out: str | None) -> None:
    """Hypervolume against evaluations per sampler over seeds (median, 95% band), joint against
    sequential co-design, and a study against a sweep of equal wall time; Parquet and a report."""
    from ..api import compare_samplers as run

    names = [s.strip() for s in samplers.split(",") if s.strip()] if samplers else None
    figures, written = run(file, names, seeds, n_trials, reference=reference, reference_samples=reference_samples,
                           sequential=sequential, equal_time_seeds=equal_time_seeds, n_jobs=n_jobs, out=out,
                           progress=lambda m: click.echo(m, err=True))
    for key, value in figures.items():
        click.echo(f"{key}: {figure_text(value)}")
    if written.skipped:
        click.echo(f"note: skipped {written.skipped}", err=True)
    click.echo(f"wrote {written.out_dir}/index.html")


@study.command("resume")
@click.argument("name")
@STORAGE
@click.option("--n-jobs", type=click.IntRange(1), default=1, show_default=True)
@stop_options
def resume(name: str, storage: str | None, n_jobs: int, timeout: float | None, plateau: int | None,
           plateau_tolerance: float) -> None:
    """Continue NAME until its target; trials a killed run left running are failed first."""
    orphans = st.fail_orphans(st.load(name, storage))
    if orphans:
        click.echo(f"{name}: {orphans} trial(s) left running by a stopped run marked failed", err=True)
    _run_workers(name, storage, n_jobs, StopRule(timeout, plateau, plateau_tolerance))


@study.command("status")
@click.argument("name")
@STORAGE
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def status(name: str, storage: str | None, fmt: str) -> None:
    """Trials complete/failed/running/pruned, the target, the Pareto front and its hypervolume."""
    info = st.status(name, storage)
    if fmt == "json":
        click.echo(json.dumps(info, indent=2))
        return
    summary = {k: info[k] for k in ("study", "n_trials", "complete", "failed", "running", "pruned", "pareto_size",
                                    "hypervolume")}
    click.echo(render(info["front"], "table", summary))


@study.command("list")
@STORAGE
def list_(storage: str | None) -> None:
    """Studies in the storage."""
    rows = st.summaries(storage)
    click.echo(render(rows, "table") if rows else f"no studies in {storage or st.DEFAULT_STORAGE_NAME}")


@study.command("export")
@click.argument("name")
@STORAGE
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv"]), default="parquet", show_default=True)
@click.option("-o", "--output", help="Output file. [NAME.parquet / NAME.csv]")
def export(name: str, storage: str | None, fmt: str, output: str | None) -> None:
    """Every trial with parameters, objectives, metrics and constraint values."""
    s = st.load(name, storage)
    table = trials_table(s, st.spec_of(s), st.details(name, storage))
    path = output or f"{name}.{fmt}"
    write_table(table, path, fmt)
    click.echo(f"wrote {table.num_rows} trials to {path}")


@study.command("delete")
@click.argument("name")
@STORAGE
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete(name: str, storage: str | None, yes: bool) -> None:
    """Delete NAME and all its trials."""
    if not yes:
        click.confirm(f"delete study {name!r} and all its trials?", abort=True)
    st.delete(name, storage)
    click.echo(f"deleted {name}")


@study.command("repair")
@click.argument("name", required=False)
@STORAGE
def repair(name: str | None, storage: str | None) -> None:
    """Make damaged journals readable: a torn last record goes to JOURNAL.torn, unreadable records
    to JOURNAL.corrupt; every other record is kept (NAME: one study of a folder, else all)."""
    from ..search.repair import repair as repair_storage

    for report in repair_storage(storage, name):
        click.echo(report.line())


@click.command()
@click.argument("name")
@STORAGE
@click.option("--n-jobs", type=click.IntRange(1), default=1, show_default=True, help="Worker processes here.")
@stop_options
def worker(name: str, storage: str | None, n_jobs: int, timeout: float | None, plateau: int | None,
           plateau_tolerance: float) -> None:
    """Join study NAME (e.g. on PostgreSQL, from any host) and work until its budget is reached.
    A database that is down (not up yet, or restarting) is waited for."""
    st.joining(lambda: _run_workers(name, storage, n_jobs, StopRule(timeout, plateau, plateau_tolerance)),
               storage, notice)


@study.command("dashboard")
@click.argument("name")
@STORAGE
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True)
def dashboard(name: str, storage: str | None, port: int) -> None:
    """Serve optuna-dashboard on study NAME's storage (on 127.0.0.1; pip install 'cl-dse[dashboard]').
    Compact journals are read through cl-dse, so plain `optuna-dashboard FILE` cannot open them."""
    from ..api import serve_dashboard

    serve_dashboard(name, storage, port)
