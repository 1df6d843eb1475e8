"""summary.md: settings, counts, best design per objective, designs that dominate DaCapo."""

from __future__ import annotations

from ..search.stopping import describe_stop
from .data import ReportData, fmt
from .robustness import ROBUST_PROBABILITY


def render(data: ReportData) -> str:
    spec, c = data.spec, data.counts
    lines = [f"# Study `{spec.name}`", "", spec.description, "",
             "## Settings", "",
             f"- pairs: {', '.join(spec.pairs)}; scenarios: {', '.join(s.rsplit('/', 1)[-1] for s in spec.scenarios)}",
             f"- objectives: {', '.join(f'{o} ({d})' for o, d in zip(spec.objectives, spec.directions, strict=True))}",
             f"- constraints: {', '.join(f'{k} = {v}' for k, v in spec.constraints.items()) or 'none'}",
             f"- sampler: {spec.sampler}; seed {spec.seed}; batch {spec.batch_size}", "",
             "## Counts", "",
             f"- requested: {data.target}; complete: {c['complete']}; failed: {c['failed']}; pruned: {c['pruned']}; "
             f"running: {c['running']}",
             f"- Pareto designs (feasible): {len(data.front)}; hypervolume: {fmt(data.hypervolume)}",
             *([f"- stopped early: {describe_stop(data.stopped)}"] if data.stopped else []), ""]
    if not data.front:
        lines += ["No completed feasible trials.", ""]
        return "\n".join(lines)
    lines += ["## Best design per objective", "", "| objective | trial | value |", "|---|---|---|"]
    for o, d in zip(spec.objectives, spec.directions, strict=True):
        best = (max if d == "maximize" else min)(data.front, key=lambda r, o=o: r[o])
        lines.append(f"| {o} | {best['trial']} | {fmt(best[o])} |")
    lines += ["", "## Reference systems", ""]
    for ref in data.references:
        lines.append(f"- {ref.name}: " + ", ".join(f"{o} {fmt(ref.metrics.get(o)) or 'n/a'}" for o in spec.objectives))
    lines += ["", "## Designs that dominate DaCapo", ""]
    if spec.uncertainty and data.front and "p_dominates_dacapo" in data.front[0]:
        robust = [r for r in data.front if r["p_dominates_dacapo"] >= ROBUST_PROBABILITY]
        lines += [f"Objectives are medians over {spec.uncertainty} uncertainty draws (docs/proxies.md). A design is "
                  f"called robust only if it dominates DaCapo in at least {ROBUST_PROBABILITY:.0%} of the draws "
                  "(paired: DaCapo runs with the same draws).", "",
                  f"Robust: {len(robust)} of {len(data.front)} Pareto designs"
                  + (f" (trials {', '.join(str(r['trial']) for r in robust)})." if robust else "."), ""]
    elif not spec.uncertainty:
        lines += ["Point predictions, without uncertainty: whether a design stays ahead of DaCapo under the "
                  "proxies' uncertainty is not known (run with `uncertainty = N`).", ""]
    if data.dominating_dacapo:
        cols = list(data.dominating_dacapo[0])
        lines += ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        lines += ["| " + " | ".join(fmt(r[c]) for c in cols) + " |" for r in data.dominating_dacapo]
    else:
        lines.append("None: no feasible Pareto design is at least as good as DaCapo on every objective.")
    return "\n".join(lines) + "\n"
