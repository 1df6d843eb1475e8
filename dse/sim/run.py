"""Run one system (a design or a GPU platform, with a policy) on a model pair and scenarios."""

from __future__ import annotations

from collections.abc import Mapping

from accel import PLATFORMS, Design, load_design

from ..errors import DseError
from .costs import accel_pair_costs, gpu_pair_costs
from .curves import CurveBook
from .params import SimParams
from .policies import POLICIES
from .simulate import SimResult, simulate
from .uncertainty import Draws


def policy_class(name: str):
    if name not in POLICIES:
        raise DseError("policy", f"unknown policy {name!r} (known: {', '.join(POLICIES)})")
    return POLICIES[name]


def run_system(target: str | Design, policy: str, policy_params: Mapping[str, object] | None, student: str,
               teacher: str, scenarios: tuple[str, ...], vit_attention: bool = True, book: CurveBook | None = None,
               record: int | None = None, *, params: SimParams | None = None, seed: int = 0,
               engine: str | None = None, draws: Draws | None = None) -> SimResult:
    """`target` is a GPU platform name (orin-low, orin-high, rtx3090), a design preset or TOML
    file, or a `Design` (a batch: one result row per candidate). The keywords are `simulate`'s."""
    cls = policy_class(policy)
    if isinstance(target, Design):
        costs = accel_pair_costs(target, student, teacher, vit_attention=vit_attention)
    elif target in PLATFORMS:
        costs = gpu_pair_costs(PLATFORMS[target], student, teacher, vit_attention=vit_attention)
    else:
        costs = accel_pair_costs(load_design(target), student, teacher, vit_attention=vit_attention)
    return simulate(costs, cls, policy_params, student, teacher, scenarios, book, record, params=params, seed=seed,
                    engine=engine, draws=draws)
