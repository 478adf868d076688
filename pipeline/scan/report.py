"""The scan report for people: rich tables on a terminal, plain aligned text when piped.

`render(report, console, top=N)` prints the report built by `summary.build_report`,
worst first in every section: exception signatures by count, SQL by statements over
their slow threshold then total time, methods by p95. Durations are in ms.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from pipeline.figures import ms_text


def _n(v: int) -> str:
    return f"{v:,}"


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


def _time(ts: str | None) -> str:
    return "-" if not ts else ts.replace("T", " ")[:23]


# What a flag means, for the reader of the report (flags not listed print as they are).
FLAG_NOTES = {
    "truncated": "cut at a size bound (line or event)",
    "invalid_utf8": "bytes that are not UTF-8 (shown as U+FFFD)",
    "gb18030": "a line in GBK/GB18030, not UTF-8 (Chinese Windows servers): decoded as such",
    "nul_bytes": "NUL bytes removed",
    "malformed_row": "table line that does not fit its columns",
    "mybatis_part": "MyBatis Preparing/Parameters line, joined into its SQL event (informational)",
    "mybatis_unjoined": "MyBatis Total line whose statement was not seen",
    "mybatis_copy": "MyBatis line written twice in a row (a logger on two appenders of one file): joined once",
    "sql_unclosed": "MyBatis statement that logged no outcome (no Total/Updates line: it failed, most likely)",
    "read_error": "file not read to its end (unreadable, corrupt or truncated .gz)",
}


class _Titled:
    """A table printed under its own title line (a table title would wrap to the table's width)."""

    def __init__(self, title: str, table: Table) -> None:
        self.title, self.table = title, table

    def __rich_console__(self, console: Console, options: Any) -> Any:
        plain = not console.is_terminal
        yield ""
        yield self.title if plain else f"[bold cyan]{self.title}[/]"
        if plain:
            yield "-" * len(self.title)
        yield self.table


def _table(title: str, plain: bool, *columns: str) -> Any:
    t = Table(box=None if plain else box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
              header_style="" if plain else "bold")
    for col in columns:
        right = col.endswith(("ms", "count", "events", "rows", "#", "slow", "errors", "size", "%"))
        t.add_column(col, justify="right" if right else "left", overflow="fold")
    return _Titled(title, t)


def _counts(title: str, counts: dict[str, int], total: int, plain: bool) -> Table:
    t = _table(title, plain, "", "count", "%")
    for key, n in counts.items():
        t.table.add_row(key, _n(n), f"{100 * n / total:.1f}" if total else "-")
    return t


def render(report: dict[str, Any], console: Console, top: int = 15) -> None:
    plain = not console.is_terminal
    tot = report["totals"]
    console.print(f"logpipe scan: {_n(tot['events'])} events in {_n(tot['files'])} file(s), "
                  f"{_size(tot['bytes'])}, {_time(tot['first_seen'])} .. {_time(tot['last_seen'])}")
    console.print(_counts("Events by kind", report["kinds"], tot["events"], plain))
    console.print(_counts("Events by level", report["levels"], tot["events"], plain))
    files = _table("Files", plain, "service", "path", "events", "errors", "size")
    for f in report["files"]:
        files.table.add_row(f["service"], f["path"], _n(f["events"]), _n(f["errors"]), _size(f["bytes"]))
    console.print(files)
    _signatures(report, console, plain, top)
    _sql(report, console, plain, top)
    _methods(report, console, plain, top)
    _tables_and_flags(report, console, plain)


def _signatures(report: dict[str, Any], console: Console, plain: bool, top: int) -> None:
    sigs = report["signatures"]
    t = _table(f"Exception signatures ({len(sigs)}, top {min(top, len(sigs))} by count)", plain,
               "#", "count", "signature", "first seen", "last seen", "exception → root cause / message / top frames")
    for i, s in enumerate(sigs[:top], 1):
        cause = s["error_type"] or "?"
        if s["root_cause_type"] and s["root_cause_type"] != s["error_type"]:
            cause += f" → {s['root_cause_type']}"
        lines = [cause]
        msg = s["root_cause_message"] or s["error_message"] or s["message"]
        if msg:
            lines.append(f"  \"{msg[:160]}\"")
        lines += [f"    at {fr}" for fr in s["top_frames"]]
        t.table.add_row(str(i), _n(s["count"]), s["signature"], _time(s["first_seen"]), _time(s["last_seen"]),
                  "\n".join(lines))
        if not plain and i < min(top, len(sigs)):
            t.table.add_section()
    console.print(t)


def _sql(report: dict[str, Any], console: Console, plain: bool, top: int) -> None:
    rows = report["sql"]
    t = _table(f"SQL by fingerprint ({len(rows)}, top {min(top, len(rows))}: most slow, then most time)", plain,
               "count", "avg ms", "p95 ms", "max ms", "slow", "fingerprint / slowest statement")
    for r in rows[:top]:
        slow = f"{_n(r['slow_count'])} ≥{r['slow_ms']:g}ms" if r["slow_count"] else "0"
        text = f"{r['fingerprint']}\n  {r['sample_statement'][:200]}" if r["sample_statement"] else r["fingerprint"]
        if r.get("untimed"):
            text += f"\n  (+{_n(r['untimed'])} logged without a duration)"
        t.table.add_row(_n(r["count"]), ms_text(r["avg_ms"]), ms_text(r["p95_ms"]), ms_text(r["max_ms"]), slow, text)
    console.print(t)


def _methods(report: dict[str, Any], console: Console, plain: bool, top: int) -> None:
    rows = report["methods"]
    t = _table(f"Slowest methods ({len(rows)}, top {min(top, len(rows))} by p95)", plain,
               "method", "count", "avg ms", "p95 ms", "max ms")
    for r in rows[:top]:
        t.table.add_row(r["method"], _n(r["count"]), ms_text(r["avg_ms"]), ms_text(r["p95_ms"]), ms_text(r["max_ms"]))
    console.print(t)


def _tables_and_flags(report: dict[str, Any], console: Console, plain: bool) -> None:
    t = _table("Table-format lines", plain, "table", "rows", "malformed rows")
    for r in report["tables"]:
        t.table.add_row(r["name"], _n(r["rows"]), _n(r["malformed"]))
    console.print(t)
    masked = _table("Masked values", plain, "kind", "count")
    for k, n in report["masked"].items():
        masked.table.add_row(k, _n(n))
    console.print(masked)
    flags = _table("Flagged events", plain, "flag", "count", "meaning")
    for k, n in report["flags"].items():
        note = "parser error: shipped raw" if k.startswith("parse_error") else FLAG_NOTES.get(k, "")
        flags.table.add_row(k, _n(n), note)
    for k, n in report["overflow"].items():
        flags.table.add_row(f"overflow:{k}", _n(n), "events beyond the distinct-key cap: counted, not itemised")
    console.print(flags if report["flags"] or report["overflow"] else "\nFlagged events: none")
