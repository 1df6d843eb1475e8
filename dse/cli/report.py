"""`dse report STUDY --out DIR`: the study's Pareto report."""

from __future__ import annotations

import click

from ..reports import gather, write_report
from .output import echo_written


class _ReportGroup(click.Group):
    """`dse report STUDY` reports one study; `dse report compare A B ...` compares several."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["study", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_ReportGroup)
def report() -> None:
    """Pareto reports: `dse report STUDY --out DIR`, `dse report compare A B --out DIR`."""


@report.command("study", hidden=True)
@click.argument("name")
@click.option("--storage", help="A folder of study journals (DIR/), a journal file or an Optuna storage URL. [.dse/]")
@click.option("--out", "out_dir", default=None, help="Output folder. [out/NAME]")
def study_report(name: str, storage: str | None, out_dir: str | None) -> None:
    """index.html, pareto.png, hypervolume.png, pareto.csv, trials.parquet and summary.md."""
    data = gather(name, storage)
    written = write_report(data, out_dir or f"out/{name}")
    note = "" if data.front else " (no completed feasible trials)"
    echo_written(written, f"{name}: {len(data.front)} Pareto designs{note}; ")


@report.command("compare")
@click.argument("names", nargs=-1, required=True)
@click.option("--storage", help="A folder of study journals (DIR/), a journal file or an Optuna storage URL. [.dse/]")
@click.option("--reference", type=click.Path(exists=True, dir_okay=False), help="An exhaustive sweep (Parquet).")
@click.option("--out", "out_dir", default="out/compare", show_default=True)
def compare(names: tuple[str, ...], storage: str | None, reference: str | None, out_dir: str) -> None:
    """Overlay the fronts and hypervolumes of studies NAMES (same objectives)."""
    from ..api import compare_reports

    rows = compare_reports(names, out_dir, storage, reference)
    for row in rows:
        frac = row.get("fraction_of_exhaustive_hypervolume")
        extra = f", {100 * frac:.1f}% of the exhaustive hypervolume" if isinstance(frac, float) else ""
        click.echo(f"{row['study']}: hypervolume {row['hypervolume']:.6g}{extra}")
    click.echo(f"wrote {out_dir}/index.html")
