"""The live report's page and its panels (pure: data in, HTML out).

The page is a shell that fetches `/api/panels` every `refresh_s` seconds and swaps the
panels in place, without reloading: the report's own cards and sections (drawn by
`pipeline.analyst.html.render_report`, so the live and the daily report look alike),
the latest events of the window and the latest alerts of the alerts topic. Everything
from the logs is escaped on the server; the script only moves finished HTML around.
"""

from __future__ import annotations

import re
from datetime import tzinfo
from html import escape
from typing import Any

from pipeline.analyst.html import CSS, e, local_time, render_report, short, table
from pipeline.analyst.render import describe, is_exception
from pipeline.doc_fields import dig

_MAIN = re.compile(r"<main>(.*)</main>", re.S)
LIVE_CSS = """
#status { color:#cbd5e1; font-size:12.5px; } #status.stale { color:#fca5a5; }
.sev-critical, .sev-high { color:var(--red); font-weight:600; } .sev-medium { color:var(--amber); font-weight:600; }
tr.exc td.msg { color:var(--red); }
"""


def report_sections(report: dict[str, Any], zone: tzinfo, zone_name: str) -> str:
    """The cards and sections of the daily report for `report`, without page or header."""
    m = _MAIN.search(render_report(report, zone, zone_name))
    return m.group(1) if m else ""


def events_panel(events: list[dict[str, Any]], zone: tzinfo) -> str:
    rows = [f'<tr class="{"exc" if is_exception(s) else ""}"><td class="time">'
            f'{e(local_time(s.get("@timestamp"), zone, "%m-%d %H:%M:%S"))}</td>'
            f'<td><span class="tag svc">{e(dig(s, "service.name"))}</span></td><td>{e(dig(s, "log.level"))}</td>'
            f'<td>{e(dig(s, "logpipe.kind"))}</td><td class="msg mono">{e(short(describe(s), 300))}</td></tr>'
            for s in events]
    body = table(["time", "service", "level", "kind", "event"], rows, "No events in the window.")
    return (f'<section id="latest"><h2>Latest events</h2><p class="why">The newest events of the window, '
            f'newest first.</p>{body}</section>')


def alerts_panel(alerts: list[dict[str, Any]], zone: tzinfo, error: str | None) -> str:
    rows = [f'<tr><td class="time">{e(local_time(a.get("@timestamp"), zone, "%m-%d %H:%M:%S"))}</td>'
            f'<td class="sev-{e(str(a.get("severity", "")).lower())}">{e(a.get("severity"))}</td>'
            f'<td class="mono">{e(a.get("rule"))}</td><td><span class="tag svc">{e(a.get("service"))}</span></td>'
            f'<td class="msg">{e(short(str(a.get("title", "")), 200))}</td></tr>' for a in alerts]
    body = table(["time", "severity", "rule", "service", "alert"], rows, "No alerts yet.")
    note = f'<p class="status-bad">{e(error)}</p>' if error else ""
    return (f'<section id="alerts"><h2>Latest alerts</h2><p class="why">From the alerts topic, newest first.</p>'
            f'{note}{body}</section>')


def page(title: str, refresh_s: float, zone_name: str) -> str:
    """The shell: header, an empty panel area, and the script that fills and refreshes it."""
    script = f"""
const REFRESH_MS = {int(refresh_s * 1000)};
let seq = -1;
async function refresh() {{
  const status = document.getElementById("status");
  try {{
    const r = await fetch("api/panels", {{cache: "no-store"}});
    if (!r.ok) throw new Error("HTTP " + r.status);
    const d = await r.json();
    if (d.seq !== seq) {{
      seq = d.seq;
      document.getElementById("alerts-area").innerHTML = d.alerts;
      document.getElementById("report-area").innerHTML = d.report;
      document.getElementById("latest-area").innerHTML = d.latest;
    }}
    status.textContent = "window " + d.window + " · updated " + d.updated + (d.error ? " · " + d.error : "");
    status.className = d.error ? "stale" : "";
  }} catch (err) {{
    status.textContent = "not updated: " + err;
    status.className = "stale";
  }} finally {{
    setTimeout(refresh, REFRESH_MS);
  }}
}}
refresh();
"""
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(title)}</title>'
            f'<style>{CSS}{LIVE_CSS}</style></head><body><header><h1>{escape(title)}</h1>'
            f'<div class="sub" id="status">loading…</div></header>'
            f'<main><div id="alerts-area"></div><div id="report-area"></div><div id="latest-area"></div></main>'
            f'<footer>logpipe report --serve · times in {escape(zone_name)} · refreshed every {refresh_s:g} s'
            f'</footer><script>{script}</script></body></html>')
