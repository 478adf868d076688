"""The daily log inspection as one self-contained HTML page (inline CSS and SVG, no
scripts, nothing fetched): `render_report(report, zone)` draws what
`pipeline.analyst.report.gather_report` (plus `pipeline.analyst.health`) returned.

Every piece of log text goes through `html.escape`: a log line is data, never markup.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from html import escape
from typing import Any

from pipeline.analyst.charts import meter, sparkline, stacked_bars
from pipeline.figures import ms_text


def local_time(ts: str | None, zone: tzinfo, fmt: str = "%m-%d %H:%M:%S") -> str:
    if not ts:
        return "–"
    try:
        return datetime.fromisoformat(ts.replace("Z", "+00:00")).astimezone(zone).strftime(fmt)
    except ValueError:
        return ts


def e(v: Any) -> str:
    return escape("" if v is None else str(v))


def short(text: str | None, limit: int = 220) -> str:
    t = (text or "").strip()
    return t if len(t) <= limit else t[: limit - 1] + "…"


def _section(title: str, why: str, body: str, anchor: str) -> str:
    return f'<section id="{anchor}"><h2>{e(title)}</h2><p class="why">{e(why)}</p>{body}</section>'


def table(head: list[str], rows: list[str], empty: str) -> str:
    """A table with a header row (a name starting with `#` is a number column), or `empty` when no rows."""
    if not rows:
        return f'<div class="empty">{e(empty)}</div>'
    ths = "".join(f'<th class="num">{e(h[1:])}</th>' if h.startswith("#") else f"<th>{e(h)}</th>" for h in head)
    return f"<table><thead><tr>{ths}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _exception_cell(r: dict[str, Any]) -> str:
    cause = ""
    if r.get("root_cause_type") and r.get("root_cause_type") != r.get("error_type"):
        cause = f'<div class="cause">root cause: {e(r["root_cause_type"])}: {e(short(r.get("root_cause_message"), 160))}</div>'
    return (f'<div class="type">{e(r.get("error_type"))}</div>'
            f'<div class="msg">{e(short(r.get("error_message"), 200))}</div>{cause}'
            f'<div class="sig mono">{e(r["signature"])} · <span class="tag svc">{e(r.get("service"))}</span></div>')


def _signature_rows(rows: list[dict[str, Any]], zone: tzinfo, new: set[str], trend: bool) -> list[str]:
    out = []
    for r in rows:
        tag = ' <span class="tag new">new</span>' if r["signature"] in new else ""
        spark = f'<td>{sparkline(r.get("trend", []), title="events per interval")}</td>' if trend else ""
        out.append(f'<tr><td class="num">{r["count"]:,}{tag}</td><td>{_exception_cell(r)}</td>{spark}'
                   f'<td class="time">{local_time(r.get("first_seen"), zone)}</td>'
                   f'<td class="time">{local_time(r.get("last_seen"), zone)}</td></tr>')
    return out


def _sql_rows(rows: list[dict[str, Any]]) -> list[str]:
    top = max((r["max_ms"] or 0 for r in rows), default=0)
    return [f'<tr><td class="num">{r["slow_count"]:,}</td><td class="num">{r["count"]:,}</td>'
            f'<td class="num">{ms_text(r["p95_ms"], " ms")}</td><td class="num">{ms_text(r["max_ms"], " ms")}<br>{meter(r["max_ms"] or 0, top)}</td>'
            f'<td><code class="sql">{e(short(r.get("statement") or r.get("fingerprint"), 300))}</code>'
            f'<div class="sig mono">{e(r["fingerprint_id"])} · threshold {r["slow_ms"]:g} ms · '
            f'<span class="tag svc">{e(r.get("service"))}</span></div></td></tr>' for r in rows]


def _method_rows(rows: list[dict[str, Any]]) -> list[str]:
    top = max((r["p95_ms"] or 0 for r in rows), default=0)
    return [f'<tr><td><span class="mono">{e(r["method"])}</span> <span class="tag svc">{e(r.get("service"))}</span></td>'
            f'<td class="num">{r["count"]:,}</td><td class="num">{ms_text(r["p50_ms"], " ms")}</td>'
            f'<td class="num">{ms_text(r["p95_ms"], " ms")}<br>{meter(r["p95_ms"] or 0, top, fill="#7c3aed")}</td>'
            f'<td class="num">{ms_text(r["max_ms"], " ms")}</td></tr>' for r in rows]


def _errors_chart(data: dict[str, Any], zone: tzinfo) -> str:
    if not any(sum(v) for v in data["series"].values()):
        return '<div class="empty">No errors in the window.</div>'
    labels = [local_time(t, zone, "%H:%M") for t in data["times"]]
    return stacked_bars(labels, data["series"], tick_every=max(1, len(labels) // 12))


def _health(h: dict[str, Any]) -> str:
    if h.get("error"):
        return f'<div class="status-bad">{e(h["error"])}</div>'
    rows = []
    for group, g in h["groups"].items():
        state = "status-ok" if g["lag"] == 0 else "status-bad"
        seen = "" if g["committed_any"] else " (never committed)"
        rows.append(f'<tr><td class="mono">{e(group)}</td><td class="mono">{e(h["topic_events"])}</td>'
                    f'<td class="num {state}">{g["lag"]:,}</td><td class="num">{len(g["partitions"])}</td>'
                    f'<td>{e(seen)}</td></tr>')
    lags = table(["consumer group", "topic", "#lag (records)", "#partitions", ""], rows, "no groups")
    dead = h.get("deadletters", 0)
    state = "status-ok" if not dead else "status-bad"
    note = "" if h.get("deadletter_exists") else " (topic not created yet: nothing was ever rejected)"
    return (f'{lags}<p>Dead-letter topic <code>{e(h["topic_deadletter"])}</code>: '
            f'<span class="{state}">{dead:,} record(s)</span>{e(note)} · events topic holds '
            f'{h.get("events_in_topic", 0):,} record(s).</p>')


def _cards(r: dict[str, Any]) -> str:
    t, health = r["totals"], r.get("health", {})
    slow = sum(x["slow_count"] for x in r["slow_sql"])
    lag = sum(g["lag"] for g in health.get("groups", {}).values())
    cards = [(f'{t["events"]:,}', "events", ""), (f'{t["errors"]:,}', "errors", "bad" if t["errors"] else "ok"),
             (f'{r["signature_count"]}', "exception signatures", "warn" if r["signature_count"] else "ok"),
             (f'{len(r["new_signatures"])}', "new signatures", "bad" if r["new_signatures"] else "ok"),
             (f"{slow}", "slow SQL statements", "bad" if slow else "ok"),
             (f'{sum(r["masked"].values()):,}', "values masked", ""),
             ("n/a" if health.get("error") else f"{lag:,}", "consumer lag", "bad" if lag or health.get("error") else "ok")]
    return '<div class="cards">' + "".join(
        f'<div class="card {c}"><div class="n">{e(n)}</div><div class="l">{e(lbl)}</div></div>' for n, lbl, c in cards
    ) + "</div>"


def render_report(r: dict[str, Any], zone: tzinfo, zone_name: str) -> str:
    new = {x["signature"] for x in r["new_signatures"]}
    sig_head = ["#count", "exception", "first seen", "last seen"]
    masked_rows = [f'<tr><td class="mono">{e(k)}</td><td class="num">{v:,}</td></tr>'
                   for k, v in sorted(r["masked"].items(), key=lambda kv: -kv[1])]
    services = " · ".join(f"{e(k)} {v:,}" for k, v in r["totals"]["services"].items())
    sections = [
        _section("New exception signatures", "First seen in this window (never before in the index): look at each one.",
                 table(sig_head, _signature_rows(r["new_signatures"], zone, new, False), "No new signatures."), "new"),
        _section("Top exception signatures", f"By count in the window; trend per {r['trend_interval_s'] // 60} min.",
                 table(["#count", "exception", "trend", "first seen", "last seen"],
                       _signature_rows(r["signatures"], zone, new, True), "No exceptions."), "top"),
        _section("Slow SQL", f"Fingerprints with statements at or over their threshold (default {r['slow_ms']:g} ms); "
                 "the sample is the slowest statement.",
                 table(["#slow", "#count", "#p95", "#max", "statement (slowest)"], _sql_rows(r["slow_sql"]),
                       "No slow statements."), "sql"),
        _section("Slowest methods", "By p95 of the method timings.",
                 table(["method", "#count", "#p50", "#p95", "#max"], _method_rows(r["methods"]), "No method timings."),
                 "methods"),
        _section("Errors per service", f"ERROR/FATAL lines and exceptions per {r['errors_interval_s'] // 3600} h "
                 f"({e(zone_name)}).", _errors_chart(r["errors_by_service"], zone), "errors"),
        _section("Masked values", "Sensitive values replaced before shipping (sum of logpipe.masked.*).",
                 table(["kind", "#values masked"], masked_rows, "Nothing masked."), "masked"),
        _section("Pipeline health", "Kafka consumer lag of the indexer and alerter, and rejected records.",
                 _health(r.get("health", {})), "health"),
    ]
    window = f'{local_time(r["window"]["from"], zone, "%Y-%m-%d %H:%M")} → {local_time(r["window"]["to"], zone, "%Y-%m-%d %H:%M")}'
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>Log inspection {e(window)}</title><style>{CSS}</style></head><body>'
            f'<header><h1>Daily log inspection</h1><div class="sub">{e(window)} ({e(zone_name)}) · '
            f'{services} · generated {e(local_time(r["generated"], zone, "%Y-%m-%d %H:%M"))}</div></header>'
            f'<main>{_cards(r)}{"".join(sections)}</main>'
            f'<footer>logpipe report · times in {e(zone_name)}</footer></body></html>')


# The inline stylesheet of the report and the trace timeline: system fonts, no web fonts, no scripts.
CSS = """
:root { --ink:#0f172a; --muted:#64748b; --line:#e2e8f0; --bg:#f8fafc; --card:#ffffff;
        --red:#dc2626; --amber:#d97706; --green:#059669; --blue:#2563eb; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
       font:14px/1.45 -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC", "PingFang SC",
       "Microsoft YaHei", sans-serif; }
header { background:#0f172a; color:#f8fafc; padding:22px 32px 18px; }
header h1 { margin:0 0 4px; font-size:22px; font-weight:650; letter-spacing:.2px; }
header .sub { color:#cbd5e1; font-size:13px; }
main { max-width:1180px; margin:0 auto; padding:20px 32px 40px; }
.cards { display:grid; grid-template-columns:repeat(auto-fit, minmax(128px, 1fr)); gap:12px; margin:4px 0 8px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:12px 14px; }
.card .n { font-size:24px; font-weight:650; font-variant-numeric:tabular-nums; }
.card .l { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.4px; }
.card.bad .n { color:var(--red); } .card.warn .n { color:var(--amber); } .card.ok .n { color:var(--green); }
section { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:16px 18px;
          margin-top:16px; }
section h2 { margin:0 0 2px; font-size:16px; font-weight:650; }
section .why { color:var(--muted); font-size:12.5px; margin:0 0 10px; }
table { width:100%; border-collapse:collapse; font-size:13px; }
th { text-align:left; color:var(--muted); font-weight:600; font-size:11.5px; text-transform:uppercase;
     letter-spacing:.3px; border-bottom:1px solid var(--line); padding:6px 8px; white-space:nowrap; }
td { border-bottom:1px solid #f1f5f9; padding:7px 8px; vertical-align:top; }
tr:last-child td { border-bottom:none; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
td.time { white-space:nowrap; color:#475569; font-variant-numeric:tabular-nums; }
code, .mono { font-family:ui-monospace, "SFMono-Regular", Menlo, Consolas, "Noto Sans Mono", monospace;
              font-size:12px; }
.sig { color:var(--muted); }
.type { font-weight:600; word-break:break-all; }
.msg { color:#334155; word-break:break-word; }
.cause { color:var(--red); font-size:12px; }
.sql { display:block; max-width:560px; color:#1e293b; word-break:break-word; }
.tag { display:inline-block; padding:1px 7px; border-radius:99px; font-size:11px; font-weight:600;
       background:#eef2ff; color:#3730a3; white-space:nowrap; }
.tag.new { background:#fee2e2; color:#991b1b; }
.tag.svc { background:#f1f5f9; color:#334155; }
.empty { color:var(--muted); font-style:italic; padding:6px 0; }
.tick { font-size:11px; fill:#64748b; } .legend { font-size:12px; fill:#334155; }
.status-ok { color:var(--green); font-weight:600; } .status-bad { color:var(--red); font-weight:600; }
footer { color:var(--muted); font-size:12px; text-align:center; padding:10px 0 30px; }
.lane-head { font-size:12px; font-weight:600; fill:#334155; }
.row-text { font-size:12px; fill:#0f172a; } .row-time { font-size:11.5px; fill:#64748b; }
"""
