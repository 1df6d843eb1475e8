"""`dse reproduce dacapo`: DaCapo's Figure 9, side by side with the published values."""

from __future__ import annotations

import pathlib

import click
from tqdm import tqdm

from . import reproduce as rep
from .cl.pairs import PAIRS


@click.group()
def reproduce() -> None:
    """Reproduce published results."""


@reproduce.command("dacapo")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="out/dacapo", show_default=True)
def dacapo(out_dir: str) -> None:
    """Figure 9 for all systems, pairs and scenarios: CSV, Markdown and a bar plot in OUT."""
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    total = 2 * len(PAIRS) * len(rep.SYSTEMS)
    with tqdm(total=total, desc="systems", unit="run", disable=None) as bar:
        artifact = rep.figure9(vit_attention_off=True, progress=bar.update)
        full = rep.figure9(vit_attention_off=False, progress=bar.update)
    rep.write_csv(artifact, out / "figure9.csv")
    rep.write_csv(full, out / "figure9_full_vit.csv")
    text = ("# DaCapo Figure 9, reproduced by cl-dse\n\nAccuracy (%) over all frames, mean over evaluated windows; "
            "GMEAN is the geometric mean over S1-S6.\n\n" + rep.markdown(artifact, "ViT as in DaCapo's artifact "
            "(no attention GEMMs): comparable with the published values") + "\n"
            + rep.markdown(full, "Complete ViT"))
    (out / "figure9.md").write_text(text)
    rep.bar_plot(artifact, out / "figure9.png")
    click.echo(rep.markdown(artifact, "ViT as in DaCapo's artifact"))
    click.echo(f"wrote {out}/figure9.csv, figure9_full_vit.csv, figure9.md, figure9.png")
