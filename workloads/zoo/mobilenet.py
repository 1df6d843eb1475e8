"""MobileNetV2 (torchvision, width 1.0), 224x224: a light variant a policy may switch to."""

from __future__ import annotations

from .layers import LayerList

# (expansion t, channels c, repeats n, stride s) from Sandler et al., CVPR 2018, Table 2.
SETTINGS = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2),
            (6, 320, 1, 1)]


def mobilenet_v2(num_classes: int = 1000) -> LayerList:
    net = LayerList()
    size = net.conv("features.0", 224, 3, 32, 3, stride=2)
    c_in = 32
    block = 1
    for t, c, n, s in SETTINGS:
        for i in range(n):
            stride = s if i == 0 else 1
            hidden = c_in * t
            p = f"features.{block}"
            if t != 1:
                net.conv(f"{p}.expand", size, c_in, hidden, 1)
            size = net.conv(f"{p}.depthwise", size, hidden, hidden, 3, stride=stride, groups=hidden)
            net.conv(f"{p}.project", size, hidden, c, 1)
            c_in = c
            block += 1
    net.conv("features.18", size, c_in, 1280, 1)
    net.linear("classifier", 1, 1280, num_classes)
    return net
