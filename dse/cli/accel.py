"""`dse accel`: evaluate accelerator designs on GEMMs, topologies or zoo models."""

from __future__ import annotations

import click

from accel import DATAFLOWS, FORMAT_NAMES, load_design
from workloads.gemm import GemmTable
from workloads.scalesim_csv import read_topology
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
    rows = ev.design_info(load_design(design))
    if fmt == "json" and len(rows) == 1:
        import json
        click.echo(json.dumps(rows[0], indent=2))
    else:
        click.echo(render(rows, fmt))


def _parse_mnk(values: tuple[str, ...]) -> GemmTable:
    rows = []
    for i, text in enumerate(values):
        try:
            m, n, k = (int(x) for x in text.split(","))
        except ValueError:
            raise DseError("--mnk", f"expected M,N,K integers, got {text!r}") from None
        rows.append((f"gemm{i}", "fwd", i, m, n, k, 1))
    return GemmTable.from_rows(rows)


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
    if sum(x is not None for x in (topology, mnk or None, onnx_path, model)) != 1:
        raise DseError("input", "give exactly one of --topology, --mnk, --onnx or --model")
    if design is None:
        array_rows = parse_rows(rows_text or "16")
        if len(array_rows) != 1:
            raise DseError("--rows", "without --design, --rows is the array height (one number)")
        d = ev.scalar_array(array_rows[0], cols or 16, dataflow or "os")
        row_counts = None
    else:
        if cols is not None or dataflow is not None:
            raise DseError("--cols/--dataflow", "apply only without --design (edit the design file instead)")
        d = load_design(design)
        if len(d) != 1:
            raise DseError("--design", f"{design} holds {len(d)} designs; eval takes one")
        row_counts = parse_rows(rows_text) if rows_text else None
        ev.check_rows(d, row_counts)
    fmt_index = ev.default_format(d, precision)
    ev.first_supported(d, fmt_index)
    if model:
        rows = ev.kernel_rows(d, model, phase, batch, frozen, fmt_index, row_counts, not vit_artifact)
    else:
        if onnx_path:
            from workloads.onnx_import import read_onnx

            table = read_onnx(onnx_path)
        else:
            table = read_topology(topology, gemm_format) if topology else _parse_mnk(mnk)
        rows = ev.gemm_rows(d, table, fmt_index, row_counts)
    info = ev.design_info(d)[0]
    extra = {"area_mm2": info["area_mm2"], "power_w": info["power_w"]} if fmt != "csv" else None
    click.echo(render(rows, fmt, extra))
