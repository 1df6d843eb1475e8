"""`dse reproduce dacapo`: DaCapo's Figure 9, side by side with the published values."""

from __future__ import annotations

import pathlib

import click
from tqdm import tqdm

from ..report import reproduce as rep
from ..sim.curves import CurveBook
from ..sim.pairs import PAIRS


@click.group()
def reproduce() -> None:
    """Reproduce published results."""


@reproduce.command("dacapo")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="out/dacapo", show_default=True)
@click.option("--proxies", type=click.Path(dir_okay=False), default=None,
              help="Accuracy-curves Parquet file (e.g. from `dse proxies fit`) instead of the shipped defaults; "
                   "it needs every pair and scenario of Figure 9.")
def dacapo(out_dir: str, proxies: str | None) -> None:
    """Figure 9 for all systems, pairs and scenarios: CSV, Markdown and a bar plot in OUT."""
    book = CurveBook(proxies)  # a bad file fails here, before anything is written
    total = 2 * len(PAIRS) * len(rep.SYSTEMS)
    with tqdm(total=total, desc="systems", unit="run", disable=None) as bar:
        artifact = rep.figure9(vit_attention_off=True, book=book, progress=bar.update)
        full = rep.figure9(vit_attention_off=False, book=book, progress=bar.update)
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rep.write_csv(artifact, out / "figure9.csv")
    rep.write_csv(full, out / "figure9_full_vit.csv")
    source = f"Accuracy proxies: `{proxies}`.\n\n" if proxies else ""
    text = ("# DaCapo Figure 9, reproduced by cl-dse\n\nAccuracy (%) over all frames, geometric mean over evaluated "
            "windows; GMEAN is the geometric mean over S1-S6.\n\n" + source
            + rep.markdown(artifact, "ViT as in DaCapo's artifact (no attention GEMMs): comparable with the published "
                                     "values")
            + "\n" + rep.markdown(full, "Complete ViT"))
    (out / "figure9.md").write_text(text)
    rep.bar_plot(artifact, out / "figure9.png")
    click.echo(rep.markdown(artifact, "ViT as in DaCapo's artifact"))
    click.echo(f"wrote {out}/figure9.csv, figure9_full_vit.csv, figure9.md, figure9.png")
