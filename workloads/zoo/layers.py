"""Model layers as shape records, from which every phase's GEMMs are derived.

A `Layer` is one forward GEMM (per sample: M x K by K x N, `repeat` times per sample, or per
batch for batch-independent ones). `weighted` layers have parameters (conv, linear); others
(attention matmuls) have two data operands.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..gemm import conv_output_size


@dataclass(frozen=True)
class Layer:
    name: str
    index: int  # weight-layer index (weightless layers carry the preceding weight layer's)
    m: int  # rows of the output per sample (output pixels or tokens)
    n: int
    k: int
    repeat: int = 1  # identical GEMMs per sample (groups, heads)
    weighted: bool = True
    params: int = 0  # trainable parameters (weights + bias)


class LayerList:
    """Builder that tracks the weight-layer index and the feature-map size."""

    def __init__(self) -> None:
        self.layers: list[Layer] = []
        self.next_index = 0

    def conv(self, name: str, size: int, c_in: int, c_out: int, kernel: int, stride: int = 1,
             padding: int | None = None, groups: int = 1, bias: bool = False) -> int:
        padding = (kernel - 1) // 2 if padding is None else padding
        out = conv_output_size(size, kernel, stride, padding)
        k = kernel * kernel * c_in // groups
        params = c_out * k + (c_out if bias else 0)
        self.layers.append(Layer(name, self.next_index, out * out, c_out // groups, k, groups, True, params))
        self.next_index += 1
        return out

    def linear(self, name: str, tokens: int, d_in: int, d_out: int) -> None:
        self.layers.append(Layer(name, self.next_index, tokens, d_out, d_in, 1, True, d_in * d_out + d_out))
        self.next_index += 1

    def matmul(self, name: str, m: int, n: int, k: int, repeat: int) -> None:
        self.layers.append(Layer(name, max(self.next_index - 1, 0), m, n, k, repeat, False, 0))
