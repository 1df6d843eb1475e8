"""Scenarios: a camera's drifting world as a sequence of segments, cut into fixed windows.

A segment has a duration and attributes (labels, time of day, location, weather); a change of
segment is a drift point. Shipped: DaCapo's S1-S6 and ES1/ES2 (workloads/data/scenarios).
"""

from __future__ import annotations

import functools
import pathlib
import tomllib
from dataclasses import dataclass
from importlib import resources

import numpy as np

from .errors import WorkloadError

ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "labels": ("traffic", "all"),
    "time_of_day": ("day", "night"),
    "location": ("city", "highway"),
    "weather": ("clear", "overcast", "snowy", "rainy"),
}
SCENARIO_DIR = resources.files("workloads") / "data" / "scenarios"
SCENARIO_KEYS = ("name", "description", "fps", "window_s", "warmup_windows", "segments")
SEGMENT_KEYS = ("duration_s", *ATTRIBUTES)


@dataclass(frozen=True)
class Segment:
    duration_s: float
    labels: str
    time_of_day: str
    location: str
    weather: str

    def changed_attributes(self, other: Segment) -> int:
        return sum(getattr(self, a) != getattr(other, a) for a in ATTRIBUTES)


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    fps: float
    window_s: float
    warmup_windows: int
    segments: tuple[Segment, ...]

    @property
    def duration_s(self) -> float:
        return sum(s.duration_s for s in self.segments)

    @property
    def n_windows(self) -> int:
        return int(round(self.duration_s / self.window_s))

    @property
    def segment_starts_s(self) -> np.ndarray:
        return np.concatenate([[0.0], np.cumsum([s.duration_s for s in self.segments])[:-1]])

    def segment_at(self, t_s: np.ndarray) -> np.ndarray:
        """Index of the segment running at times t_s."""
        return np.searchsorted(self.segment_starts_s, np.asarray(t_s, dtype=float), side="right") - 1

    def window_start_segments(self) -> np.ndarray:
        return self.segment_at(np.arange(self.n_windows) * self.window_s)


#: DaCapo's scenarios (Table II); the other shipped one is the demo stream's (`demo`).
DACAPO_SCENARIOS = ("S1", "S2", "S3", "S4", "S5", "S6", "ES1", "ES2")


@functools.cache
def builtin_scenarios() -> tuple[str, ...]:
    """Every shipped scenario: DaCapo's first, in their order, then the others by name."""
    names = (p.name[:-5] for p in SCENARIO_DIR.iterdir() if p.name.endswith(".toml"))
    return tuple(sorted(names, key=lambda n: (n not in DACAPO_SCENARIOS, n.startswith("E"), n)))


@functools.cache
def _builtin(name: str) -> Scenario:
    """Shipped scenarios are package data: parsed once per process."""
    return parse_scenario((SCENARIO_DIR / f"{name}.toml").read_text(), f"{name}.toml")


def load_scenario(spec: str) -> Scenario:
    """A shipped scenario by name (S1..S6, ES1, ES2) or a user TOML file (read every time)."""
    if spec in builtin_scenarios():
        return _builtin(spec)
    p = pathlib.Path(spec)
    if not p.exists():
        raise WorkloadError("scenario", f"{spec!r} is neither a shipped scenario "
                                        f"({', '.join(builtin_scenarios())}) nor a file")
    return parse_scenario(p.read_text(), str(p))


def _number(doc: dict, key: str, source: str, low: float, integer: bool = False) -> float:
    value = doc.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or (integer and not isinstance(value, int)):
        kind = "an integer" if integer else "a number"
        raise WorkloadError(key, f"must be {kind}, got {value!r}", source)
    if not np.isfinite(value) or value < low:
        raise WorkloadError(key, f"must be finite and >= {low}, got {value!r}", source)
    return value


def parse_scenario(text: str, source: str) -> Scenario:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise WorkloadError("toml", f"malformed TOML: {err}", source) from None
    for key in doc:
        if key not in SCENARIO_KEYS:
            raise WorkloadError(key, f"unknown key (known: {', '.join(SCENARIO_KEYS)})", source)
    name = doc.get("name")
    if not isinstance(name, str) or not name:
        raise WorkloadError("name", "must be a non-empty string", source)
    fps = _number(doc, "fps", source, 1e-9)
    window_s = _number(doc, "window_s", source, 1e-9)
    warmup = int(_number(doc, "warmup_windows", source, 0, integer=True)) if "warmup_windows" in doc else 0
    raw_segments = doc.get("segments")
    if not isinstance(raw_segments, list) or not raw_segments:
        raise WorkloadError("segments", "must be a non-empty array of tables ([[segments]])", source)
    segments = []
    for i, seg in enumerate(raw_segments):
        where = f"segments[{i}]"
        if not isinstance(seg, dict):
            raise WorkloadError(where, "must be a table", source)
        for key in seg:
            if key not in SEGMENT_KEYS:
                raise WorkloadError(f"{where}.{key}", f"unknown key (known: {', '.join(SEGMENT_KEYS)})", source)
        try:
            duration = _number(seg, "duration_s", source, 1e-9)
        except WorkloadError as err:
            raise WorkloadError(f"{where}.{err.field}", err.problem, source) from None
        values = {}
        for attr, allowed in ATTRIBUTES.items():
            value = seg.get(attr)
            if value not in allowed:
                raise WorkloadError(f"{where}.{attr}", f"must be one of {', '.join(allowed)}, got {value!r}", source)
            values[attr] = value
        segments.append(Segment(float(duration), **values))
    scenario = Scenario(name, str(doc.get("description", "")), float(fps), float(window_s), warmup, tuple(segments))
    ratio = scenario.duration_s / scenario.window_s
    if abs(ratio - round(ratio)) > 1e-9 or round(ratio) < 1:
        raise WorkloadError("segments", f"total duration {scenario.duration_s} s is not a whole number of "
                                        f"{scenario.window_s} s windows", source)
    if warmup >= scenario.n_windows:
        raise WorkloadError("warmup_windows", f"must be below the {scenario.n_windows} windows, got {warmup}", source)
    return scenario
