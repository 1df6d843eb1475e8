"""The schema as Markdown tables (docs/proxies.md is generated from, and tested against, this)."""

from __future__ import annotations

from .schema import READABLE, SCHEMA_KEY, TABLES, VERSIONS


def schema_markdown() -> str:
    versions = ", ".join(f"`{kind}/{v}`" for kind, v in VERSIONS.items())
    older = ", ".join(f"`{kind}/{v}`" for kind, vs in READABLE.items() for v in vs if v != VERSIONS[kind])
    out = [f"The Parquet key-value metadata `{SCHEMA_KEY.decode()}` holds the table kind and schema version: "
           f"{versions} now; {older} still load (`observations/1` without `label_acc` and `adapted_on`; `curves/1`: "
           f"see \"Uncertainty\"). Only a column marked nullable may hold nulls; unknown columns are rejected.\n"]
    for kind, cols in TABLES.items():
        out.append(f"### `{kind}`\n\n| column | type | unit | range | meaning |\n|---|---|---|---|---|")
        for c in cols:
            rng = "" if c.low is None and c.high is None else \
                f"[{c.low if c.low is not None else '-inf'}, {c.high if c.high is not None else 'inf'}]"
            out.append(f"| `{c.name}` | {c.type}{' (nullable)' if c.nullable else ''} | {c.unit} | {rng} | {c.doc} |")
        out.append("")
    return "\n".join(out)
