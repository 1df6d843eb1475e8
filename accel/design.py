"""`Design`: a batch of candidate accelerators as a struct of equal-length numpy arrays.

A batch is validated once, when built; code inside `accel` then trusts the arrays. One batch
comes straight from one batch of Optuna trials (see `dse.space`).
"""

from __future__ import annotations

import pathlib
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

import numpy as np

from .errors import AccelError
from .formats import ALL_FORMATS_MASK, FORMAT_BIT, mask_names, modes_mask

DATAFLOWS: tuple[str, ...] = ("os", "ws", "is")
PE_KINDS: tuple[str, ...] = ("mac", "dpe")
MAX_ARRAY_DIM = 4096


@dataclass(frozen=True, eq=False)
class Design:
    """Candidate accelerators; element i of every array describes candidate i.

    rows, cols              PE array size (rows are split between sub-accelerators)
    partition_granularity   sub-accelerators get multiples of this many rows
    precision_modes         bit set over `accel.formats.FORMAT_NAMES`
    dataflow                index into DATAFLOWS (os / ws / is)
    sram_kb                 on-chip buffer capacity, KiB
    dram_gbps               off-chip bandwidth, GB/s (1e9 bytes/s)
    freq_mhz                clock, MHz
    pe_kind                 index into PE_KINDS (scalar MAC or dot-product engine)
    dpe_width               elements per DPE step (B); 1 for a scalar MAC
    """

    rows: np.ndarray
    cols: np.ndarray
    partition_granularity: np.ndarray
    precision_modes: np.ndarray
    dataflow: np.ndarray
    sram_kb: np.ndarray
    dram_gbps: np.ndarray
    freq_mhz: np.ndarray
    pe_kind: np.ndarray
    dpe_width: np.ndarray

    def __post_init__(self) -> None:
        n = None
        for f in fields(self):
            dtype = np.float64 if f.name in _FLOAT_FIELDS else np.int64
            value = np.atleast_1d(np.asarray(getattr(self, f.name)))
            if value.ndim != 1:
                raise AccelError(f.name, f"must be one-dimensional, got shape {value.shape}")
            if dtype is np.int64:
                if not np.issubdtype(value.dtype, np.integer):
                    if not np.issubdtype(value.dtype, np.number) or not np.all(value == np.round(value)):
                        bad = _first(~_is_integral(value))
                        raise AccelError(f.name, f"must be an integer, got {value[bad].item()!r}", bad)
            elif not np.issubdtype(value.dtype, np.number):
                raise AccelError(f.name, f"must be a number, got {value.dtype}")
            value = value.astype(dtype)
            value.setflags(write=False)
            object.__setattr__(self, f.name, value)
            if n is None:
                n = len(value)
            elif len(value) != n:
                raise AccelError(f.name, f"has {len(value)} candidates, expected {n}")
        _validate(self)

    def __len__(self) -> int:
        return len(self.rows)

    # -- construction -------------------------------------------------------------------
    @classmethod
    def from_arrays(cls, **arrays: object) -> Design:
        """Build from arrays; missing fields take the `dacapo` preset's values."""
        unknown = set(arrays) - set(FIELD_NAMES)
        if unknown:
            raise AccelError(sorted(unknown)[0], f"unknown design field (known: {', '.join(FIELD_NAMES)})")
        n = max((np.size(v) for v in arrays.values()), default=1)
        base = PRESETS["dacapo"]
        full = {k: np.broadcast_to(np.asarray(arrays.get(k, base[k])), (n,)) for k in FIELD_NAMES}
        return cls(**full)

    @classmethod
    def from_records(cls, records: Sequence[Mapping[str, object]], source: str | None = None) -> Design:
        """Build from human-readable dicts (TOML tables); each may start from a `preset`."""
        columns: dict[str, list] = {k: [] for k in FIELD_NAMES}
        for i, record in enumerate(records):
            try:
                values = _record_values(record)
            except AccelError as err:
                raise AccelError(err.field, err.problem, i if len(records) > 1 else None, source) from None
            for k in FIELD_NAMES:
                columns[k].append(values[k])
        try:
            return cls(**{k: np.asarray(v) for k, v in columns.items()})
        except AccelError as err:
            raise err.with_source(source) if source else err from None

    @classmethod
    def preset(cls, name: str) -> Design:
        if name not in PRESETS:
            raise AccelError("design", f"unknown preset {name!r} (known: {', '.join(PRESETS)})")
        return cls.from_records([{"preset": name}])

    # -- views ----------------------------------------------------------------------------
    def take(self, index: np.ndarray | Sequence[int] | slice) -> Design:
        return Design(**{k: getattr(self, k)[index] for k in FIELD_NAMES})

    def supports(self, fmt_index: int) -> np.ndarray:
        """Boolean per candidate: does it support format `fmt_index`?"""
        return (self.precision_modes >> fmt_index) & 1 == 1

    def to_records(self) -> list[dict[str, object]]:
        """Human-readable dicts, the inverse of `from_records`."""
        out = []
        for i in range(len(self)):
            out.append({
                "rows": int(self.rows[i]),
                "cols": int(self.cols[i]),
                "partition_granularity": int(self.partition_granularity[i]),
                "precision_modes": mask_names(int(self.precision_modes[i])),
                "dataflow": DATAFLOWS[self.dataflow[i]],
                "sram_kb": float(self.sram_kb[i]),
                "dram_gbps": float(self.dram_gbps[i]),
                "freq_mhz": float(self.freq_mhz[i]),
                "pe": PE_KINDS[self.pe_kind[i]],
                "dpe_width": int(self.dpe_width[i]),
            })
        return out


FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Design))
_FLOAT_FIELDS = frozenset({"sram_kb", "dram_gbps", "freq_mhz"})

#: Human-readable keys accepted in TOML / dict records (`pe` and names for codes).
RECORD_KEYS: tuple[str, ...] = (
    "preset", "rows", "cols", "partition_granularity", "precision_modes", "dataflow",
    "sram_kb", "dram_gbps", "freq_mhz", "pe", "dpe_width",
)

PRESETS: dict[str, dict[str, object]] = {
    # DaCapo (ISCA 2024): 16x16 DPEs (B = 16), split by single rows, MX4/MX6/MX9, output
    # stationary, 96 KB SRAM, 500 MHz, LPDDR5 at 204.8 GB/s (reference/dacapo.md, "Hardware").
    "dacapo": {
        "rows": 16, "cols": 16, "partition_granularity": 1,
        "precision_modes": FORMAT_BIT["mx4"] | FORMAT_BIT["mx6"] | FORMAT_BIT["mx9"],
        "dataflow": DATAFLOWS.index("os"), "sram_kb": 96.0, "dram_gbps": 204.8, "freq_mhz": 500.0,
        "pe_kind": PE_KINDS.index("dpe"), "dpe_width": 16,
    },
    # A scalar-MAC systolic array of the same size and memory, as SCALE-Sim models it.
    "systolic-16x16": {
        "rows": 16, "cols": 16, "partition_granularity": 1,
        "precision_modes": FORMAT_BIT["int8"],
        "dataflow": DATAFLOWS.index("os"), "sram_kb": 96.0, "dram_gbps": 204.8, "freq_mhz": 500.0,
        "pe_kind": PE_KINDS.index("mac"), "dpe_width": 1,
    },
}


def load_design(spec: str) -> Design:
    """A preset name, or a TOML file with one design table (or `[[design]]` array of tables)."""
    if spec in PRESETS:
        return Design.preset(spec)
    path = pathlib.Path(spec)
    if not path.exists():
        raise AccelError("design", f"{spec!r} is neither a preset ({', '.join(PRESETS)}) nor a file")
    try:
        doc = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise AccelError("toml", f"malformed TOML: {err}", source=str(path)) from None
    tables = doc.get("design", doc)
    if isinstance(tables, Mapping):
        tables = [tables]
    if not isinstance(tables, list) or not all(isinstance(t, Mapping) for t in tables) or not tables:
        raise AccelError("design", "must be a table or an array of tables", source=str(path))
    return Design.from_records(tables, source=str(path))


def _record_values(record: Mapping[str, object]) -> dict[str, object]:
    unknown = [k for k in record if k not in RECORD_KEYS]
    if unknown:
        raise AccelError(unknown[0], f"unknown key (known: {', '.join(RECORD_KEYS)})")
    preset_name = record.get("preset", "dacapo")
    if preset_name not in PRESETS:
        raise AccelError("preset", f"unknown preset {preset_name!r} (known: {', '.join(PRESETS)})")
    values = dict(PRESETS[str(preset_name)])
    for key, raw in record.items():
        if key == "preset":
            continue
        if key == "precision_modes":
            if isinstance(raw, str) or not isinstance(raw, list | tuple):
                raise AccelError(key, f"must be a list of format names, got {raw!r}")
            values[key] = modes_mask(list(raw), key)
        elif key == "dataflow":
            if raw not in DATAFLOWS:
                raise AccelError(key, f"unknown dataflow {raw!r} (known: {', '.join(DATAFLOWS)})")
            values[key] = DATAFLOWS.index(str(raw))
        elif key == "pe":
            if raw not in PE_KINDS:
                raise AccelError(key, f"unknown PE kind {raw!r} (known: {', '.join(PE_KINDS)})")
            values["pe_kind"] = PE_KINDS.index(str(raw))
            if raw == "mac" and "dpe_width" not in record:
                values["dpe_width"] = 1
        else:
            if isinstance(raw, bool) or not isinstance(raw, int | float):
                raise AccelError(key, f"must be a number, got {raw!r}")
            values[key] = raw
    return values


def _is_integral(value: np.ndarray) -> np.ndarray:
    if not np.issubdtype(value.dtype, np.number):
        return np.zeros(value.shape, dtype=bool)
    return np.isfinite(value) & (value == np.round(value))


def _first(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _check(design: Design, field: str, ok: np.ndarray, problem: str) -> None:
    if not np.all(ok):
        i = _first(~ok)
        value = getattr(design, field)[i].item()
        raise AccelError(field, f"{problem}, got {value!r}", i if len(design) > 1 else None)


def _validate(d: Design) -> None:
    if len(d) == 0:
        raise AccelError("design", "a batch needs at least one candidate")
    _check(d, "rows", (d.rows >= 1) & (d.rows <= MAX_ARRAY_DIM), f"must be in 1..{MAX_ARRAY_DIM}")
    _check(d, "cols", (d.cols >= 1) & (d.cols <= MAX_ARRAY_DIM), f"must be in 1..{MAX_ARRAY_DIM}")
    _check(d, "partition_granularity", d.partition_granularity >= 1, "must be >= 1")
    _check(d, "partition_granularity", d.partition_granularity <= d.rows, "must not exceed rows")
    _check(d, "partition_granularity", d.rows % d.partition_granularity == 0, "must divide rows")
    _check(d, "precision_modes", (d.precision_modes >= 1) & (d.precision_modes <= ALL_FORMATS_MASK),
           "must be a non-empty set of known formats")
    _check(d, "dataflow", (d.dataflow >= 0) & (d.dataflow < len(DATAFLOWS)), "must be 0 (os), 1 (ws) or 2 (is)")
    for name in ("sram_kb", "dram_gbps", "freq_mhz"):
        value = getattr(d, name)
        _check(d, name, np.isfinite(value) & (value > 0), "must be a positive finite number")
    _check(d, "pe_kind", (d.pe_kind >= 0) & (d.pe_kind < len(PE_KINDS)), "must be 0 (mac) or 1 (dpe)")
    _check(d, "dpe_width", (d.dpe_width >= 1) & (d.dpe_width <= 256), "must be in 1..256")
    is_mac = d.pe_kind == PE_KINDS.index("mac")
    _check(d, "dpe_width", ~is_mac | (d.dpe_width == 1), "must be 1 for scalar MAC PEs")
