"""`simulate`: a batch of candidates under one policy, over scenarios, window by window."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from workloads.scenarios import load_scenario

from ..errors import DseError
from .contracts import State, WindowContext
from .costs import PairCosts
from .curves import CurveBook, draw_curves
from .engine import run_window
from .params import SimParams
from .uncertainty import Draws


def geomean(values: np.ndarray, axis: int) -> np.ndarray:
    """Geometric mean along `axis` (DaCapo's metric, over windows and over scenarios); an
    accuracy of 0 counts as 1e-12."""
    return np.exp(np.mean(np.log(np.maximum(values, 1e-12)), axis=axis))


@dataclass
class SimResult:
    scenarios: tuple[str, ...]
    window_accuracy: np.ndarray  # (C, scenarios, windows), all windows incl. warm-up
    #: (C, scenarios) geometric mean over the evaluated (non-warm-up) windows, as DaCapo's artifact
    #: scores every system (script/summarize/figure_9.py: gmean of the per-window accuracies)
    scenario_accuracy: np.ndarray
    processed: np.ndarray  # (C, scenarios) fraction of frames processed in time
    energy_j: np.ndarray  # (C, scenarios) over the evaluated windows
    power_w: np.ndarray  # (C,) average over all evaluated windows of all scenarios
    #: (C, scenarios, windows) samples labeled, retraining epochs run, energy: kept only when a
    #: candidate is recorded (`simulate(record=...)`, the per-window table of `dse simulate`), else
    #: None -- a batch of 20,000 candidates would otherwise allocate 40 MB for nobody
    window_labels: np.ndarray | None
    window_epochs: np.ndarray | None
    window_energy_j: np.ndarray | None
    evaluated_s: np.ndarray  # (scenarios,) seconds of the evaluated windows of each scenario
    step_s: float  # the simulation step the timeline is sampled at
    timeline: list[dict] = field(default_factory=list)  # per window, for the recorded candidate
    n_draws: int = 1  # rows per candidate: C x N rows, candidate-major, with uncertainty draws

    @property
    def geomean_accuracy(self) -> np.ndarray:
        """Geometric mean over scenarios of the per-scenario accuracy (DaCapo's metric)."""
        return geomean(self.scenario_accuracy, axis=1)

    @property
    def mean_accuracy(self) -> np.ndarray:
        return self.scenario_accuracy.mean(axis=1)

    @property
    def dropped_fraction(self) -> np.ndarray:
        return 1.0 - self.processed.mean(axis=1)

    @property
    def scenario_power_w(self) -> np.ndarray:
        """(C, scenarios) average power over each scenario's evaluated windows."""
        return self.energy_j / self.evaluated_s[None, :]


def simulate(costs: PairCosts, policy_cls, policy_params: Mapping[str, object] | None, student: str, teacher: str,
             scenarios: tuple[str, ...], book: CurveBook | None = None, record: int | None = None, *,
             params: SimParams | None = None, seed: int = 0, engine: str | None = None,
             draws: Draws | None = None) -> SimResult:
    """Simulate every candidate of `costs` under `policy_cls` with `policy_params` on `scenarios`.
    `params` holds the simulator's constants (scalars or one value per candidate); `seed` is the
    base seed of stochastic policies, which seed each candidate from it and the candidate's own
    parameters, so a candidate's result does not depend on its batch; `engine` is numba or numpy
    (None: `engine.engine_name()`). With `draws`, every candidate runs once per draw, in one
    batch: the result has C x N rows, candidate-major (`SimResult.n_draws`), and the drawn
    constants replace `params`' uncertain ones."""
    book = book or CurveBook()
    n_draws, curve_rows = 1, None
    family = costs.variants if getattr(policy_cls, "deploys_variants", False) else ()
    if family and draws is not None:
        raise DseError("uncertainty", f"{policy_cls.name} deploys members of a model family; it cannot run with "
                                      "uncertainty draws yet")
    if draws is not None:
        n_candidates, n_draws = costs.n_candidates, draws.n
        expand = draws.candidates(n_candidates)
        costs = costs.take(expand)
        policy_params = {k: (np.asarray(v)[expand] if np.ndim(v) == 1 else v) for k, v in (policy_params or {}).items()}
        params = replace(draws.params_for(n_candidates), step_s=(params or SimParams()).step_s)
        curve_rows = draws.rows(n_candidates)
        record = None if record is None else record * n_draws
    sim = (params or SimParams()).resolve(costs.n_candidates)
    loaded = [load_scenario(s) for s in scenarios]
    n = costs.n_candidates
    n_windows = max(s.n_windows for s in loaded)
    # (outputs, scenarios, windows, C): each window writes contiguous rows; viewed as (C, S, W) at the end.
    # Accuracy always; labels, epochs and energy only for a recorded run.
    per_window = np.empty((1 if record is None else 4, len(loaded), n_windows, n))  # the rest: NaN below
    scen_acc = np.zeros((n, len(loaded)))
    processed = np.zeros((n, len(loaded)))
    energy = np.zeros((n, len(loaded)))
    evaluated_s = np.zeros(len(loaded))
    timeline: list[dict] = []
    policies = {}
    for j, scen in enumerate(loaded):
        curves = book.family(family, teacher, scen.name, len(scen.segments)) if family else \
            book.get(student, teacher, scen.name, len(scen.segments))
        if draws is not None:
            sd = book.sd(student, teacher, scen.name, len(scen.segments))
            curves = draw_curves(curves, sd, draws.z).with_rows(curve_rows)
        if scen.fps not in policies:
            policies[scen.fps] = policy_cls(costs, policy_params, fps=scen.fps, seed=seed)
        policy = policies[scen.fps]
        policy.reset()
        state = State.initial(n)
        steps = int(round(scen.window_s / sim.step_s))
        for w in range(scen.n_windows):
            step_segments = scen.segment_at(w * scen.window_s + np.arange(steps) * sim.step_s)
            if w == 0:
                state.segment[:] = step_segments[0]
            ctx = WindowContext(w, step_segments, state, curves, scen.fps, scen.window_s, sim)
            plan = policy.plan(ctx)
            out = run_window(state, plan, step_segments, curves, scen.fps, keep_steps=record is not None,
                             engine=engine, sim=sim)
            for k, values in enumerate((out.accuracy, out.labels, out.epochs, out.energy_j)[:len(per_window)]):
                per_window[k, j, w] = values
            if w >= scen.warmup_windows:
                processed[:, j] += plan.processed
                energy[:, j] += out.energy_j
            if record is not None:
                label_rate, epoch_rate = plan.rates.take([record]).dense(steps, sim.step_s)
                timeline.append({"scenario": scen.name, "window": w, "segments": step_segments,
                                 "accuracy": out.step_accuracy[record], "processed": float(plan.processed[record]),
                                 "label_rate": label_rate[0], "epoch_rate": epoch_rate[0]})
        per_window[:, j, scen.n_windows:] = np.nan  # a shorter scenario has no such windows
        evaluated = scen.n_windows - scen.warmup_windows
        scen_acc[:, j] = geomean(per_window[0, j, scen.warmup_windows:scen.n_windows], axis=0)
        processed[:, j] /= evaluated
        evaluated_s[j] = evaluated * scen.window_s
    window_acc, *detail = np.moveaxis(per_window, -1, 1)
    window_labels, window_epochs, window_energy = detail or (None, None, None)
    return SimResult(tuple(scenarios), window_acc, scen_acc, processed, energy, energy.sum(axis=1) / evaluated_s.sum(),
                     window_labels, window_epochs, window_energy, evaluated_s, sim.step_s, timeline, n_draws)
