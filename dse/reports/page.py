"""index.html: one self-contained page (inline SVG, inline script, no network)."""

from __future__ import annotations

import html

from ..search.spec import OBJECTIVES
from ..search.stopping import describe_stop
from . import svg
from .data import ReportData, fmt

MAX_PLOTTED_TRIALS = 5000
SORT_SCRIPT = """
document.querySelectorAll('table.sortable th').forEach((th, col) => th.addEventListener('click', () => {
  const body = th.closest('table').tBodies[0];
  const rows = Array.from(body.rows);
  const asc = th.dataset.asc !== 'true'; th.dataset.asc = asc;
  const key = r => { const v = r.cells[col].textContent; const n = parseFloat(v); return isNaN(n) ? v : n; };
  rows.sort((a, b) => (key(a) > key(b) ? 1 : key(a) < key(b) ? -1 : 0) * (asc ? 1 : -1));
  rows.forEach(r => body.appendChild(r));
}));
"""
STYLE = """body{font-family:sans-serif;margin:24px;max-width:1250px;color:#222}
h1{font-size:22px} h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}
.plots{display:flex;flex-wrap:wrap;gap:12px} table{border-collapse:collapse;font-size:12px}
td,th{border:1px solid #ddd;padding:3px 6px;text-align:right} th{background:#f3f3f3;cursor:pointer}
.note{color:#666;font-size:12px} .bar{background:#1f6fb4;height:10px;display:inline-block}"""


def label(objective: str) -> str:
    return f"{objective} ({OBJECTIVES[objective][2]})"


def axis_label(objective: str) -> str:
    return label(objective) + (", log scale" if log_axis(objective) else "")


def log_axis(objective: str) -> bool:
    """Power and energy span accelerators (mW) to GPUs (tens of W): plot them on a log scale."""
    return objective in ("avg_power_w", "peak_power_w", "energy_per_frame_j")


def _tip(row: dict, objectives: list[str]) -> str:
    parts = [f"trial {row['trial']}"] + [f"{o}={fmt(row[o])}" for o in objectives]
    parts += [f"{k.removeprefix('param.')}={fmt(v)}" for k, v in row.items() if k.startswith("param.")]
    return "; ".join(parts)


def _points(data: ReportData, x: str, y: str) -> list:
    rows = data.table.to_pylist()
    complete = [r for r in rows if r["state"] == "COMPLETE" and r["feasible"]][:MAX_PLOTTED_TRIALS]
    front_ids = {r["trial"] for r in data.front}
    pts = [(r[f"objective.{x}"], r[f"objective.{y}"], f"trial {r['trial']}", "trial")
           for r in complete if r["trial"] not in front_ids]
    pts += [(r[x], r[y], _tip(r, data.objectives), "front") for r in data.front]
    pts += [(ref.metrics.get(x, float("nan")), ref.metrics.get(y, float("nan")), ref.name, "reference")
            for ref in data.references]
    return pts


def table_columns(data: ReportData) -> list[str]:
    keys: list[str] = []
    for row in data.front:
        keys += [k for k in row if k not in keys]
    return keys


def render(data: ReportData) -> str:
    spec = data.spec
    acc = "accuracy_pct" if "accuracy_pct" in data.objectives else data.objectives[0]
    others = [o for o in data.objectives if o != acc]
    plots = [svg.scatter(_points(data, o, acc), axis_label(o), label(acc),
                         log_x=log_axis(o)) for o in others]
    if len(others) >= 2:
        plots.append(svg.scatter(_points(data, others[0], others[1]), axis_label(others[0]), axis_label(others[1]),
                                 log_x=log_axis(others[0]), log_y=log_axis(others[1])))
    hv = svg.line([(float(n), v) for n, v in data.history], "completed trials", "hypervolume (feasible trials)")
    cols = table_columns(data)
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(fmt(r.get(c)))}</td>" for c in cols) + "</tr>"
                   for r in data.front)
    imp = []
    for o, values in data.importances.items():
        rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{v:.3f}</td><td style='text-align:left'>"
                       f"<span class='bar' style='width:{200 * v:.0f}px'></span></td></tr>" for k, v in values.items())
        imp.append(f"<h3>{html.escape(o)}</h3><table><tr><th>parameter</th><th>importance</th><th></th></tr>"
                   f"{rows}</table>")
    refs = "".join(f"<li>{html.escape(r.name)}: " + ", ".join(f"{o} {fmt(r.metrics.get(o)) or 'n/a'}"
                                                              for o in data.objectives)
                   + "</li>" for r in data.references)
    counts = data.counts
    no_trials = "" if data.front else "<p><strong>No completed feasible trials: nothing to show yet.</strong></p>"
    stopped = f" Stopped early: {html.escape(describe_stop(data.stopped))}." if data.stopped else ""
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>cl-dse report: {html.escape(spec.name)}</title>
<style>{STYLE}</style></head><body>
<h1>cl-dse study <code>{html.escape(spec.name)}</code></h1>
<section id="summary"><p>{html.escape(spec.description)}</p>
<p>Pairs {", ".join(spec.pairs)}; scenarios {", ".join(s.rsplit("/", 1)[-1] for s in spec.scenarios)};
sampler {spec.sampler}; {counts["complete"]} complete of {data.target} requested, {counts["failed"]} failed,
{counts["pruned"]} pruned, {counts["running"]} running. Pareto designs: {len(data.front)};
hypervolume {fmt(data.hypervolume)}.{stopped}</p>{no_trials}</section>
<section id="pareto"><h2>Pareto front</h2><p class="note">Blue: feasible Pareto designs (hover for the design);
grey: other feasible trials (up to {MAX_PLOTTED_TRIALS}); red diamonds: reference systems on the same pairs and
scenarios.</p><div class="plots">{"".join(plots)}</div><ul>{refs}</ul></section>
<section id="hypervolume"><h2>Hypervolume over trials</h2>{hv}</section>
<section id="importances"><h2>Parameter importances</h2>{"".join(imp) or "<p>Too few trials.</p>"}</section>
<section id="designs"><h2>Pareto designs</h2><p class="note">Click a column to sort.</p>
<table id="designs-table" class="sortable"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></section>
<script>{SORT_SCRIPT}</script></body></html>"""
