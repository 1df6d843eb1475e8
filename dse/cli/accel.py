"""`dse accel`: evaluate accelerator designs on GEMMs, topologies or zoo models."""

from __future__ import annotations

import click

from accel import DATAFLOWS, FORMAT_NAMES
from workloads.zoo import MODELS, PHASES

from ..errors import DseError
from ..sim import accel_eval as ev
from .output import FORMATS, render
from .rowspec import parse_rows


@click.group()
def accel() -> None:
    """Accelerator model: cycles, latency, energy, area, power."""


@accel.command("info")
@click.argument("design")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table")
def info(design: str, fmt: str) -> None:
    """Parameters, area and power of DESIGN (a preset such as `dacapo`, or a TOML file)."""
    from .. import api

    rows = api.accel_info(design)
    if fmt == "json" and len(rows) == 1:
        import json
        click.echo(json.dumps(rows[0], indent=2))
    else:
        click.echo(render(rows, fmt))


def _parse_mnk(text: str) -> tuple[int, int, int]:
    try:
        m, n, k = (int(x) for x in text.split(","))
    except ValueError:
        raise DseError("--mnk", f"expected M,N,K integers, got {text!r}") from None
    return m, n, k


@accel.command("eval")
@click.option("--design", help="Preset name or TOML file. Without it: a scalar-MAC array (SCALE-Sim).")
@click.option("--rows", "rows_text", help="Array rows (no --design) or sub-array row counts: 16, 1-16, 3,13.")
@click.option("--cols", type=click.IntRange(1), help="Array columns (scalar-MAC array only). [16]")
@click.option("--dataflow", type=click.Choice(DATAFLOWS), help="Dataflow (scalar-MAC array only). [os]")
@click.option("--topology", type=click.Path(dir_okay=False), help="SCALE-Sim topology CSV.")
@click.option("--gemm", "gemm_format", is_flag=True, help="The topology is in SCALE-Sim's GEMM format.")
@click.option("--mnk", multiple=True, help="A GEMM as M,N,K (repeatable).")
@click.option("--onnx", "onnx_path", type=click.Path(dir_okay=False), help="An ONNX model (extra cl-dse[onnx]).")
@click.option("--model", type=click.Choice(list(MODELS)), help="A zoo model (torchvision name).")
@click.option("--phase", type=click.Choice(PHASES), default="inference", show_default=True)
@click.option("--batch", type=click.IntRange(1), default=1, show_default=True)
@click.option("--frozen", type=click.IntRange(0), default=0, show_default=True, help="Frozen leading layers.")
@click.option("--vit-artifact", is_flag=True, help="ViT without attention GEMMs, as DaCapo's artifact.")
@click.option("--precision", type=click.Choice(FORMAT_NAMES), help="Number format. [mx6 if supported]")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
def eval_(design, rows_text, cols, dataflow, topology, gemm_format, mnk, onnx_path, model, phase, batch, frozen,
          vit_artifact, precision, fmt) -> None:
    """Cycles, latency, utilization and energy of GEMMs or a model kernel on a design."""
    from .. import api

    d, row_counts = api.accel_design(design, parse_rows(rows_text) if rows_text else None, cols, dataflow)
    rows = api.accel_eval(d, rows=row_counts, topology=topology, gemm_format=gemm_format,
                          mnk=[_parse_mnk(text) for text in mnk], onnx=onnx_path, model=model, phase=phase,
                          batch=batch, frozen=frozen, vit_artifact=vit_artifact, precision=precision)
    info = ev.design_info(d)[0]
    extra = {"area_mm2": info["area_mm2"], "power_w": info["power_w"]} if fmt != "csv" else None
    click.echo(render(rows, fmt, extra))
