"""Terminal rendering of `logpipe search`, `trace` and `top`: rich on a terminal (matches
in bold, services in colour), plain aligned text when piped. Times are shown in the
zone of the config (`host.timezone`), as the log lines were written."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pipeline.analyst.html import local_time
from pipeline.analyst.queries import TERMINAL_TAGS
from pipeline.doc_fields import dig
from pipeline.figures import ms_of_ns, ms_text

SERVICE_STYLES = ("cyan", "magenta", "green", "yellow", "blue", "bright_red")
LEVEL_STYLES = {"ERROR": "bold red", "FATAL": "bold red", "CRITICAL": "bold red", "WARN": "yellow",
                "WARNING": "yellow", "DEBUG": "dim"}


def marked(text: str, style: str = "bold") -> Text:
    """Text with the highlight marks of `TERMINAL_TAGS` turned into `style`."""
    out = Text()
    pre, post = TERMINAL_TAGS
    for i, part in enumerate(text.split(pre)):
        if i == 0:
            out.append(part)
            continue
        hit, _, rest = part.partition(post)
        out.append(hit, style=style)
        out.append(rest)
    return out


def is_exception(src: dict[str, Any]) -> bool:
    return dig(src, "logpipe.kind") == "exception" or (
        dig(src, "error.type") is not None and dig(src, "logpipe.kind") not in ("sql", "method"))


def describe(src: dict[str, Any]) -> str:
    """One line about an event for a trail: timings with ms and fingerprint, exceptions
    with class, message, first in-app frame and root cause, then the log message; table
    rows and other lines: the message."""
    kind = dig(src, "logpipe.kind")
    duration = dig(src, "event.duration")
    took = ms_text(ms_of_ns(duration), " ms") if isinstance(duration, (int, float)) else "?"
    if kind == "sql":
        sql = dig(src, "logpipe.sql") or {}
        rows = f", {sql['rows']} row(s)" if sql.get("rows") is not None else ""
        return f"SQL {took}{rows} [{sql.get('fingerprint_id', '')}] {sql.get('fingerprint') or sql.get('statement') or ''}"
    if kind == "method":
        return f"{dig(src, 'logpipe.method.name')} took {took}"
    if is_exception(src):
        text = f"{dig(src, 'error.type')}: {dig(src, 'error.message') or ''}"
        frame = dig(src, "logpipe.first_app_frame")
        if frame:
            text += f" at {frame}"
        cause = dig(src, "logpipe.root_cause.type")
        if cause and cause != dig(src, "error.type"):
            text += f"  ← root cause {cause}: {dig(src, 'logpipe.root_cause.message') or ''}"
        first_line = str(src.get("message", "")).split("\n", 1)[0]
        return text if not first_line or first_line.startswith(str(dig(src, "error.type"))) else f"{text}  — {first_line}"
    return str(src.get("message", ""))


class Styler:
    """A stable colour per service, in order of first appearance."""

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}

    def __call__(self, service: str) -> str:
        return self._seen.setdefault(service, SERVICE_STYLES[len(self._seen) % len(SERVICE_STYLES)])


def _head(src: dict[str, Any], zone: tzinfo, styler: Styler, width: int) -> Text:
    svc = str(dig(src, "service.name") or "-")
    level = str(dig(src, "log.level") or "-")
    t = Text(local_time(src.get("@timestamp"), zone, "%m-%d %H:%M:%S.%f")[:-3] + " ", style="dim")
    t.append(f"{svc:<{width}} ", style=styler(svc))
    t.append(f"{level:<5} ", style=LEVEL_STYLES.get(level, ""))
    return t


def render_search(total: int, hits: list[dict[str, Any]], console: Console, zone: tzinfo) -> None:
    styler = Styler()
    width = max((len(str(dig(h["_source"], "service.name") or "-")) for h in hits), default=1)
    for h in hits:
        src, hl = h["_source"], h.get("highlight", {})
        line = _head(src, zone, styler, width)
        line.append(f"{dig(src, 'logpipe.kind') or '-':<9} ", style="dim")
        message = hl.get("message") or hl.get("message.parts")
        line.append_text(marked(message[0]) if message else Text(str(src.get("message", ""))))
        error = hl.get("error.message") or hl.get("error.message.parts")
        if error:
            line.append("  ⟶ ").append_text(marked(error[0]))
        elif dig(src, "error.type"):
            line.append(f"  ⟶ {dig(src, 'error.type')}", style="red")
        console.print(line, soft_wrap=True, highlight=False)
    console.print(Text(f"{len(hits)} of {total:,} matching event(s), newest first", style="dim"))


def render_trace(trace_id: str, events: list[dict[str, Any]], console: Console, zone: tzinfo) -> None:
    styler = Styler()
    width = max((len(str(dig(s, "service.name") or "-")) for s in events), default=1)
    services = sorted({str(dig(s, "service.name")) for s in events})
    console.print(Text(f"trail of {trace_id}: {len(events)} event(s) across {len(services)} service(s) "
                       f"({', '.join(services)})", style="bold"))
    for src in events:
        line = _head(src, zone, styler, width)
        kind = dig(src, "logpipe.kind")
        line.append(describe(src), style="red" if is_exception(src) else ("yellow" if kind == "sql" else ""))
        console.print(line, soft_wrap=True, highlight=False)


def render_top(what: str, rows: list[dict[str, Any]], console: Console, zone: tzinfo) -> None:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    if what == "exceptions":
        for col in ("count", "first seen", "last seen", "type / root cause", "signature"):
            table.add_column(col, justify="right" if col == "count" else "left", overflow="fold")
        for r in rows:
            cause = r["root_cause_type"] if r["root_cause_type"] != r["error_type"] else ""
            table.add_row(f"{r['count']:,}", local_time(r["first_seen"], zone), local_time(r["last_seen"], zone),
                          f"{r['error_type']}" + (f"\n← {cause}" if cause else "") + f"\n{r['error_message'] or ''}",
                          r["signature"])
    else:
        key = "fingerprint_id" if what == "sql" else "method"
        table.add_column(key)
        for col in ("count", "p50", "p95", "max"):
            table.add_column(col, justify="right")
        if what == "sql":
            table.add_column("slow", justify="right")
            table.add_column("fingerprint", overflow="fold")
        for r in rows:
            cells = [r[key], f"{r['count']:,}", ms_text(r["p50_ms"], " ms"), ms_text(r["p95_ms"], " ms"), ms_text(r["max_ms"], " ms")]
            if what == "sql":
                cells += [f"{r.get('slow_count', 0):,}", r.get("fingerprint") or ""]
            table.add_row(*cells)
    console.print(table)
    if not rows:
        console.print(Text("nothing in the window", style="dim"))
