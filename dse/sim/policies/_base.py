"""`AllocationPolicy`: how a candidate shares its hardware between inference, labeling and
retraining, one window at a time. One module per policy; `POLICIES` registers them by the
name used in TOML and on the command line.

A policy declares its parameters (so studies can search them), may make offline decisions in
`setup` and keep per-scenario state across windows (`reset`), and returns a `Plan` per window.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from accel import FORMAT_NAMES

from ...errors import DseError
from ..costs import PairCosts
from ..curves import SegmentCurves
from ..engine import STEP_S, Plan, State, carried_over


@dataclass(frozen=True)
class Param:
    default: float | int | str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    integer: bool = False
    doc: str = ""


#: The MX formats a policy may run its kernels in (DaCapo's DPE modes).
MX_FORMATS: tuple[str, ...] = ("mx4", "mx6", "mx9")


#: The format GPU platforms compute in, for the accuracy delta: they run FP16/FP32 (DaCapo's
#: artifact: Ekya on Orin with AMP, the RTX 3090 run in FP32), and of the modelled formats the
#: 16-bit float BF16 is the one without a quantization loss (delta 0, as FP32's).
GPU_FORMAT = "bf16"


def precision_params(note: str = "") -> dict[str, Param]:
    """The inference/labeling and retraining format parameters most policies declare."""
    return {"infer_precision": Param("mx6", choices=MX_FORMATS, doc=f"inference and labeling format{note}"),
            "train_precision": Param("mx9", choices=MX_FORMATS, doc=f"retraining format{note}")}


@dataclass(frozen=True)
class WindowContext:
    window: int
    step_segments: np.ndarray  # (S,) segment index of each step
    state: State  # read only: the engine owns it
    curves: SegmentCurves
    fps: float
    window_s: float

    @property
    def n_steps(self) -> int:
        return len(self.step_segments)

    def drift_steps(self) -> list[int]:
        """Steps at which a new segment starts (step 0 if the window starts one)."""
        first = [0] if np.any(self.state.segment != self.step_segments[0]) else []
        return first + (np.flatnonzero(np.diff(self.step_segments)) + 1).tolist()

    def on_first_segment(self, progress: np.ndarray) -> np.ndarray:
        """`progress` (per candidate, on the state's segment) as it stands on the window's first
        segment: carried over where the window starts a new one."""
        first = self.step_segments[0]
        same = self.state.segment == first
        return np.where(same, progress, carried_over(progress, self.curves, self.state.segment, first))

    def accuracy_across_drift(self, k: int, fmt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(accuracy before, accuracy after) the drift that starts at step k, as a policy can know
        them: the deployed student's progress before a drift at the window's start; for a later
        drift the retraining of this window is not known yet, so none."""
        n = len(self.state.segment)
        old = self.state.segment if k == 0 else np.full(n, self.step_segments[k - 1])
        progress = self.state.applied if k == 0 else np.zeros(n)
        return (self.curves.accuracy(progress, old, fmt),
                self.curves.accuracy(carried_over(progress, self.curves, old, self.step_segments[k]),
                                     np.full(n, self.step_segments[k]), fmt))


class AllocationPolicy(ABC):
    name: ClassVar[str]
    summary: ClassVar[str]
    paper: ClassVar[str]
    params: ClassVar[dict[str, Param]] = {}
    experimental: ClassVar[bool] = False
    spatial: ClassVar[bool] = False  # needs a partitionable array (not a GPU)
    frozen_training: ClassVar[bool] = False  # reads the frozen-layer training costs

    def __init__(self, costs: PairCosts, values: Mapping[str, object] | None = None, fps: float = 30.0):
        self.costs = costs
        self.fps = fps
        self.n = costs.n_candidates
        self.p = self._parse(dict(values or {}))
        if self.spatial and costs.time_shared:
            raise DseError("policy", f"{self.name} partitions an array spatially; it cannot run on a GPU platform")
        self.setup()

    def _parse(self, values: dict[str, object]) -> dict[str, np.ndarray]:
        unknown = set(values) - set(self.params)
        if unknown:
            raise DseError(f"policy.{sorted(unknown)[0]}", f"unknown parameter of {self.name} "
                                                           f"(known: {', '.join(self.params) or 'none'})")
        out = {}
        for key, spec in self.params.items():
            raw = values.get(key, spec.default)
            if spec.choices is not None:
                arr = np.broadcast_to(np.asarray(raw, dtype=object), (self.n,))
                bad = [v for v in arr if v not in spec.choices]
                if bad:
                    raise DseError(f"policy.{key}", f"must be one of {', '.join(spec.choices)}, got {bad[0]!r}")
                out[key] = np.array([spec.choices.index(v) for v in arr])
                continue
            arr = np.broadcast_to(np.asarray(raw, dtype=np.float64), (self.n,)).copy()
            if not np.all(np.isfinite(arr)) or (spec.low is not None and np.any(arr < spec.low)) or \
                    (spec.high is not None and np.any(arr > spec.high)):
                raise DseError(f"policy.{key}", f"must be in [{spec.low}, {spec.high}], got {raw!r}")
            if spec.integer and np.any(arr != np.round(arr)):
                raise DseError(f"policy.{key}", f"must be an integer, got {raw!r}")
            out[key] = arr
        return out

    @classmethod
    def kernel_formats(cls, params: Mapping[str, object]) -> dict[str, set[str]]:
        """The cost tables (kernel -> formats) a batch with these parameters reads, so only those
        are computed. Default: inference, labeling and validation in `infer_precision`, training
        in `train_precision` (all MX formats for a policy without the parameter)."""
        def chosen(name: str) -> set[str]:
            if name not in cls.params:
                return set(MX_FORMATS)
            return {str(v) for v in np.atleast_1d(np.asarray(params.get(name, cls.params[name].default), dtype=object))}

        infer, train = chosen("infer_precision"), chosen("train_precision")
        out = {"infer": infer, "label": infer, "val": infer, "train": train}
        if cls.frozen_training:
            out["train_frozen"] = train
        return out

    def formats(self, param: str) -> np.ndarray:
        """Per candidate, the `accel.FORMAT_NAMES` index of an MX precision parameter; on a GPU
        platform (where the MX parameters do not apply) `GPU_FORMAT`."""
        if self.costs.time_shared:
            return np.full(self.n, FORMAT_NAMES.index(GPU_FORMAT))
        return np.array([FORMAT_NAMES.index(MX_FORMATS[i]) for i in self.p[param]])

    def fewest_infer_rows(self) -> np.ndarray:
        """DaCapo's spatial step for each candidate, in its own `infer_precision`."""
        return np.choose(self.p["infer_precision"],
                         [fewest_inference_units(self.costs, fmt_index(f), self.fps) for f in MX_FORMATS])

    def spatial_setup(self) -> None:
        """DaCapo's split, for policies that partition an array: formats, the fewest inference
        rows meeting the frame rate, the other side's rows, and each kernel's seconds per item."""
        c = self.costs
        self.f_inf = self.formats("infer_precision")
        self.f_train = self.formats("train_precision")
        self.infer_rows = self.fewest_infer_rows()
        self.b_rows = c.units - self.infer_rows
        self.t_inf = c.pick("infer_s", self.f_inf, self.infer_rows)
        self.t_label = c.pick("label_s", self.f_inf, self.b_rows)
        self.t_train = c.pick("train_s", self.f_train, self.b_rows)
        self.t_val = c.pick("val_s", self.f_inf, self.b_rows)

    def setup(self) -> None:  # noqa: B027 - optional hook, nothing by default
        """Offline decisions (e.g. a spatial split). Nothing by default."""

    def reset(self) -> None:  # noqa: B027 - optional hook, nothing by default
        """Forget per-scenario state before a new scenario. Nothing by default."""

    @abstractmethod
    def plan(self, ctx: WindowContext) -> Plan:
        """The allocation of one window."""


# --- helpers shared by policies --------------------------------------------------------------


def fmt_index(name: str) -> int:
    return FORMAT_NAMES.index(name)


def fewest_inference_units(costs: PairCosts, fmt: int, fps: float) -> np.ndarray:
    """DaCapo's spatial step: the fewest rows (a multiple of the granularity) whose inference
    meets the frame rate, keeping at least one granule for the other sub-accelerator; a design
    that cannot meet it anywhere gets all but one granule."""
    table = costs.per_candidate("infer_s", fmt)
    units = np.arange(table.shape[1])[None, :]
    g = costs.granularity[:, None]
    allowed = (units >= g) & (units % g == 0) & (units <= costs.units[:, None] - g)
    meets = allowed & (table <= 1.0 / fps)
    first = np.where(meets.any(axis=1), np.argmax(meets, axis=1), costs.units - costs.granularity)
    return np.maximum(first, 0)


def steps_of(seconds: np.ndarray) -> np.ndarray:
    return np.ceil(np.asarray(seconds) / STEP_S - 1e-9).astype(np.int64)
