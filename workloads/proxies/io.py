"""Read, validate and write accuracy-proxy Parquet files (pyarrow only)."""

from __future__ import annotations

import pathlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..errors import WorkloadError
from ..files import atomic_path
from ..zoo import MODELS
from .schema import PRECISIONS, PROVENANCES, READABLE, SCHEMA_KEY, TABLES, V1_UNCERTAINTY, arrow_schema


def group_rows(table: pa.Table, names: tuple[str, ...]) -> dict[tuple, np.ndarray]:
    """Row indices of each distinct combination of the named columns, in first-seen order."""
    cols = [table.column(n).to_pylist() for n in names]
    groups: dict[tuple, list[int]] = {}
    for i, key in enumerate(zip(*cols, strict=True)):
        groups.setdefault(key, []).append(i)
    return {key: np.array(rows) for key, rows in groups.items()}


def table_version(table: pa.Table, source: str) -> tuple[str, int]:
    """(kind, version) from the schema metadata; an unknown kind or unreadable version is an error."""
    meta = (table.schema.metadata or {}).get(SCHEMA_KEY)
    if meta is None:
        raise WorkloadError("schema", f"no {SCHEMA_KEY.decode()} metadata: not a cl-dse proxy file", source)
    kind, _, version = meta.decode().partition("/")
    if kind not in TABLES:
        raise WorkloadError("schema", f"unknown table kind {kind!r} (known: {', '.join(TABLES)})", source)
    readable = READABLE[kind]
    if not version.isdigit() or int(version) not in readable:
        raise WorkloadError("schema", f"{kind} version {version!r} is not supported (this cl-dse reads "
                                      f"{', '.join(map(str, readable))})", source)
    return kind, int(version)


def table_kind(table: pa.Table, source: str) -> str:
    return table_version(table, source)[0]


def upgrade(table: pa.Table, kind: str, version: int) -> pa.Table:
    """A table of an older readable version in the current one (curves/1: provenance unknown,
    the stated default uncertainty)."""
    if kind == "observations" and version == 1:
        n = table.num_rows
        if "label_acc" not in table.column_names:
            table = table.append_column("label_acc", pa.nulls(n, pa.float64()))
        if "adapted_on" not in table.column_names:
            table = table.append_column("adapted_on", pa.array([-1] * n, pa.int32()))
    if kind == "curves" and version == 1:
        for name, value in V1_UNCERTAINTY.items():
            if name not in table.column_names:
                table = table.append_column(name, pa.array([value] * table.num_rows))
    return table


def validate(table: pa.Table, kind: str, source: str) -> pa.Table:
    """Check columns, types and ranges; return the table cast to the exact schema."""
    if table.num_rows == 0:
        raise WorkloadError("rows", "the table is empty", source)
    for col in TABLES[kind]:
        if col.name not in table.column_names:
            raise WorkloadError(col.name, "missing column", source)
        data = table.column(col.name)
        if data.null_count and not col.nullable:
            raise WorkloadError(col.name, f"{data.null_count} null value(s)", source)
        if data.null_count:
            if pa.types.is_null(data.type):
                continue  # every value null (allowed: checked above)
            data = pc.drop_null(data)
        if pa.types.is_string(col.type) != (pa.types.is_string(data.type) or pa.types.is_large_string(data.type)):
            raise WorkloadError(col.name, f"expected {col.type}, got {data.type}", source)
        if not pa.types.is_string(col.type):
            if not (pa.types.is_integer(data.type) or pa.types.is_floating(data.type)):
                raise WorkloadError(col.name, f"expected {col.type}, got {data.type}", source)
            values = data.to_numpy(zero_copy_only=False).astype(np.float64)
            if pa.types.is_integer(col.type) and not np.all(values == np.round(values)):
                raise WorkloadError(col.name, f"expected integers, got {values[values != np.round(values)][0]}", source)
            bad = ~np.isfinite(values)
            if col.low is not None:
                bad |= values < col.low
            if col.high is not None:
                bad |= values > col.high
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                rng = f"[{col.low}, {col.high if col.high is not None else 'inf'}]"
                raise WorkloadError(col.name, f"row {i}: {values[i]!r} is outside {rng} or not finite", source)
    for name in ("student", "teacher"):
        unknown = set(pc.unique(table.column(name)).to_pylist()) - set(MODELS)
        if unknown:
            raise WorkloadError(name, f"unknown model {sorted(unknown)[0]!r} (known: {', '.join(MODELS)})", source)
    if "provenance" in table.column_names:
        unknown = set(pc.unique(table.column("provenance")).to_pylist()) - set(PROVENANCES)
        if unknown:
            raise WorkloadError("provenance", f"unknown provenance {sorted(unknown)[0]!r} "
                                              f"(known: {', '.join(PROVENANCES)})", source)
    if "precision" in table.column_names:
        unknown = set(pc.unique(table.column("precision")).to_pylist()) - set(PRECISIONS)
        if unknown:
            raise WorkloadError("precision", f"unknown format {sorted(unknown)[0]!r}", source)
    extra = [c for c in table.column_names if c not in {c.name for c in TABLES[kind]}]
    if extra:
        raise WorkloadError(extra[0], "unknown column", source)
    return table.select([c.name for c in TABLES[kind]]).cast(arrow_schema(kind))


def read_proxies(path: str | pathlib.Path, expect: str | None = None) -> tuple[str, pa.Table]:
    """(kind, validated table) of a proxy Parquet file."""
    source = str(path)
    try:
        table = pq.read_table(path)
    except FileNotFoundError:
        raise WorkloadError("file", "does not exist", source) from None
    except (pa.ArrowInvalid, OSError) as err:
        raise WorkloadError("file", f"not a readable Parquet file ({str(err).splitlines()[0]})", source) from None
    kind, version = table_version(table, source)
    table = upgrade(table, kind, version)
    if expect is not None and kind != expect:
        raise WorkloadError("schema", f"is a {kind} table, expected {expect}", source)
    return kind, validate(table, kind, source)


def write_proxies(table: pa.Table, kind: str, path: str | pathlib.Path) -> None:
    """Validate, then write atomically (a temporary file renamed into place)."""
    table = validate(table.replace_schema_metadata(None), kind, str(path))
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)
