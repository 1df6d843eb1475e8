"""The demo stream's CNNs (`workloads.profiling`): a family of small students and their teacher,
on 8x8 single-channel images. The profiler builds its PyTorch models from the same `ARCHITECTURES`
table, so the accelerator model costs exactly the network that was trained.

Each network: 3x3 convolutions (bias, ReLU), the second with stride 2 (8x8 -> 4x4), global
average pooling, and a linear classifier over 10 classes.
"""

from __future__ import annotations

from .layers import LayerList

#: name -> (width, convolutions): channels double after the first convolution.
ARCHITECTURES: dict[str, tuple[int, int]] = {
    "digits_cnn_s": (4, 3),
    "digits_cnn_m": (8, 3),
    "digits_cnn_l": (16, 3),
    "digits_teacher": (48, 4),
}
#: The student family (smallest first) and its teacher.
FAMILY: tuple[str, ...] = ("digits_cnn_s", "digits_cnn_m", "digits_cnn_l")
TEACHER = "digits_teacher"


def channels(name: str) -> list[tuple[int, int, int]]:
    """(in, out, stride) of each convolution."""
    width, convs = ARCHITECTURES[name]
    out = [(1, width, 1), (width, 2 * width, 2)]
    out += [(2 * width, 2 * width, 1)] * (convs - 2)
    return out


def digits_cnn(name: str) -> LayerList:
    net = LayerList()
    size = 8
    for i, (c_in, c_out, stride) in enumerate(channels(name)):
        size = net.conv(f"conv{i + 1}", size, c_in, c_out, 3, stride=stride, bias=True)
    net.linear("fc", 1, channels(name)[-1][1], 10)
    return net
