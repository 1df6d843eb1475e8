"""`dse reproduce dacapo`: DaCapo's Figure 9, side by side with the published values."""

from __future__ import annotations

import click
from tqdm import tqdm

from ..reports import reproduce as rep
from ..sim.curves import CurveBook
from ..sim.pairs import DACAPO_PAIRS
from ..sim.uncertainty import Draws
from .output import echo_written


@click.group()
def reproduce() -> None:
    """Reproduce published results."""


@reproduce.command("dacapo")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="out/dacapo", show_default=True)
@click.option("--proxies", type=click.Path(dir_okay=False), default=None,
              help="Accuracy-curves Parquet file (e.g. from `dse proxies fit`) instead of the shipped defaults; "
                   "it needs every pair and scenario of Figure 9.")
@click.option("--uncertainty", type=click.IntRange(1), default=None,
              help="Draws of the proxies and simulator constants: medians and 5-95% intervals (docs/proxies.md).")
@click.option("--seed", type=click.IntRange(0), default=0, show_default=True, help="Seed of the uncertainty draws.")
@click.option("--validate", is_flag=True,
              help="Also fit the drift transfer on one pair and predict the other (both ways): out-of-sample "
                   "errors and interval coverage, in validation.csv and validation.md.")
def dacapo(out_dir: str, proxies: str | None, uncertainty: int | None, seed: int, validate: bool) -> None:
    """Figure 9 for all systems, pairs and scenarios: CSV, Markdown and a bar plot in OUT."""
    book = CurveBook(proxies)  # a bad file fails here, before anything is written
    draws = Draws.sample(uncertainty, seed) if uncertainty else None
    total = 2 * len(DACAPO_PAIRS) * len(rep.SYSTEMS)
    note = f"Accuracy proxies: `{proxies}`.\n\n" if proxies else ""
    if draws is not None:
        note += f"{draws.n} uncertainty draws (seed {seed}).\n\n"
    with tqdm(total=total, desc="systems", unit="run", disable=None) as bar:
        written, rows = rep.write_dacapo(out_dir, book, note, progress=bar.update, draws=draws)
    click.echo(rep.markdown(rows, "ViT as in DaCapo's artifact"))
    echo_written(written)
    if validate:
        from ..reports.validate import write_validation

        text, files = write_validation(out_dir, book, n_draws=uncertainty or 100, seed=seed)
        click.echo("\n## Out-of-sample: fit on one pair, predict the other\n\n" + text)
        click.echo(f"wrote {', '.join(files)} to {out_dir}")
