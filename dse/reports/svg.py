"""Tiny inline SVG charts for a self-contained page (hover: native <title> tooltips)."""

from __future__ import annotations

import html
import math

W, H, PAD_L, PAD_B, PAD_T, PAD_R = 560, 360, 70, 50, 20, 20


def _ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if hi <= lo:
        hi = lo + 1.0
    step = 10 ** math.floor(math.log10((hi - lo) / n))
    for m in (1, 2, 5, 10):
        if (hi - lo) / (step * m) <= n:
            step *= m
            break
    start = math.ceil(lo / step) * step
    return [start + i * step for i in range(int((hi - start) / step) + 1)]


def _scale(lo, hi, a, b):
    span = (hi - lo) or 1.0
    return lambda v: a + (v - lo) / span * (b - a)


def _frame(xs, ys, xlabel, ylabel, log_x=False, log_y=False):
    """Axes for the data; on a log axis values are log10 and ticks are labelled in real units."""
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(ys), max(ys)
    pad_x, pad_y = 0.05 * ((x1 - x0) or 1), 0.05 * ((y1 - y0) or 1)
    x0, x1, y0, y1 = x0 - pad_x, x1 + pad_x, y0 - pad_y, y1 + pad_y
    sx = _scale(x0, x1, PAD_L, W - PAD_R)
    sy = _scale(y0, y1, H - PAD_B, PAD_T)
    fx = (lambda t: f"{10 ** t:.3g}") if log_x else (lambda t: f"{t:.4g}")
    fy = (lambda t: f"{10 ** t:.3g}") if log_y else (lambda t: f"{t:.4g}")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" '
             'font-family="sans-serif" font-size="12">',
             f'<rect x="{PAD_L}" y="{PAD_T}" width="{W - PAD_L - PAD_R}" height="{H - PAD_T - PAD_B}" '
             'fill="none" stroke="#999"/>']
    for t in _ticks(x0, x1):
        parts.append(f'<line x1="{sx(t):.1f}" x2="{sx(t):.1f}" y1="{H - PAD_B}" y2="{H - PAD_B + 4}" stroke="#666"/>'
                     f'<text x="{sx(t):.1f}" y="{H - PAD_B + 17}" text-anchor="middle">{fx(t)}</text>')
    for t in _ticks(y0, y1):
        parts.append(f'<line x1="{PAD_L - 4}" x2="{PAD_L}" y1="{sy(t):.1f}" y2="{sy(t):.1f}" stroke="#666"/>'
                     f'<text x="{PAD_L - 7}" y="{sy(t) + 4:.1f}" text-anchor="end">{fy(t)}</text>')
    parts.append(f'<text x="{(PAD_L + W - PAD_R) / 2}" y="{H - 10}" text-anchor="middle">{html.escape(xlabel)}</text>'
                 f'<text transform="translate(16,{(PAD_T + H - PAD_B) / 2}) rotate(-90)" text-anchor="middle">'
                 f'{html.escape(ylabel)}</text>')
    return parts, sx, sy


def scatter(points: list[tuple[float, float, str, str]], xlabel: str, ylabel: str, log_x: bool = False,
            log_y: bool = False) -> str:
    """points: (x, y, tooltip, kind) with kind trial / front / reference."""
    def ok(v, log):
        return math.isfinite(v) and (v > 0 or not log)

    pts = [(math.log10(x) if log_x else x, math.log10(y) if log_y else y, tip, k)
           for x, y, tip, k in points if ok(x, log_x) and ok(y, log_y)]
    if not pts:
        return "<p>No points to plot.</p>"
    parts, sx, sy = _frame([p[0] for p in pts], [p[1] for p in pts], xlabel, ylabel, log_x, log_y)
    style = {"trial": ('r="2.5" fill="#bbb"', ""), "front": ('r="4" fill="#1f6fb4" stroke="#fff"', "")}
    for kind in ("trial", "front", "reference"):
        for x, y, tip, k in pts:
            if k != kind:
                continue
            t = f"<title>{html.escape(tip)}</title>"
            if k == "reference":
                cx, cy = sx(x), sy(y)
                right_half = cx > (PAD_L + W - PAD_R) / 2
                tx, anchor = (cx - 9, "end") if right_half else (cx + 9, "start")
                short = tip.split(" (")[0]
                parts.append(f'<g class="ref"><path d="M{cx:.1f},{cy - 7:.1f} l7,7 l-7,7 l-7,-7 z" fill="#d62728">{t}'
                             f'</path><text x="{tx:.1f}" y="{cy - 6:.1f}" text-anchor="{anchor}" fill="#d62728">'
                             f'{html.escape(short)}</text></g>')
            else:
                parts.append(f'<circle class="{k}" cx="{sx(x):.1f}" cy="{sy(y):.1f}" {style[k][0]}>{t}</circle>')
    parts.append("</svg>")
    return "".join(parts)


def line(points: list[tuple[float, float]], xlabel: str, ylabel: str) -> str:
    if len(points) < 1:
        return "<p>No completed trials yet.</p>"
    parts, sx, sy = _frame([p[0] for p in points], [p[1] for p in points], xlabel, ylabel)
    path = " ".join(f"{'M' if i == 0 else 'L'}{sx(x):.1f},{sy(y):.1f}" for i, (x, y) in enumerate(points))
    parts.append(f'<path d="{path}" fill="none" stroke="#1f6fb4" stroke-width="2"/></svg>')
    return "".join(parts)


PALETTE = ("#1f6fb4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#d62728")


def series(series_points: list[tuple[str, list[tuple[float, float, str]]]], xlabel: str, ylabel: str,
           log_x: bool = False, lines: bool = False) -> str:
    """Several named series (points, or lines when `lines`), one colour each, with a legend."""
    def tx(v):
        return math.log10(v) if log_x else v

    cleaned = [(name, [(tx(x), y, tip) for x, y, tip in pts if math.isfinite(x) and math.isfinite(y)
                       and (x > 0 or not log_x)]) for name, pts in series_points]
    allpts = [p for _, pts in cleaned for p in pts]
    if not allpts:
        return "<p>No points to plot.</p>"
    parts, sx, sy = _frame([p[0] for p in allpts], [p[1] for p in allpts], xlabel, ylabel, log_x, False)
    for i, (name, pts) in enumerate(cleaned):
        colour = PALETTE[i % len(PALETTE)]
        if lines and pts:
            path = " ".join(f"{'M' if j == 0 else 'L'}{sx(x):.1f},{sy(y):.1f}" for j, (x, y, _) in enumerate(pts))
            parts.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        else:
            parts += [f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3.5" fill="{colour}">'
                      f"<title>{html.escape(name)}: {html.escape(tip)}</title></circle>" for x, y, tip in pts]
        parts.append(f'<rect x="{PAD_L + 10}" y="{PAD_T + 8 + 16 * i}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{PAD_L + 25}" y="{PAD_T + 17 + 16 * i}">{html.escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)
