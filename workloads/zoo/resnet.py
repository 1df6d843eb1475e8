"""ResNets (torchvision v1.5: stride on the 3x3 conv) and wide ResNets, 224x224 input."""

from __future__ import annotations

from .layers import LayerList

INPUT_SIZE = 224


def _stem(net: LayerList) -> int:
    size = net.conv("conv1", INPUT_SIZE, 3, 64, 7, stride=2, padding=3)
    return conv_pool(size)


def conv_pool(size: int) -> int:
    """3x3 max pool, stride 2, padding 1."""
    return (size + 2 - 3) // 2 + 1


def resnet(blocks: list[int], bottleneck: bool, width_per_group: int = 64, num_classes: int = 1000,
           base_width: int = 64) -> LayerList:
    net = LayerList()
    size = _stem(net)
    c_in = 64
    expansion = 4 if bottleneck else 1
    for stage, n_blocks in enumerate(blocks):
        planes = base_width * 2**stage
        for b in range(n_blocks):
            stride = 2 if stage > 0 and b == 0 else 1
            prefix = f"layer{stage + 1}.{b}"
            c_out = planes * expansion
            if bottleneck:
                width = planes * width_per_group // 64
                s1 = net.conv(f"{prefix}.conv1", size, c_in, width, 1)
                s2 = net.conv(f"{prefix}.conv2", s1, width, width, 3, stride=stride)
                net.conv(f"{prefix}.conv3", s2, width, c_out, 1)
            else:
                s1 = net.conv(f"{prefix}.conv1", size, c_in, planes, 3, stride=stride)
                s2 = net.conv(f"{prefix}.conv2", s1, planes, planes, 3)
            if stride != 1 or c_in != c_out:
                net.conv(f"{prefix}.downsample", size, c_in, c_out, 1, stride=stride)
            size = s2
            c_in = c_out
    net.linear("fc", 1, c_in, num_classes)
    return net
