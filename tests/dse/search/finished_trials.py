"""Finished trials with edge values, for tests of the storages that write them in bulk."""

from __future__ import annotations

import datetime

import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.trial import TrialState

T0 = datetime.datetime(2026, 1, 2, 3, 4, 5, 678000)


def edge_trials() -> list[optuna.trial.FrozenTrial]:
    """Two-objective trials: categorical and log parameters, infinite objectives, a failed trial
    without values; started at T0, finished a second later."""
    dists = {"x": FloatDistribution(0.0, 1.0), "n": IntDistribution(1, 64, log=True),
             "c": CategoricalDistribution(["a", 3, None])}
    out = [
        optuna.trial.create_trial(params={"x": 0.25, "n": 8, "c": "a"}, distributions=dists, values=[1.5, -2.0],
                                  user_attrs={"metrics": {"a": 1.0}}, system_attrs={"k": [1, 2]}),
        optuna.trial.create_trial(params={"x": 0.5, "n": 64, "c": None}, distributions=dists,
                                  values=[float("inf"), float("-inf")]),
        optuna.trial.create_trial(params={"x": 1.0, "n": 1, "c": 3}, distributions=dists, state=TrialState.FAIL,
                                  user_attrs={"fail_reason": "no"}),
    ]
    for t in out:
        t.datetime_start, t.datetime_complete = T0, T0 + datetime.timedelta(seconds=1)
    return out
