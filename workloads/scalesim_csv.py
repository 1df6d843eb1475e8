"""SCALE-Sim topology CSV files (conv and GEMM formats): import and export.

Conv rows: ``Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels,
Num Filter, Strides,`` (a trailing comma, as SCALE-Sim writes them; no padding; output size
ceil((H - R + S) / S)). GEMM rows: ``Layer, M, N, K,``. An optional sparsity column
(``N:M``) is accepted and ignored; depthwise layers (``DP`` in the name) become one GEMM per
channel, as SCALE-Sim does.
"""

from __future__ import annotations

import csv
import pathlib

from .errors import WorkloadError
from .gemm import GemmTable, scalesim_output_size

CONV_HEADER = ["Layer name", "IFMAP Height", "IFMAP Width", "Filter Height", "Filter Width", "Channels",
               "Num Filter", "Strides"]
GEMM_HEADER = ["Layer", "M", "N", "K"]


def read_topology(path: str | pathlib.Path, gemm: bool = False) -> GemmTable:
    """GEMMs of a SCALE-Sim topology file (batch 1, SCALE-Sim's lowering)."""
    path = pathlib.Path(path)
    try:
        text = path.read_text()
    except OSError as err:
        raise WorkloadError("topology", f"cannot read: {err.strerror}", str(path)) from None
    except UnicodeDecodeError:
        raise WorkloadError("topology", "not a text file", str(path)) from None
    reader = csv.reader(text.splitlines())
    rows = []
    width = len(GEMM_HEADER) if gemm else len(CONV_HEADER)
    for line_no, raw in enumerate(reader, start=1):
        cells = [c.strip() for c in raw]
        while cells and cells[-1] == "":
            cells.pop()
        if line_no == 1 or not cells:
            continue
        if len(cells) < width:
            what = "M, N, K" if gemm else ", ".join(CONV_HEADER[1:])
            raise WorkloadError(f"line {line_no}", f"expected {width} columns ({what}), got {len(cells)}",
                                str(path))
        name = cells[0]
        try:
            values = [int(c) for c in cells[1:width]]
        except ValueError:
            raise WorkloadError(f"line {line_no}", f"non-integer value in {cells[1:width]}", str(path)) from None
        if min(values) < 1:
            raise WorkloadError(f"line {line_no}", f"values must be >= 1, got {values}", str(path))
        layer = len(rows)
        if gemm:
            m, n, k = values
            rows.append((name, "fwd", layer, m, n, k, 1))
            continue
        ih, iw, fh, fw, ch, nf, stride = values
        if fh > ih or fw > iw:
            raise WorkloadError(f"line {line_no}", f"filter {fh}x{fw} larger than ifmap {ih}x{iw}", str(path))
        oh = scalesim_output_size(ih, fh, stride)
        ow = scalesim_output_size(iw, fw, stride)
        if "DP" in name:  # depthwise: one single-channel GEMM per channel
            rows.append((name, "fwd", layer, oh * ow, nf, fh * fw, ch))
        else:
            rows.append((name, "fwd", layer, oh * ow, nf, fh * fw * ch, 1))
    if not rows:
        raise WorkloadError("topology", "no layers", str(path))
    return GemmTable.from_rows(rows)


def write_gemm_topology(table: GemmTable, path: str | pathlib.Path) -> None:
    """Write a GEMM-format topology (repeated GEMMs are written out once per repeat)."""
    lines = [",".join(GEMM_HEADER) + ","]
    for i in range(len(table)):
        for r in range(int(table.repeat[i])):
            suffix = f"_{r}" if table.repeat[i] > 1 else ""
            lines.append(f"{table.name[i]}{suffix},{table.m[i]},{table.n[i]},{table.k[i]},")
    pathlib.Path(path).write_text("\n".join(lines) + "\n")


def write_conv_topology(layers: list[tuple[str, int, int, int, int, int, int, int]],
                        path: str | pathlib.Path) -> None:
    """Write conv rows (name, ifmap_h, ifmap_w, filter_h, filter_w, channels, filters, stride)."""
    lines = [",".join(CONV_HEADER) + ","]
    lines += [",".join(str(v) for v in row) + "," for row in layers]
    pathlib.Path(path).write_text("\n".join(lines) + "\n")
