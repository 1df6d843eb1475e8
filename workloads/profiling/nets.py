"""PyTorch side of the profiler: the demo CNNs (from `workloads.zoo.digits`), training with
frozen leading layers, and evaluation in FP32 or an MX format by fake quantization (weights and
every layer's input rounded with `mx.quantize`, arithmetic in FP32). Needs PyTorch (the optional
`profile` extra)."""

from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

from ..zoo.digits import channels
from . import mx


class DigitsCNN(nn.Module):
    def __init__(self, name: str):
        super().__init__()
        self.convs = nn.ModuleList(nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=True)
                                   for c_in, c_out, stride in channels(name))
        self.fc = nn.Linear(channels(name)[-1][1], 10)

    def forward(self, x):
        for conv in self.convs:
            x = torch.relu(conv(x))
        return self.fc(x.mean(dim=(2, 3)))

    def weight_layers(self) -> list[nn.Module]:
        return [*self.convs, self.fc]


def build(name: str, seed: int) -> DigitsCNN:
    torch.manual_seed(seed)
    return DigitsCNN(name)


def _tensor(x) -> torch.Tensor:
    """Images as a (N, C, H, W) tensor: a tensor as it is, demo images (N, 8, 8) with one channel."""
    if isinstance(x, torch.Tensor):
        return x
    return torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)).unsqueeze(1)


def weight_layers(model: nn.Module) -> list[nn.Module]:
    """Convolutions and linear layers in definition order (frozen layers count from the first)."""
    if hasattr(model, "weight_layers"):
        return model.weight_layers()
    return [m for m in model.modules() if isinstance(m, nn.Conv2d | nn.Linear)]


def train(model: nn.Module, x: np.ndarray, y: np.ndarray, epochs: int, seed: int, frozen: int = 0,
          lr: float = 0.01, batch: int = 32, checkpoints: tuple[int, ...] = (),
          on_checkpoint=None) -> nn.Module:
    """Adam on (x, y) for `epochs` (SGD with momentum left the smallest student at chance on the
    demo); the first `frozen` weight layers stay fixed.
    After each epoch in `checkpoints`, `on_checkpoint(epoch, model)` is called."""
    for layer in weight_layers(model)[:frozen]:
        for p in layer.parameters():
            p.requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=lr)
    gen = torch.Generator().manual_seed(seed)
    xt = _tensor(x)
    yt = torch.from_numpy(np.asarray(y, dtype=np.int64)).to(xt.device)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(len(yt), generator=gen).to(xt.device)
        for i in range(0, len(yt), batch):
            idx = order[i:i + batch]
            opt.zero_grad()
            loss_fn(model(xt[idx]), yt[idx]).backward()
            opt.step()
        if epoch in checkpoints and on_checkpoint is not None:
            on_checkpoint(epoch, model)
    for p in model.parameters():
        p.requires_grad_(True)
    return model


def _fake_quantized(model: nn.Module, fmt: str) -> tuple[nn.Module, list]:
    """A copy of `model` with MX weights, and hooks rounding every weight layer's input."""
    q = copy.deepcopy(model)
    layers = weight_layers(q)
    with torch.no_grad():
        for layer in layers:
            w = layer.weight.detach().cpu().numpy()
            # blocks run along the reduction (input) dimension, as in a dot-product engine
            flat = w.reshape(w.shape[0], -1)
            layer.weight.copy_(torch.from_numpy(mx.quantize(flat, fmt).reshape(w.shape).astype(np.float32)))

    def round_input(_module, inputs):
        t = inputs[0].detach()
        x = t.cpu().numpy()
        moved = np.moveaxis(x, 1, -1) if x.ndim == 4 else x  # channels last: blocks over channels
        qx = mx.quantize(moved, fmt).astype(np.float32)
        out = np.ascontiguousarray(np.moveaxis(qx, -1, 1) if x.ndim == 4 else qx)
        return (torch.from_numpy(out).to(t.device),)

    hooks = [layer.register_forward_pre_hook(round_input) for layer in layers]
    return q, hooks


@torch.no_grad()
def predict(model: nn.Module, x: np.ndarray, fmt: str = "fp32") -> np.ndarray:
    """Class predictions for images `x`, in FP32 or an MX format."""
    net, hooks = (model, []) if fmt == "fp32" else _fake_quantized(model, fmt)
    net.eval()
    xt = _tensor(x)
    try:
        return torch.cat([net(xt[i:i + 512]).argmax(dim=1).cpu() for i in range(0, len(xt), 512)]).numpy()
    finally:
        for h in hooks:
            h.remove()


def accuracy(model: nn.Module, x: np.ndarray, y: np.ndarray, fmt: str = "fp32") -> float:
    return float(np.mean(predict(model, x, fmt) == np.asarray(y)))
