"""Score the parser on one layout: write the scenario's records with it, parse the text as
`logpipe scan` does (no configuration), and compare record by record.

Checks, each as found/total:
  starts     every record starts an event, and no event starts inside a record (a split
             or merged record fails it once);
  level, thread, logger, message
             the event of the record has the field as the layout wrote it (only for the
             fields the layout writes; the message: its first line);
  trace      the error record's event is an exception with the outer and root classes;
  sql        each statement of the scenario is some event's statement (spaces folded);
  timing     each record with a duration has it on its event (within 1 ms).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bench.layouts import field_like, java_pattern, python_format
from bench.layouts.record import Record
from bench.layouts.scenario import java_records, python_records
from parsers.assemble import Assembler, Source
from parsers.options import ParseOptions

LEVELS = {"WARNING": "WARN", "CRITICAL": "FATAL", "SEVERE": "ERROR", "FINE": "DEBUG"}
CHECKS = ("starts", "level", "thread", "logger", "message", "trace", "sql", "timing")


@dataclass
class Layout:
    id: str
    kind: str  # logback | log4j2 | log4j1 | python-percent | python-brace
    pattern: str
    datefmt: str | None = None


@dataclass
class Result:
    layout: Layout
    text: str = ""
    error: str | None = None
    counts: dict[str, list[int]] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def tally(self, check: str, ok: bool, why: str = "") -> None:
        pair = self.counts.setdefault(check, [0, 0])
        pair[0] += ok
        pair[1] += 1
        if not ok and why:
            self.misses.append(f"{check}: {why}")

    @property
    def perfect(self) -> bool:
        return self.error is None and all(f == t for f, t in self.counts.values())


def write(layout: Layout, messages: str = "scenario") -> tuple[str, list[tuple[Record, int, dict]]]:
    """The layout's text and, per record, its byte offset and the fields as written.
    `messages`: the scenario's records, or `field-like` (`field_like.records`)."""
    python = layout.kind.startswith("python")
    if messages == "field-like":
        records = field_like.records(python)
    else:
        records = python_records() if python else java_records()
    parts, placed, offset = [], [], 0
    for rec in records:
        fields: dict = {}
        if python:
            style = "%" if layout.kind == "python-percent" else "{"
            text = python_format.render(layout.pattern, style, layout.datefmt, rec)
            fields.update(python_format.fields(layout.pattern, style, rec))
        else:
            text = java_pattern.render(layout.pattern, layout.kind, rec, fields)
        parts.append(text)
        placed.append((rec, offset, fields))
        offset += len(text.encode())
    return "".join(parts), placed


def parse(text: str) -> list:
    data = text.encode()
    asm = Assembler(ParseOptions(), Source("layouts", "layouts", "layouts", "layouts"), 0)
    return asm.feed(data, 0, 0) + asm.finish(0)


def _fold(s: str | None) -> str:
    return re.sub(r"\s+", " ", s or "").strip().lower()


def score(layout: Layout, messages: str = "scenario") -> Result:
    res = Result(layout)
    try:
        res.text, placed = write(layout, messages)
    except ValueError as exc:
        res.error = str(exc)
        return res
    events = parse(res.text)
    by_offset = {ev.offset: ev for ev in events}
    starts = {off for _, off, _ in placed}
    for rec, off, fields in placed:
        ev = by_offset.get(off)
        first = rec.message.split("\n", 1)[0][:30]
        res.tally("starts", ev is not None, f"no event starts at {first!r}")
        if ev is None:
            continue
        for name in ("level", "thread", "logger"):
            if fields.get(name):
                got = getattr(ev, name) or ""
                want = fields[name]
                if name == "level":
                    got, want = LEVELS.get(got.upper(), got.upper()), LEVELS.get(want.upper(), want.upper())
                res.tally(name, got == want, f"{want!r} read as {got!r} ({first!r})")
        if "message" in fields:
            got = (ev.message or "").split("\n", 1)[0]
            res.tally("message", got.startswith(rec.message.split("\n", 1)[0]), f"{first!r} read as {got[:60]!r}")
        if rec.error_class:
            ok = ev.kind == "exception" and ev.error_type == rec.error_class and ev.root_cause_type == rec.root_class
            res.tally("trace", ok, f"{ev.kind} {ev.error_type} / {ev.root_cause_type}")
        if rec.duration_ms is not None and not rec.sql:
            ok = ev.duration_ns is not None and abs(ev.duration_ns / 1e6 - rec.duration_ms) < 1
            res.tally("timing", ok, f"{rec.duration_ms} ms on {first!r}: {ev.duration_ns}")
    inside = [ev for ev in events if ev.offset not in starts]
    for ev in inside:
        res.misses.append(f"starts: an event starts inside a record: {ev.message[:50]!r}")
    if inside:
        res.counts["starts"][0] = max(0, res.counts["starts"][0] - len(inside))
    statements = {_fold(ev.sql_statement) for ev in events if ev.sql_statement}
    statements |= {_fold(ev.sql_fingerprint) for ev in events if ev.sql_fingerprint}  # parameters filled in
    for rec, _, _ in placed:
        if rec.sql:
            res.tally("sql", _fold(rec.sql) in statements, f"{rec.sql[:40]!r} not found")
    return res
