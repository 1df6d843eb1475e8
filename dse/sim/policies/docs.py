"""Policy reference as Markdown, generated from the registry (docs/policies.md is tested against it)."""

from __future__ import annotations

import inspect

from . import POLICIES


def policies_markdown() -> str:
    out = ["| policy | summary | follows | runs on | status |", "|---|---|---|---|---|"]
    for name, cls in POLICIES.items():
        where = "arrays (spatial split)" if cls.spatial else "arrays and GPUs"
        out.append(f"| `{name}` | {cls.summary} | {cls.paper} | {where} | "
                   f"{'experimental' if cls.experimental else 'stable'} |")
    for name, cls in POLICIES.items():
        doc = inspect.cleandoc(inspect.getmodule(cls).__doc__)
        out += ["", f"## `{name}`", "", doc, ""]
        if cls.params:
            out += ["| parameter | default | range | meaning |", "|---|---|---|---|"]
            for key, p in cls.params.items():
                rng = ", ".join(p.choices) if p.choices else f"[{p.low}, {p.high}]" + (" integer" if p.integer else "")
                out.append(f"| `{key}` | {p.default} | {rng} | {p.doc} |")
        else:
            out.append("No parameters.")
    return "\n".join(out) + "\n"
