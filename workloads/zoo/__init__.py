"""The layer zoo: models by torchvision name, and their GEMMs per phase.

Phases: ``inference`` (student forward), ``labeling`` (teacher forward), ``training``
(forward, backward-data and backward-weight GEMMs, with optional frozen leading layers).
Backward GEMMs of a forward (M, N, K): data gradient (M, K, N), weight gradient (K, N, M)
-- each with the forward's MACs. Frozen weight layers (index < frozen) get no weight
gradient, and no data gradient is computed at or before the first trainable layer.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import WorkloadError
from ..gemm import GemmTable
from .digits import ARCHITECTURES as DIGITS_ARCHITECTURES
from .digits import digits_cnn
from .layers import Layer, LayerList
from .mobilenet import mobilenet_v2
from .resnet import resnet
from .vit import vit

PHASES: tuple[str, ...] = ("inference", "labeling", "training")

MODELS: dict[str, Callable[..., LayerList]] = {
    "resnet10": lambda **_: resnet([1, 1, 1, 1], bottleneck=False),
    "resnet18": lambda **_: resnet([2, 2, 2, 2], bottleneck=False),
    "resnet34": lambda **_: resnet([3, 4, 6, 3], bottleneck=False),
    "resnet50": lambda **_: resnet([3, 4, 6, 3], bottleneck=True),
    "wide_resnet50_2": lambda **_: resnet([3, 4, 6, 3], bottleneck=True, width_per_group=128),
    "wide_resnet101_2": lambda **_: resnet([3, 4, 23, 3], bottleneck=True, width_per_group=128),
    "vit_b_32": lambda attention=True: vit(32, attention=attention),
    "vit_b_16": lambda attention=True: vit(16, attention=attention),
    "mobilenet_v2": lambda **_: mobilenet_v2(),
    # the demo stream's CNN family and teacher (workloads.zoo.digits)
    **{name: (lambda name=name, **_: digits_cnn(name)) for name in DIGITS_ARCHITECTURES},
}

#: Published forward GMACs (torchvision model tables) for the models that have one.
PUBLISHED_GMACS: dict[str, float] = {
    "resnet18": 1.81, "resnet34": 3.66, "resnet50": 4.09, "wide_resnet50_2": 11.40,
    "wide_resnet101_2": 22.75, "vit_b_32": 4.41, "vit_b_16": 17.56, "mobilenet_v2": 0.30,
}


@dataclass(frozen=True)
class Kernel:
    """What one run of a phase executes: its GEMMs, and the parameters an optimizer updates."""

    model: str
    phase: str
    batch: int
    frozen: int
    gemms: GemmTable
    update_params: int  # trainable parameters updated once per training step (0 otherwise)


def check_model(name: str) -> None:
    if name not in MODELS:
        raise WorkloadError("model", f"unknown model {name!r} (known: {', '.join(MODELS)})")


@functools.cache
def model_layers(name: str, vit_attention: bool = True) -> tuple[Layer, ...]:
    check_model(name)
    return tuple(MODELS[name](attention=vit_attention).layers)


def num_weight_layers(name: str, vit_attention: bool = True) -> int:
    return 1 + max(layer.index for layer in model_layers(name, vit_attention))


def _forward_rows(layers: tuple[Layer, ...], batch: int):
    for layer in layers:
        if layer.weighted:
            yield layer, layer.m * batch, layer.repeat
        else:  # per-sample matmuls: batch multiplies the repeat count
            yield layer, layer.m, layer.repeat * batch


@functools.cache
def kernel(model: str, phase: str, batch: int = 1, frozen: int = 0, vit_attention: bool = True) -> Kernel:
    """The GEMMs of one phase run; built once per argument tuple in a process."""
    check_model(model)
    if phase not in PHASES:
        raise WorkloadError("phase", f"unknown phase {phase!r} (known: {', '.join(PHASES)})")
    if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
        raise WorkloadError("batch", f"must be an integer >= 1, got {batch!r}")
    n_layers = num_weight_layers(model, vit_attention)
    if isinstance(frozen, bool) or not isinstance(frozen, int) or not 0 <= frozen <= n_layers:
        raise WorkloadError("frozen", f"must be an integer in 0..{n_layers} for {model}, got {frozen!r}")
    layers = model_layers(model, vit_attention)
    rows = []
    update = 0
    for layer, m, repeat in _forward_rows(layers, batch):
        rows.append((layer.name, "fwd", layer.index, m, layer.n, layer.k, repeat))
        if phase != "training":
            continue
        trainable = layer.weighted and layer.index >= frozen
        after_first_trainable = layer.index > frozen if layer.weighted else layer.index >= frozen
        if after_first_trainable:
            rows.append((layer.name, "bwd_data", layer.index, m, layer.k, layer.n, repeat))
            if not layer.weighted:  # both operands are activations: two data gradients
                rows.append((layer.name, "bwd_data", layer.index, layer.k, layer.n, m, repeat))
        if trainable:
            rows.append((layer.name, "bwd_weight", layer.index, layer.k, layer.n, m, repeat))
            update += layer.params
    return Kernel(model, phase, batch, frozen, GemmTable.from_rows(rows), update)


def forward_gmacs(model: str, vit_attention: bool = True) -> float:
    return kernel(model, "inference", 1, 0, vit_attention).gemms.macs / 1e9
