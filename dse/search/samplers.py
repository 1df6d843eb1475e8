"""Optuna samplers by the names study files use; each gets the study's seed."""

from __future__ import annotations

import optuna

from ..errors import SpecError


def sampler_class(name: str):
    return {
        "nsga2": optuna.samplers.NSGAIISampler,
        "nsga3": optuna.samplers.NSGAIIISampler,
        "tpe": optuna.samplers.TPESampler,
        "gp": optuna.samplers.GPSampler,
        "random": optuna.samplers.RandomSampler,
        # grid: every point is enqueued when the study is created (dse.space.grid_points); the
        # asks then take them in order. Optuna's GridSampler stops the study from inside
        # after_trial, which only works inside Study.optimize, not with batched ask/tell.
        "grid": optuna.samplers.RandomSampler,
    }[name]


def make_sampler(spec, seed: int) -> optuna.samplers.BaseSampler:
    cls = sampler_class(spec.sampler)
    options = dict(spec.sampler_options)
    try:
        return cls(seed=seed, **options)
    except (TypeError, ValueError) as err:
        key = next((f"sampler.{k}" for k in options if k in str(err)), "sampler")
        raise SpecError(key, f"{spec.sampler}: {str(err).splitlines()[0]}", spec.path) from None
    except ImportError as err:  # the GP sampler needs PyTorch
        raise SpecError("sampler.name", f"{spec.sampler} needs an optional package: {err}", spec.path) from None
