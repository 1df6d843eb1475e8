"""Printing rows as an aligned table, CSV or JSON (the CLI's `--format`)."""

from __future__ import annotations

import csv
import io
import json
import math

FORMATS = ("table", "csv", "json")


def _cell(value: object) -> str:
    if isinstance(value, float):
        if math.isinf(value) or math.isnan(value):
            return str(value)
        return f"{value:.6g}"
    return str(value)


def figure_text(value: object, grouped: bool = False) -> str:
    """One measured figure for a `key: value` line: 4 significant digits, a list as its items;
    `grouped` also groups thousands and formats integers the same way (`dse bench`'s table)."""
    if isinstance(value, list):
        return ", ".join(f"{v:.4g}" for v in value)
    if grouped and isinstance(value, int | float):
        return f"{value:,.4g}"
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def render(rows: list[dict], fmt: str, extra: dict | None = None) -> str:
    """Rows (dicts with the same keys) in `fmt`; `extra` is shown under a table or merged in JSON."""
    if fmt == "json":
        doc = dict(extra or {})
        doc["rows"] = rows
        return json.dumps(doc, indent=2, default=float)
    if fmt == "csv":
        buf = io.StringIO()
        if rows:
            writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        return buf.getvalue().rstrip("\n")
    lines = []
    if rows:
        keys = list(rows[0])
        cells = [[_cell(r[k]) for k in keys] for r in rows]
        widths = [max(len(k), *(len(c[i]) for c in cells)) for i, k in enumerate(keys)]
        lines.append("  ".join(k.rjust(w) for k, w in zip(keys, widths, strict=True)))
        lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    for key, value in (extra or {}).items():
        lines.append(f"{key}: {_cell(value)}")
    return "\n".join(lines)


def echo_written(written, prefix: str = "") -> None:
    """`wrote a, b to DIR`, and on stderr the one line saying what was skipped, if anything."""
    import click

    click.echo(f"{prefix}wrote {', '.join(written.files)} to {written.out_dir}")
    if written.skipped:
        click.echo(f"note: {written.skipped}", err=True)
