"""Study files (TOML) -> a validated `StudySpec`. Errors name the file and the key path.

A parameter in `[accel]` or `[policy.<name>]` is a fixed value, `{low, high[, step][, log]}`
(an int range when low/high/step are integers, else a float range), or `{choices = [...]}`.
The policies searched are the tables under `[policy]`; the policy name is itself a categorical
parameter, and each policy's parameters are conditional on it. See docs/studies.md.
"""

from __future__ import annotations

import inspect
import math
import pathlib
import tomllib
from dataclasses import dataclass, field
from typing import Any

from accel import AccelError, Design
from accel.design import RECORD_KEYS
from workloads import WorkloadError
from workloads.scenarios import load_scenario

from ..errors import SpecError
from ..sim.pairs import PAIRS
from ..sim.policies import POLICIES

#: objective name -> (direction, default hypervolume reference value, unit)
OBJECTIVES: dict[str, tuple[str, float, str]] = {
    "accuracy_pct": ("maximize", 0.0, "%"),
    "avg_power_w": ("minimize", 10.0, "W"),
    "energy_per_frame_j": ("minimize", 1.0, "J"),
    "area_mm2": ("minimize", 20.0, "mm^2"),
    "peak_power_w": ("minimize", 10.0, "W"),
}
#: constraint key in study files -> the metric it bounds from above (feasible: metric <= limit)
CONSTRAINTS: dict[str, str] = {"max_dropped_fraction": "dropped_fraction", "max_area_mm2": "area_mm2",
                               "max_peak_power_w": "peak_power_w", "max_avg_power_w": "avg_power_w"}
#: Most uncertainty draws a study may ask for per candidate (the batch grows by this factor).
MAX_DRAWS = 1000
SAMPLERS = ("nsga2", "nsga3", "tpe", "gp", "random", "qmc", "grid")
TOP_KEYS = ("name", "description", "pairs", "scenarios", "proxies", "vit_artifact", "n_trials", "batch_size", "seed",
            "uncertainty", "objectives", "constraints", "sampler", "hypervolume", "accel", "policy")


@dataclass(frozen=True)
class Dist:
    """One parameter: fixed (`value`), an int/float range, or categorical `choices`."""

    kind: str  # fixed | int | float | categorical
    value: Any = None
    low: float | None = None
    high: float | None = None
    step: float | None = None
    log: bool = False
    choices: tuple = ()

    def values(self) -> list:
        """Every value (for a grid); only for fixed, categorical and stepped int ranges."""
        if self.kind == "fixed":
            return [self.value]
        if self.kind == "categorical":
            return list(self.choices)
        if self.kind == "int":
            return list(range(int(self.low), int(self.high) + 1, int(self.step or 1)))
        raise ValueError("a float range has no finite grid")


@dataclass(frozen=True)
class StudySpec:
    path: str
    text: str
    name: str
    description: str
    pairs: tuple[str, ...]
    scenarios: tuple[str, ...]
    proxies: str | None
    vit_artifact: bool
    n_trials: int
    batch_size: int
    seed: int
    objectives: tuple[str, ...]
    constraints: dict[str, float]
    sampler: str
    sampler_options: dict[str, Any]
    hypervolume_reference: dict[str, float]
    accel: dict[str, Dist]
    policies: dict[str, dict[str, Dist]] = field(default_factory=dict)
    #: uncertainty draws per candidate (0: none): objectives are medians, reports give robustness
    uncertainty: int = 0

    @property
    def directions(self) -> list[str]:
        return [OBJECTIVES[o][0] for o in self.objectives]

    def reference_losses(self):
        """The hypervolume reference point as losses (every objective minimised: `pareto.to_losses`)."""
        import numpy as np

        from .pareto import to_losses

        return to_losses(np.array([[self.hypervolume_reference[o] for o in self.objectives]]), self.directions)[0]

    def limits(self) -> dict[str, float]:
        """metric -> upper limit, for the study's constraints: the one feasibility rule (a trial's
        constraint value is metric - limit, feasible when <= 0)."""
        return {CONSTRAINTS[key]: limit for key, limit in self.constraints.items()}


class _Reader:
    def __init__(self, source: str):
        self.source = source

    def fail(self, key: str, problem: str) -> SpecError:
        return SpecError(key, problem, self.source)

    def table(self, doc: Any, key: str, allowed: tuple[str, ...] | None) -> dict:
        if not isinstance(doc, dict):
            raise self.fail(key, f"must be a table, got {type(doc).__name__}")
        if allowed is not None:
            for k in doc:
                if k not in allowed:
                    raise self.fail(f"{key}.{k}" if key else k, f"unknown key (known: {', '.join(allowed)})")
        return doc

    def number(self, value: Any, key: str, low: float | None = None, integer: bool = False) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or (integer and not isinstance(value, int)):
            raise self.fail(key, f"must be {'an integer' if integer else 'a number'}, got {value!r}")
        if not math.isfinite(value):
            raise self.fail(key, f"must be finite, got {value!r}")
        if low is not None and value < low:
            raise self.fail(key, f"must be >= {low}, got {value!r}")
        return value

    def strings(self, value: Any, key: str) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise self.fail(key, f"must be a non-empty list of strings, got {value!r}")
        return tuple(value)

    def dist(self, raw: Any, key: str) -> Dist:
        if not isinstance(raw, dict):
            if isinstance(raw, float) and not math.isfinite(raw):
                raise self.fail(key, f"must be finite, got {raw!r}")
            return Dist("fixed", value=raw)
        self.table(raw, key, ("low", "high", "step", "log", "choices"))
        if "choices" in raw:
            if set(raw) != {"choices"}:
                raise self.fail(key, "give either choices or low/high, not both")
            choices = raw["choices"]
            if not isinstance(choices, list) or not choices:
                raise self.fail(f"{key}.choices", "must be a non-empty list")
            for c in choices:
                if isinstance(c, float) and not math.isfinite(c):
                    raise self.fail(f"{key}.choices", f"must be finite, got {c!r}")
            return Dist("categorical", choices=tuple(tuple(c) if isinstance(c, list) else c for c in choices))
        if "low" not in raw or "high" not in raw:
            raise self.fail(key, "a range needs both low and high (or give choices)")
        low = self.number(raw["low"], f"{key}.low")
        high = self.number(raw["high"], f"{key}.high")
        if low > high:
            raise self.fail(key, f"low {low} > high {high}")
        log = raw.get("log", False)
        if not isinstance(log, bool):
            raise self.fail(f"{key}.log", f"must be true or false, got {log!r}")
        if log and low <= 0:
            raise self.fail(f"{key}.low", f"a log range needs low > 0, got {low}")
        step = raw.get("step")
        if step is not None:
            step = self.number(step, f"{key}.step", low=0)
            if step == 0:
                raise self.fail(f"{key}.step", "must be > 0")
        bounds_int = all(isinstance(v, int) for v in (raw["low"], raw["high"]))
        integral = bounds_int and (step is None or isinstance(step, int))
        if log and step is not None:
            raise self.fail(key, "a range cannot have both step and log")
        return Dist("int" if integral else "float", low=low, high=high, step=step, log=log)


def _check_accel(reader: _Reader, accel: dict[str, Dist]) -> None:
    """Each fixed value and range end must make a valid design on its own. Combinations (a
    granularity that does not divide the rows) are checked per trial, where they fail the trial."""
    for key, dist in accel.items():
        if key == "preset":
            if dist.kind != "fixed":
                raise reader.fail("accel.preset", "must be a fixed preset name")
            candidates = [dist.value]
        elif dist.kind == "fixed":
            candidates = [dist.value]
        elif dist.kind == "categorical":
            candidates = [list(c) if isinstance(c, tuple) else c for c in dist.choices]
        else:
            candidates = [dist.low, dist.high]
        preset = accel["preset"].value if "preset" in accel else "dacapo"
        for value in candidates:
            record = {"preset": preset} if key == "preset" else {"preset": preset, key: value}
            if key == "rows":
                record["partition_granularity"] = 1
            if key == "partition_granularity" and isinstance(value, int) and not isinstance(value, bool) and value >= 1:
                record["rows"] = value  # a granularity is valid if some row count can take it
            try:
                Design.from_records([record])
            except AccelError as err:
                raise reader.fail(f"accel.{err.field}", err.problem) from None


def _check_policy_params(reader: _Reader, name: str, params: dict[str, Dist]) -> None:
    declared = POLICIES[name].params
    for key, dist in params.items():
        where = f"policy.{name}.{key}"
        if key not in declared:
            raise reader.fail(where, f"unknown parameter of {name} (known: {', '.join(declared) or 'none'})")
        spec = declared[key]
        values = list(dist.choices) if dist.kind == "categorical" else [dist.value] if dist.kind == "fixed" \
            else [dist.low, dist.high]
        for v in values:
            problem = spec.problem(v)  # the rule simulations apply too
            if problem:
                raise reader.fail(where, problem)
            if spec.integer and dist.kind == "float":
                raise reader.fail(where, "is an integer parameter: use integer bounds")


def _sampler_options(reader: _Reader, name: str, options: dict) -> dict:
    from .samplers import sampler_class

    accepted = inspect.signature(sampler_class(name).__init__).parameters
    for key in options:
        if key in ("seed", "constraints_func", "search_space") or key not in accepted:
            known = [k for k in accepted if k not in ("self", "seed", "constraints_func", "search_space")
                     and accepted[k].kind == inspect.Parameter.KEYWORD_ONLY]
            raise reader.fail(f"sampler.{key}", f"unknown option of {name} (known: {', '.join(known)})")
        default, value = accepted[key].default, options[key]
        # Optuna checks ranges, not types: a float or NaN population size fails only mid-study
        if isinstance(default, bool) and not isinstance(value, bool):
            raise reader.fail(f"sampler.{key}", f"must be true or false, got {value!r}")
        if isinstance(default, int) and not isinstance(default, bool) and (
                isinstance(value, bool) or not isinstance(value, int)):
            raise reader.fail(f"sampler.{key}", f"must be an integer, got {value!r}")
        if isinstance(default, float) and (isinstance(value, bool) or not isinstance(value, int | float)
                                           or not math.isfinite(value)):
            raise reader.fail(f"sampler.{key}", f"must be a finite number, got {value!r}")
    return options


def parse_spec(text: str, source: str) -> StudySpec:
    reader = _Reader(source)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise reader.fail("toml", f"malformed TOML: {err}") from None
    reader.table(doc, "", TOP_KEYS)
    name = doc.get("name")
    if not isinstance(name, str) or not name.strip() or any(c in name for c in "/\\"):
        raise reader.fail("name", f"must be a non-empty name without slashes, got {name!r}")
    pairs = reader.strings(doc.get("pairs", ["resnet18-wrn50"]), "pairs")
    for p in pairs:
        if p not in PAIRS:
            raise reader.fail("pairs", f"unknown pair {p!r} (known: {', '.join(PAIRS)})")
    scenarios = reader.strings(doc.get("scenarios", ["S1", "S2", "S3", "S4", "S5", "S6"]), "scenarios")
    base = pathlib.Path(source).parent
    resolved = []
    for s in scenarios:
        candidate = s if not s.endswith(".toml") else str(base / s)
        try:
            load_scenario(candidate)
        except WorkloadError as err:
            raise reader.fail("scenarios", f"{s}: {err.problem}") from None
        resolved.append(candidate)
    proxies = doc.get("proxies", "default")
    if not isinstance(proxies, str):
        raise reader.fail("proxies", f"must be 'default' or a path, got {proxies!r}")
    proxies_path = None if proxies == "default" else str(base / proxies)
    if proxies_path and not pathlib.Path(proxies_path).exists():
        raise reader.fail("proxies", f"file {proxies_path} does not exist")
    vit_artifact = doc.get("vit_artifact", False)
    if not isinstance(vit_artifact, bool):
        raise reader.fail("vit_artifact", f"must be true or false, got {vit_artifact!r}")
    n_trials = int(reader.number(doc.get("n_trials", 100), "n_trials", low=1, integer=True))
    batch = int(reader.number(doc.get("batch_size", 50), "batch_size", low=1, integer=True))
    seed = int(reader.number(doc.get("seed", 0), "seed", low=0, integer=True))
    uncertainty = int(reader.number(doc.get("uncertainty", 0), "uncertainty", low=0, integer=True))
    if uncertainty > MAX_DRAWS:
        raise reader.fail("uncertainty", f"must be at most {MAX_DRAWS} draws, got {uncertainty}")

    objectives_doc = reader.table(doc.get("objectives", {"accuracy_pct": "maximize", "avg_power_w": "minimize",
                                                        "area_mm2": "minimize"}), "objectives", tuple(OBJECTIVES))
    if not objectives_doc:
        raise reader.fail("objectives", "needs at least one objective")
    for key, direction in objectives_doc.items():
        if direction != OBJECTIVES[key][0]:
            raise reader.fail(f"objectives.{key}", f"can only be {OBJECTIVES[key][0]!r}, got {direction!r}")
    constraints_doc = reader.table(doc.get("constraints", {"max_dropped_fraction": 0.0}), "constraints",
                                   tuple(CONSTRAINTS))
    constraints = {k: float(reader.number(v, f"constraints.{k}", low=0)) for k, v in constraints_doc.items()}

    sampler_doc = dict(reader.table(doc.get("sampler", {}), "sampler", None))
    sampler = sampler_doc.pop("name", "nsga2" if len(objectives_doc) > 1 else "tpe")
    if sampler not in SAMPLERS:
        raise reader.fail("sampler.name", f"unknown sampler {sampler!r} (known: {', '.join(SAMPLERS)})")
    options = _sampler_options(reader, sampler, sampler_doc)

    hv_doc = reader.table(doc.get("hypervolume", {}), "hypervolume", ("reference",))
    ref_doc = reader.table(hv_doc.get("reference", {}), "hypervolume.reference", tuple(objectives_doc))
    reference = {o: float(reader.number(ref_doc.get(o, OBJECTIVES[o][1]), f"hypervolume.reference.{o}"))
                 for o in objectives_doc}

    accel_doc = reader.table(doc.get("accel", {}), "accel", RECORD_KEYS)
    accel = {k: reader.dist(v, f"accel.{k}") for k, v in accel_doc.items()}
    _check_accel(reader, accel)

    policy_doc = reader.table(doc.get("policy", {"dacapo-spatiotemporal": {}}), "policy", None)
    if not policy_doc:
        raise reader.fail("policy", "needs at least one [policy.<name>] table")
    policies = {}
    for pname, params in policy_doc.items():
        if pname not in POLICIES:
            raise reader.fail(f"policy.{pname}", f"unknown policy (known: {', '.join(POLICIES)})")
        reader.table(params, f"policy.{pname}", None)
        policies[pname] = {k: reader.dist(v, f"policy.{pname}.{k}") for k, v in params.items()}
        _check_policy_params(reader, pname, policies[pname])

    spec = StudySpec(source, text, name.strip(), str(doc.get("description", "")), pairs, tuple(resolved), proxies_path,
                     vit_artifact, n_trials, batch, seed, tuple(objectives_doc), constraints, sampler, options,
                     reference, accel, policies, uncertainty)
    problem = not_discrete(spec) if sampler == "grid" else None
    if problem:
        raise reader.fail(problem, "the grid sampler needs choices, a fixed value or a stepped int range")
    from .samplers import make_sampler

    make_sampler(spec, seed)  # bad option values (population_size = "x") fail here, before storage is touched
    return spec


def not_discrete(spec: StudySpec) -> str | None:
    """The key path of the first parameter a grid cannot enumerate, or None."""
    for where, dists in [("accel", spec.accel), *((f"policy.{p}", d) for p, d in spec.policies.items())]:
        for key, dist in dists.items():
            if dist.kind == "float" or (dist.kind == "int" and dist.log):
                return f"{where}.{key}"
    return None


def shipped_studies():
    """The shipped studies: `dse/studies_data`, a link to the top-level `studies/` folder in a
    source checkout and package data in an installed wheel."""
    from importlib import resources

    return resources.files("dse") / "studies_data"


def load_spec(path: str) -> StudySpec:
    p = pathlib.Path(path)
    if not p.is_file():
        shipped = shipped_studies() / (path if path.endswith(".toml") else f"{path}.toml")
        if not shipped.is_file():
            raise SpecError("study", f"{path!r} is neither a file nor a shipped study", path)
        return parse_spec(shipped.read_text(), str(shipped))
    try:
        text = p.read_text()
    except (OSError, UnicodeDecodeError) as err:
        raise SpecError("file", f"cannot read: {err}", str(p)) from None
    return parse_spec(text, str(p))
