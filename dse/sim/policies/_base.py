"""`AllocationPolicy`: how a candidate shares its hardware between inference, labeling and
retraining, one window at a time. One module per policy; `POLICIES` registers them by the
name used in TOML and on the command line.

A policy declares its parameters (so studies can search them), may make offline decisions in
`setup` and keep per-scenario state across windows (`reset`), and returns a `Plan` per window.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import ClassVar

import numpy as np

from accel import FORMAT_NAMES

from ...errors import DseError
from ..contracts import Param, Plan, Schedule, WindowContext
from ..costs import PairCosts
from ..seeding import candidate_seeds

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


def bsa_params() -> dict[str, Param]:
    """The labeling/retraining cadence of DaCapo's B-SA that ALERT and Dynamic-OFA reuse."""
    return {"n_t": Param(324, 16, 10000, integer=True, doc="samples per retraining epoch"),
            "n_l": Param(108, 1, 10000, integer=True, doc="samples labeled between epochs"),
            "c_b": Param(1080, 16, 100000, integer=True, doc="sample buffer capacity")}


def bsa_cadence(costs: PairCosts, p: Mapping[str, np.ndarray], f_label, f_train, rows: np.ndarray
                ) -> dict[str, np.ndarray]:
    """B-SA on `rows` rows (`bsa_params`): label n_l samples, then run an epoch of n_t, over and
    over. The period of one round (inf where there are no rows or no way to run), the energy of a
    labeled sample and of an epoch."""
    period = p["n_l"] * costs.pick("label_s", f_label, rows) + p["n_t"] * costs.pick("train_s", f_train, rows)
    return {"period": np.where(rows > 0, period, np.inf), "j_label": costs.pick("label_j", f_label, rows),
            "j_epoch": p["n_t"] * costs.pick("train_j", f_train, rows)}


def bsa_plan(p: Mapping[str, np.ndarray], period: np.ndarray, j_label: np.ndarray, j_epoch: np.ndarray) -> dict:
    """The `Plan` fields of a `bsa_cadence` (nothing labeled or trained where it cannot run)."""
    ok = np.isfinite(period)
    safe = np.where(ok, period, 1.0)
    return {"rates": Schedule.constant(np.where(ok, p["n_l"] / safe, 0.0), np.where(ok, 1.0 / safe, 0.0)),
            "buffer_capacity": p["c_b"], "label_j_per_sample": np.where(ok, j_label, 0.0),
            "epoch_j": np.where(ok, j_epoch, 0.0)}


class AllocationPolicy(ABC):
    name: ClassVar[str]
    summary: ClassVar[str]
    paper: ClassVar[str]
    params: ClassVar[dict[str, Param]] = {}
    experimental: ClassVar[bool] = False
    spatial: ClassVar[bool] = False  # needs a partitionable array (not a GPU)
    frozen_training: ClassVar[bool] = False  # reads the frozen-layer training costs
    #: deploys members of a model family (`pairs.FAMILIES`) window by window (`Plan.curve_row`)
    deploys_variants: ClassVar[bool] = False

    def __init__(self, costs: PairCosts, values: Mapping[str, object] | None = None, fps: float = 30.0,
                 seed: int = 0):
        self.costs = costs
        self.fps = fps
        self.n = costs.n_candidates
        self.seed = seed
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
            raw = np.asarray(values.get(key, spec.default), dtype=object)
            if raw.ndim > 1 or (raw.ndim == 1 and len(raw) != self.n):
                raise DseError(f"policy.{key}", f"must be one value or one per candidate ({self.n}), "
                                                f"got shape {raw.shape}")
            distinct = dict.fromkeys(np.atleast_1d(raw).tolist())  # few: checked one by one
            for value in distinct:
                problem = spec.problem(value)
                if problem:
                    raise DseError(f"policy.{key}", problem)
            arr = np.broadcast_to(raw, (self.n,))
            if spec.choices is not None:
                index = {c: i for i, c in enumerate(spec.choices)}
                out[key] = np.array([index[v] for v in arr.tolist()], dtype=np.int64)
            else:
                out[key] = arr.astype(np.float64)
        return out

    def candidate_seeds(self) -> np.ndarray:
        """(C,) seeds of each candidate's random stream (`seeding`): from the base seed and the
        candidate's own parameters, so a result does not depend on the batch it ran in."""
        return candidate_seeds(self.seed, self.name, self.p, self.n)

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
        if cls.deploys_variants:
            out["variant_infer"] = infer
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


def member_accuracy(ctx: WindowContext, member: int | None, fmt) -> np.ndarray:
    """The accuracy a model-family member (a curves row, `CurveBook.family`; None: the student's
    own curves) is predicted to have at the window's start, at the deployed progress."""
    from dataclasses import replace

    n = len(ctx.state.segment)
    own = ctx if member is None else replace(ctx, curves=ctx.curves.with_rows(np.full(n, member)))
    return own.curves.accuracy(own.on_first_segment(ctx.state.applied), np.full(n, ctx.step_segments[0]), fmt)


def fmt_index(name: str) -> int:
    return FORMAT_NAMES.index(name)


def fewest_inference_units(costs: PairCosts, fmt: int, fps: float, variant: int | None = None) -> np.ndarray:
    """DaCapo's spatial step: the fewest rows (a multiple of the granularity) whose inference
    meets the frame rate, keeping at least one granule for the other sub-accelerator; a design
    that cannot meet it anywhere gets all but one granule. `variant`: a model-family member's
    inference (`PairCosts.variant_infer_s`) instead of the student's."""
    table = costs.member_infer_table("s", variant)[costs.index, fmt, :]
    units = np.arange(table.shape[1])[None, :]
    g = costs.granularity[:, None]
    allowed = (units >= g) & (units % g == 0) & (units <= costs.units[:, None] - g)
    meets = allowed & (table <= 1.0 / fps)
    first = np.where(meets.any(axis=1), np.argmax(meets, axis=1), costs.units - costs.granularity)
    return np.maximum(first, 0)
