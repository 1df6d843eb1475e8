"""Vision Transformers (torchvision ViT-B/16, ViT-B/32), 224x224 input.

`attention=False` drops the QKV, attention and output-projection GEMMs, which is what the
DaCapo artifact's ViT layer lists contain (reference/dacapo.md); the default is the full model.
"""

from __future__ import annotations

from .layers import LayerList

INPUT_SIZE = 224


def vit(patch: int, layers: int = 12, hidden: int = 768, mlp: int = 3072, heads: int = 12,
        num_classes: int = 1000, attention: bool = True) -> LayerList:
    net = LayerList()
    grid = net.conv("conv_proj", INPUT_SIZE, 3, hidden, patch, stride=patch, padding=0, bias=True)
    tokens = grid * grid + 1  # + class token
    head_dim = hidden // heads
    for i in range(layers):
        p = f"encoder.layer_{i}"
        if attention:
            net.linear(f"{p}.self_attention.in_proj", tokens, hidden, 3 * hidden)
            net.matmul(f"{p}.self_attention.scores", tokens, tokens, head_dim, heads)
            net.matmul(f"{p}.self_attention.context", tokens, head_dim, tokens, heads)
            net.linear(f"{p}.self_attention.out_proj", tokens, hidden, hidden)
        net.linear(f"{p}.mlp.0", tokens, hidden, mlp)
        net.linear(f"{p}.mlp.3", tokens, mlp, hidden)
    net.linear("heads.head", 1, hidden, num_classes)
    return net
