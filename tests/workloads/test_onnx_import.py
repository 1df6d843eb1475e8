"""ONNX import on a small model built with onnx.helper (skipped without the `onnx` extra)."""

from __future__ import annotations

import numpy as np
import pytest

from workloads import WorkloadError
from workloads.onnx_import import read_onnx

onnx = pytest.importorskip("onnx", reason="the optional 'onnx' extra is not installed")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402


def _model(path):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 8, 8])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 10])
    w_conv = numpy_helper.from_array(np.zeros((4, 3, 3, 3), np.float32), "w_conv")
    w_dw = numpy_helper.from_array(np.zeros((4, 1, 3, 3), np.float32), "w_dw")
    w_fc = numpy_helper.from_array(np.zeros((4 * 4 * 4, 10), np.float32), "w_fc")
    shape = numpy_helper.from_array(np.array([2, 64], np.int64), "shape")
    nodes = [
        helper.make_node("Conv", ["x", "w_conv"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("Conv", ["c1", "w_dw"], ["c2"], name="dw", group=4, strides=[2, 2], pads=[1, 1, 1, 1]),
        helper.make_node("Reshape", ["c2", "shape"], ["flat"]),
        helper.make_node("MatMul", ["flat", "w_fc"], ["y"], name="fc"),
    ]
    graph = helper.make_graph(nodes, "tiny", [x], [y], [w_conv, w_dw, w_fc, shape])
    onnx.save(helper.make_model(graph), path)


def test_conv_depthwise_and_matmul_become_gemms(tmp_path):
    path = tmp_path / "tiny.onnx"
    _model(path)
    t = read_onnx(path)
    assert list(t.name) == ["conv1", "dw", "fc"]
    assert (t.m[0], t.n[0], t.k[0], t.repeat[0]) == (2 * 8 * 8, 4, 27, 1)
    assert (t.m[1], t.n[1], t.k[1], t.repeat[1]) == (2 * 4 * 4, 1, 9, 4)
    assert (t.m[2], t.n[2], t.k[2], t.repeat[2]) == (2, 10, 64, 1)


def test_corrupt_file_is_one_clear_error(tmp_path):
    path = tmp_path / "bad.onnx"
    path.write_bytes(b"not an onnx model")
    with pytest.raises(WorkloadError) as info:
        read_onnx(path)
    assert info.value.field == "file" and info.value.source == str(path)
