"""ONNX import (optional extra `cl-dse[onnx]`): Conv, Gemm and MatMul nodes become GEMM rows.

Shapes come from ONNX shape inference; a node whose shapes stay unknown is an error naming it.
"""

from __future__ import annotations

import math
import pathlib

from .errors import WorkloadError
from .gemm import GemmTable


def _shapes(model) -> dict[str, list[int]]:
    graph = model.graph
    shapes: dict[str, list[int]] = {}
    for vi in (*graph.input, *graph.value_info, *graph.output):
        dims = vi.type.tensor_type.shape.dim
        if all(d.HasField("dim_value") for d in dims):
            shapes[vi.name] = [d.dim_value for d in dims]
    for init in graph.initializer:
        shapes[init.name] = list(init.dims)
    return shapes


def _attr(node, name: str, default: int) -> int:
    for a in node.attribute:
        if a.name == name:
            return int(a.i)
    return default


def read_onnx(path: str | pathlib.Path) -> GemmTable:
    try:
        import onnx
    except ImportError:
        raise WorkloadError("onnx", "ONNX import needs the optional extra: pip install 'cl-dse[onnx]'") from None
    source = str(path)
    try:
        model = onnx.shape_inference.infer_shapes(onnx.load(source))
    except FileNotFoundError:
        raise WorkloadError("file", "does not exist", source) from None
    except Exception as err:  # onnx raises several types for corrupt files
        raise WorkloadError("file", f"not a readable ONNX model ({type(err).__name__})", source) from None
    shapes = _shapes(model)
    rows = []
    for node in model.graph.node:
        if node.op_type not in ("Conv", "Gemm", "MatMul"):
            continue
        name = node.name or f"{node.op_type}_{len(rows)}"
        needed = [*node.input[:2], node.output[0]]
        missing = [t for t in needed if t not in shapes]
        if missing:
            raise WorkloadError(name, f"shape of {missing[0]!r} is unknown after shape inference", source)
        a, b, out = (shapes[t] for t in needed)
        layer = len(rows)
        if node.op_type == "Conv":
            groups = _attr(node, "group", 1)
            c_out, c_in_g = b[0], b[1]
            kernel = math.prod(b[2:])
            rows.append((name, "fwd", layer, out[0] * math.prod(out[2:]), c_out // groups, c_in_g * kernel, groups))
        elif node.op_type == "Gemm":
            k = a[0] if _attr(node, "transA", 0) else a[1]
            rows.append((name, "fwd", layer, out[0], out[1], k, 1))
        else:
            rows.append((name, "fwd", layer, out[-2] if len(out) > 1 else 1, out[-1], a[-1],
                         math.prod(out[:-2]) if len(out) > 2 else 1))
    if not rows:
        raise WorkloadError("graph", "no Conv, Gemm or MatMul nodes", source)
    return GemmTable.from_rows(rows)
