"""`dse report compare`: several studies' fronts and hypervolumes on one page, optionally
against an exhaustive sweep (the fraction of its hypervolume each study reached)."""

from __future__ import annotations

import html
import pathlib

from ..errors import DseError
from ..search.quality import sweep_front, sweep_hypervolume
from . import svg
from .data import ReportData, fmt
from .page import STYLE, axis_label, label, log_axis


def render(studies: list[ReportData], reference: str | None) -> tuple[str, list[dict]]:
    first = studies[0]
    for d in studies[1:]:
        if d.objectives != first.objectives:
            raise DseError("compare", f"{d.spec.name} has objectives {d.objectives}, {first.spec.name} has "
                                      f"{first.objectives}: only studies with the same objectives compare")
    objectives = first.objectives
    acc = "accuracy_pct" if "accuracy_pct" in objectives else objectives[0]
    others = [o for o in objectives if o != acc]
    exhaustive = sweep_hypervolume(reference, first.spec) if reference else None
    rows = []
    for d in studies:
        row = {"study": d.spec.name, "sampler": d.spec.sampler, "complete": d.counts["complete"],
               "pareto_size": len(d.front), "hypervolume": d.hypervolume}
        if exhaustive:
            row["fraction_of_exhaustive_hypervolume"] = d.hypervolume / exhaustive
        rows.append(row)
    if reference:
        front = sweep_front(reference, first.spec)
        rows.append({"study": f"exhaustive sweep ({pathlib.Path(reference).name})", "sampler": "grid",
                     "complete": "", "pareto_size": len(front), "hypervolume": exhaustive,
                     **({"fraction_of_exhaustive_hypervolume": 1.0} if exhaustive else {})})
    plots = []
    for o in others:
        named = [(d.spec.name, [(r[o], r[acc], f"trial {r['trial']}") for r in d.front]) for d in studies]
        if reference:
            named.append(("exhaustive", [(r[o], r[acc], "") for r in front]))
        plots.append(svg.series(named, axis_label(o), label(acc), log_x=log_axis(o)))
    history = svg.series([(d.spec.name, [(float(n), v, "") for n, v in d.history]) for d in studies],
                         "completed trials", "hypervolume", lines=True)
    cols = list(rows[0]) if rows else []
    table = "<table><tr>" + "".join(f"<th>{c}</th>" for c in cols) + "</tr>" + "".join(
        "<tr>" + "".join(f"<td>{html.escape(fmt(r.get(c)))}</td>" for c in cols) + "</tr>" for r in rows) + "</table>"
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>cl-dse comparison</title><style>{STYLE}</style>
</head><body><h1>Comparison: {html.escape(", ".join(d.spec.name for d in studies))}</h1>
<section id="summary">{table}</section>
<section id="pareto"><h2>Pareto fronts</h2><div class="plots">{"".join(plots)}</div></section>
<section id="hypervolume"><h2>Hypervolume over trials</h2>{history}</section></body></html>"""
    return page, rows
