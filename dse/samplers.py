"""Optuna samplers by the names study files use; each gets the study's seed."""

from __future__ import annotations

import optuna

from .errors import SpecError


def sampler_class(name: str):
    return {
        "nsga2": optuna.samplers.NSGAIISampler,
        "nsga3": optuna.samplers.NSGAIIISampler,
        "tpe": optuna.samplers.TPESampler,
        "gp": optuna.samplers.GPSampler,
        "random": optuna.samplers.RandomSampler,
        "grid": optuna.samplers.GridSampler,
    }[name]


def make_sampler(spec, seed: int, grid_space: dict | None = None) -> optuna.samplers.BaseSampler:
    cls = sampler_class(spec.sampler)
    options = dict(spec.sampler_options)
    if spec.sampler == "grid":
        return cls(grid_space, seed=seed)
    try:
        return cls(seed=seed, **options)
    except (TypeError, ValueError) as err:
        raise SpecError("sampler", f"{spec.sampler}: {err}", spec.path) from None
