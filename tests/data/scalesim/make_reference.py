"""Regenerate ``reference_cycles.csv`` by running SCALE-Sim v3 itself.

SCALE-Sim 3.0.0 trips over numpy >= 2.4, so run this in its own environment::

    python -m venv /tmp/ss && /tmp/ss/bin/pip install scalesim==3.0.0 "numpy<2.4"
    /tmp/ss/bin/python tests/data/scalesim/make_reference.py

Every case is simulated in CALC (estimate-bandwidth) mode with large SRAMs, which is
SCALE-Sim's stall-free setting; the "Total Cycles" column of COMPUTE_REPORT.csv is
recorded, together with the stall cycles (which must be 0) and the layer as SCALE-Sim
lowers it (M = output pixels, N = filters, K = window size).
"""

from __future__ import annotations

import csv
import itertools
import pathlib
import tempfile

from scalesim.scale_sim import scalesim

HERE = pathlib.Path(__file__).parent
OUT = HERE / "reference_cycles.csv"

CONFIG = """[general]
run_name = ref

[architecture_presets]
ArrayHeight: {rows}
ArrayWidth: {cols}
IfmapSramSzkB: 8192
FilterSramSzkB: 8192
OfmapSramSzkB: 8192
IfmapOffset: 0
FilterOffset: 10000000
OfmapOffset: 20000000
Bandwidth: 10
Dataflow: {dataflow}
ReadRequestBuffer: 32
WriteRequestBuffer: 32

[layout]
IfmapCustomLayout: False
IfmapSRAMBankBandwidth: 10
IfmapSRAMBankNum: 10
IfmapSRAMBankPort: 2
FilterCustomLayout: False
FilterSRAMBankBandwidth: 10
FilterSRAMBankNum: 10
FilterSRAMBankPort: 2

[sparsity]
SparsitySupport: false
SparseRep: ellpack_block
OptimizedMapping: false
BlockSize: 8
RandomNumberGeneratorSeed: 40

[run_presets]
InterfaceBandwidth: CALC
UseRamulatorTrace: False
"""

ARRAYS = [(4, 4), (8, 8), (16, 16), (32, 32), (128, 128), (32, 4), (128, 8), (4, 32), (8, 128), (12, 20)]

# (name, kind, fields): gemm fields are M, N, K; conv fields are
# ifmap_h, ifmap_w, filter_h, filter_w, channels, filters, stride.
LAYERS = [
    ("g_20x10x30", "gemm", (20, 10, 30)),
    ("g_7x9x5", "gemm", (7, 9, 5)),
    ("g_33x65x17", "gemm", (33, 65, 17)),
    ("g_1x100x64", "gemm", (1, 100, 64)),
    ("g_130x3x129", "gemm", (130, 3, 129)),
    ("c3x3_s1", "conv", (10, 10, 3, 3, 8, 12, 1)),
    ("c3x3_s2", "conv", (11, 13, 3, 3, 4, 10, 2)),
    ("c7x7_s2", "conv", (23, 23, 7, 7, 3, 16, 2)),
    ("c1x1_s1", "conv", (9, 9, 1, 1, 20, 24, 1)),
    ("c1x1_s2", "conv", (14, 14, 1, 1, 16, 33, 2)),
    ("c5x3_s3", "conv", (17, 12, 5, 3, 6, 5, 3)),
]


def _write_topology(path: pathlib.Path, kind: str, name: str, fields: tuple[int, ...]) -> None:
    if kind == "gemm":
        path.write_text("Layer,M,N,K,\n" + f"{name},{','.join(map(str, fields))},\n")
    else:
        header = "Layer name,IFMAP Height,IFMAP Width,Filter Height,Filter Width,Channels,Num Filter,Strides,\n"
        path.write_text(header + f"{name},{','.join(map(str, fields))},\n")


def _run_case(tmp: pathlib.Path, rows: int, cols: int, dataflow: str, kind: str, name: str,
              fields: tuple[int, ...]) -> dict:
    cfg = tmp / "scale.cfg"
    cfg.write_text(CONFIG.format(rows=rows, cols=cols, dataflow=dataflow))
    topo = tmp / "topology.csv"
    _write_topology(topo, kind, name, fields)
    layout = tmp / "layout.csv"
    layout.write_text("Layer name,unused,\n")
    sim = scalesim(save_disk_space=True, verbose=False, config=str(cfg), topology=str(topo),
                   layout=str(layout), input_type_gemm=(kind == "gemm"))
    sim.run_scale(top_path=str(tmp / "out"))
    layer = sim.runner.single_layer_sim_object_list[0]
    _, total_cycles, stall_cycles, *_ = layer.get_compute_report_items()
    m, n, k = sim.topo.get_transformed_mnk_dimensions()[0]
    return {
        "layer": name, "kind": kind, "fields": " ".join(map(str, fields)),
        "rows": rows, "cols": cols, "dataflow": dataflow,
        "M": m // n, "N": n, "K": k,
        "total_cycles": int(total_cycles), "stall_cycles": int(stall_cycles),
    }


def main() -> None:
    records = []
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = pathlib.Path(tmpdir)
        for (rows, cols), (name, kind, fields), dataflow in itertools.product(
                ARRAYS, LAYERS, ("os", "ws", "is")):
            records.append(_run_case(tmp, rows, cols, dataflow, kind, name, fields))
    with OUT.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    print(f"wrote {len(records)} cases to {OUT}")


if __name__ == "__main__":
    main()
