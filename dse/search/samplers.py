"""Optuna samplers by the names study files use; each gets the study's seed."""

from __future__ import annotations

import logging
import warnings

import optuna

from ..errors import SpecError


def sampler_class(name: str):
    from . import generations

    return {
        "nsga2": generations.NSGAIISampler,  # Optuna's, without its O(trials) scan at every ask
        "nsga3": generations.NSGAIIISampler,
        "tpe": optuna.samplers.TPESampler,
        "gp": optuna.samplers.GPSampler,
        "random": optuna.samplers.RandomSampler,
        "qmc": optuna.samplers.QMCSampler,  # scrambled Sobol (seeded), see make_sampler
        # grid: every point is enqueued when the study is created (dse.space.grid_points); the
        # asks then take them in order. Optuna's GridSampler stops the study from inside
        # after_trial, which only works inside Study.optimize, not with batched ask/tell.
        "grid": optuna.samplers.RandomSampler,
    }[name]


class _OnceFilter(logging.Filter):
    def __init__(self):
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        first = message not in self.seen
        self.seen.add(message)
        return first


def _say_once(logger: logging.Logger) -> None:
    """Let each distinct message of `logger` through once per process."""
    if not any(isinstance(f, _OnceFilter) for f in logger.filters):
        logger.addFilter(_OnceFilter())


def make_sampler(spec, seed: int) -> optuna.samplers.BaseSampler:
    cls = sampler_class(spec.sampler)
    options = dict(spec.sampler_options)
    if spec.sampler == "qmc":
        options.setdefault("scramble", True)  # unscrambled Sobol points are the same for every seed
        # policy parameters are conditional, so QMC samples them at random: say so once, not per trial
        options.setdefault("warn_independent_sampling", False)
        _say_once(logging.getLogger("optuna.samplers._qmc"))
        import importlib.util

        if importlib.util.find_spec("scipy") is None:
            raise SpecError("sampler.name", "qmc needs SciPy: pip install 'cl-dse[qmc]'", spec.path)
    try:
        with warnings.catch_warnings():  # QMCSampler is "experimental" in Optuna 5
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            return cls(seed=seed, **options)
    except (TypeError, ValueError) as err:
        key = next((f"sampler.{k}" for k in options if k in str(err)), "sampler")
        raise SpecError(key, f"{spec.sampler}: {str(err).splitlines()[0]}", spec.path) from None
    except ImportError as err:  # the GP sampler needs PyTorch
        raise SpecError("sampler.name", f"{spec.sampler} needs an optional package: {err}", spec.path) from None
