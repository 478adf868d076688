"""`logpipe trace ID --html FILE`: one business id's trail as a self-contained page.

The timeline is one SVG: a lane per service (in order of first appearance), one row per
event in time order, a marker in the event's lane (circle: line, square: SQL, diamond:
method timing, red ring: exception) joined to the previous one, and the event's time
and summary to the right (an exception: its class, message and first in-app frame).
Below it, a table with every event's full text and, for exceptions, the stack trace
folded. All log text is escaped.
"""

from __future__ import annotations

from datetime import tzinfo
from html import escape
from typing import Any

from pipeline.analyst.charts import colour
from pipeline.analyst.html import CSS, e, local_time, short, table
from pipeline.analyst.render import describe, is_exception
from pipeline.doc_fields import dig

ROW_H = 26
LANE_W = 118
TIME_W = 112
HEAD_H = 34
TEXT_W = 640


def lanes(events: list[dict[str, Any]]) -> list[str]:
    """Services in order of first appearance."""
    out: list[str] = []
    for src in events:
        svc = str(dig(src, "service.name") or "-")
        if svc not in out:
            out.append(svc)
    return out


def _marker(src: dict[str, Any], x: float, y: float, fill: str) -> str:
    kind = "exception" if is_exception(src) else dig(src, "logpipe.kind")
    if kind == "sql":
        return f'<rect x="{x - 5:g}" y="{y - 5:g}" width="10" height="10" rx="2" fill="{fill}"/>'
    if kind == "method":
        return f'<polygon points="{x:g},{y - 6:g} {x + 6:g},{y:g} {x:g},{y + 6:g} {x - 6:g},{y:g}" fill="{fill}"/>'
    if kind == "exception":
        return (f'<circle cx="{x:g}" cy="{y:g}" r="8" fill="none" stroke="#dc2626" stroke-width="2"/>'
                f'<circle cx="{x:g}" cy="{y:g}" r="4.5" fill="#dc2626"/>')
    return f'<circle cx="{x:g}" cy="{y:g}" r="5" fill="{fill}"/>'


def timeline_svg(events: list[dict[str, Any]], zone: tzinfo) -> str:
    names = lanes(events)
    lane_x = {svc: TIME_W + LANE_W * i + LANE_W / 2 for i, svc in enumerate(names)}
    text_x = TIME_W + LANE_W * len(names) + 10
    width = text_x + TEXT_W
    height = HEAD_H + ROW_H * len(events) + 10
    parts = [f'<svg class="timeline" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">']
    for i, svc in enumerate(names):
        x = lane_x[svc]
        parts.append(f'<rect x="{x - LANE_W / 2 + 4:g}" y="{HEAD_H - 6}" width="{LANE_W - 8}" '
                     f'height="{height - HEAD_H}" rx="6" fill="{colour(i)}" fill-opacity="0.06"/>'
                     f'<text x="{x:g}" y="18" text-anchor="middle" class="lane-head">{escape(svc)}</text>')
    points, rows = [], []
    for n, src in enumerate(events):
        y = HEAD_H + ROW_H * n + ROW_H / 2
        svc = str(dig(src, "service.name") or "-")
        x = lane_x[svc]
        points.append(f"{x:g},{y:g}")
        text = describe(src)
        if n % 2:
            rows.append(f'<rect x="0" y="{y - ROW_H / 2:g}" width="{width}" height="{ROW_H}" fill="#f8fafc" '
                        f'fill-opacity="0.7"/>')
        rows.append(f'<text x="4" y="{y + 4:g}" class="row-time">'
                    f'{escape(local_time(src.get("@timestamp"), zone, "%H:%M:%S.%f")[:-3])}</text>'
                    f'<g>{_marker(src, x, y, colour(names.index(svc)))}'
                    f'<title>{escape(text)}</title></g>'
                    f'<text x="{text_x}" y="{y + 4:g}" class="row-text">{escape(short(text, 92))}</text>')
    parts.extend(rows[i] for i in range(len(rows)) if rows[i].startswith("<rect"))
    if len(points) > 1:
        parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="#94a3b8" stroke-width="1.4" '
                     f'stroke-dasharray="3 3"/>')
    parts.extend(r for r in rows if not r.startswith("<rect"))
    parts.append("</svg>")
    return "".join(parts)


def _stack(src: dict[str, Any]) -> str:
    trace = dig(src, "error.stack_trace")
    if not trace:
        return ""
    return f'<details class="stack"><summary>stack trace</summary><pre>{e(trace)}</pre></details>'


def render_trace_html(trace_id: str, events: list[dict[str, Any]], zone: tzinfo, zone_name: str) -> str:
    names = lanes(events)
    span = ""
    if events:
        span = (f'{local_time(events[0].get("@timestamp"), zone, "%Y-%m-%d %H:%M:%S")} → '
                f'{local_time(events[-1].get("@timestamp"), zone, "%H:%M:%S")}')
    rows = [f'<tr><td class="time">{e(local_time(s.get("@timestamp"), zone, "%H:%M:%S.%f")[:-3])}</td>'
            f'<td><span class="tag svc">{e(dig(s, "service.name"))}</span></td><td>{e(dig(s, "log.level"))}</td>'
            f'<td>{e(dig(s, "logpipe.kind"))}</td><td class="msg mono">{e(describe(s))}{_stack(s)}</td>'
            f'<td class="sig mono">{e(dig(s, "host.name"))}:{e(dig(s, "log.offset"))}</td></tr>' for s in events]
    body = (f'<section><h2>Timeline</h2><p class="why">One lane per service; ○ line, ■ SQL, ◆ method timing, '
            f'red ring: exception. Hover a marker for the full text.</p>'
            f'<div style="overflow-x:auto">{timeline_svg(events, zone)}</div></section>'
            f'<section><h2>Events</h2>{table(["time", "service", "level", "kind", "event", "host:offset"], rows, "")}'
            f'</section>')
    if not events:
        body = '<section><div class="empty">No event carries this id.</div></section>'
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Trail of {e(trace_id)}</title>'
            f'<style>{CSS}</style></head><body><header><h1>Trail of {e(trace_id)}</h1>'
            f'<div class="sub">{len(events)} event(s) · {len(names)} service(s): {e(", ".join(names))} · {e(span)} '
            f'({e(zone_name)})</div></header><main>{body}</main></body></html>')
