"""Inline SVG charts for the HTML report and the trace timeline: no scripts, no assets.

Pure functions from numbers to SVG text. `scale_points` is the geometry every chart
shares (values → pixel coordinates, y growing downwards); the rest draw with it. All
text placed in a chart goes through `html.escape`.
"""

from __future__ import annotations

from html import escape

PALETTE = ("#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#db2777", "#0891b2", "#65a30d")
AXIS = "#94a3b8"
INK = "#334155"


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def scale_points(values: list[float], width: float, height: float, pad: float = 2.0,
                 top: float | None = None) -> list[tuple[float, float]]:
    """Points of a line through `values`, spread evenly across `width`; 0 at the bottom,
    `top` (default: the largest value) at the top, `pad` pixels kept free on every side.
    A single value sits in the middle; all-zero values lie on the bottom line."""
    if not values:
        return []
    hi = top if top is not None else max(values)
    inner_w, inner_h = width - 2 * pad, height - 2 * pad
    n = len(values)
    points = []
    for i, v in enumerate(values):
        x = pad + (inner_w * i / (n - 1) if n > 1 else inner_w / 2)
        y = pad + inner_h - (inner_h * v / hi if hi > 0 else 0)
        points.append((round(x, 2), round(y, 2)))
    return points


def _pts(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{x:g},{y:g}" for x, y in points)


def sparkline(values: list[int], *, width: int = 180, height: int = 36, stroke: str = PALETTE[1],
              title: str = "") -> str:
    """A trend line with a soft area under it and a dot on the peak."""
    if not values:
        return f'<svg class="spark" width="{width}" height="{height}" role="img"></svg>'
    pts = scale_points([float(v) for v in values], width, height, pad=3)
    bottom = height - 3
    area = _pts([(pts[0][0], bottom), *pts, (pts[-1][0], bottom)])
    peak = max(range(len(values)), key=lambda i: values[i])
    px, py = pts[peak]
    label = f"<title>{escape(title)}</title>" if title else ""
    return (f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">{label}'
            f'<line x1="3" y1="{bottom}" x2="{width - 3}" y2="{bottom}" stroke="#e2e8f0"/>'
            f'<polygon points="{area}" fill="{stroke}" fill-opacity="0.12"/>'
            f'<polyline points="{_pts(pts)}" fill="none" stroke="{stroke}" stroke-width="1.6" '
            f'stroke-linejoin="round"/>'
            f'<circle cx="{px:g}" cy="{py:g}" r="2.6" fill="{stroke}"/></svg>')


def meter(value: float, top: float, *, width: int = 90, height: int = 8, fill: str = PALETTE[0]) -> str:
    """A small horizontal bar: `value` against `top`, for table cells."""
    frac = 0.0 if top <= 0 else max(0.0, min(1.0, value / top))
    return (f'<svg class="meter" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
            f'<rect width="{width}" height="{height}" rx="3" fill="#e2e8f0"/>'
            f'<rect width="{round(width * frac, 2):g}" height="{height}" rx="3" fill="{fill}"/></svg>')


def nice_top(value: float) -> int:
    """The smallest of 1, 2, 5 × 10^k at or above `value` (an axis maximum)."""
    step = 1
    while True:
        for m in (1, 2, 5):
            if m * step >= value:
                return m * step
        step *= 10


def stacked_bars(labels: list[str], series: dict[str, list[int]], *, width: int = 1080, height: int = 260,
                 tick_every: int = 3) -> str:
    """One bar per label, stacked by series (in the order given), with a y axis, a label
    every `tick_every` bars and a legend."""
    left, right, top_pad, bottom = 44, 12, 14, 44
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    n = max(1, len(labels))
    totals = [sum(s[i] for s in series.values()) for i in range(len(labels))]
    top = nice_top(max(totals, default=0) or 1)
    slot = plot_w / n
    bar_w = max(1.0, slot * 0.72)
    parts = [f'<svg class="bars" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">']
    for k in range(5):  # grid and y labels
        v = top * k / 4
        y = top_pad + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left}" y1="{y:g}" x2="{width - right}" y2="{y:g}" stroke="#e2e8f0"/>'
                     f'<text x="{left - 6}" y="{y + 4:g}" text-anchor="end" class="tick">{v:g}</text>')
    for i, label in enumerate(labels):
        x = left + slot * i + (slot - bar_w) / 2
        base = top_pad + plot_h
        for j, (name, values) in enumerate(series.items()):
            v = values[i]
            if v <= 0:
                continue
            h = plot_h * v / top
            base -= h
            parts.append(f'<rect x="{x:.2f}" y="{base:.2f}" width="{bar_w:.2f}" height="{h:.2f}" '
                         f'fill="{colour(j)}"><title>{escape(label)} {escape(name)}: {v}</title></rect>')
        if i % tick_every == 0:
            parts.append(f'<text x="{x + bar_w / 2:.2f}" y="{top_pad + plot_h + 16}" text-anchor="middle" '
                         f'class="tick">{escape(label)}</text>')
    parts.append(f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - right}" y2="{top_pad + plot_h}" '
                 f'stroke="{AXIS}"/>')
    x = left
    for j, name in enumerate(series):
        parts.append(f'<rect x="{x}" y="{height - 14}" width="10" height="10" rx="2" fill="{colour(j)}"/>'
                     f'<text x="{x + 14}" y="{height - 5}" class="legend">{escape(name)}</text>')
        x += 24 + 7 * len(name)
    parts.append("</svg>")
    return "".join(parts)
