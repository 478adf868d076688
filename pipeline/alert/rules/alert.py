"""The alert value and the helpers every rule shares: deterministic ids, event-time
reading, tolerant access to event documents, the alert JSON (docs/alert.schema.json).

An alert's id is `hash(rule, key, window start)`: replaying the same events gives the
same windows (they come from `@timestamp`), hence the same ids, so a restart can
recognise an alert it already emitted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from pipeline.doc_fields import dig

SCHEMA_VERSION = 1
STACK_TRACE_MAX_CHARS = 4000
MESSAGE_MAX_CHARS = 1000
SEVERITIES = ("info", "warning", "high", "critical")


def alert_id(rule: str, key: str, window_start_s: float) -> str:
    """Deterministic alert id: the same rule, key and window always give the same id."""
    raw = f"{rule}\x1f{key}\x1f{int(window_start_s)}".encode("utf-8", "surrogateescape")
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def window_start(ts_s: float, width_s: float) -> float:
    """Start of the tumbling window of `width_s` (aligned to the epoch) holding `ts_s`."""
    width = max(1.0, float(width_s))
    return (ts_s // width) * width


def iso(ts_s: float) -> str:
    """Seconds since the epoch as ISO 8601 UTC with milliseconds."""
    return datetime.fromtimestamp(ts_s, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_ts(value: Any) -> float | None:
    """`@timestamp` (ISO 8601; naive means UTC) or epoch millis, as epoch seconds; None if unusable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) / 1000.0 if abs(value) < 1e16 else None
    if not isinstance(value, str) or not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    try:
        return dt.timestamp()
    except (OverflowError, OSError, ValueError):
        return None


def text(doc: Any, dotted: str, max_chars: int = MESSAGE_MAX_CHARS) -> str | None:
    """A string field (capped), or None when missing or of another type."""
    value = dig(doc, dotted)
    if isinstance(value, str):
        return value[:max_chars]
    return None


def number(doc: Any, dotted: str) -> float | None:
    value = dig(doc, dotted)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return float(value)


MIN_EVENT_TS_S = 0.0  # 1970
MAX_EVENT_TS_S = 7_258_118_400.0  # 2200: beyond it a clock is wrong, not an event


def event_time(doc: Any, now_s: float) -> float:
    """The event's own time; `now_s` only when `@timestamp` is missing or absurd."""
    ts = parse_ts(dig(doc, "@timestamp"))
    return ts if ts is not None and MIN_EVENT_TS_S <= ts < MAX_EVENT_TS_S else now_s


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert: `body` is the JSON object that every output writes."""

    id: str
    rule: str
    key: str
    body: dict[str, Any]


def make_alert(rule: str, key: str, win_start_s: float, win_end_s: float, doc: Any, ts_s: float, *,
               severity: str, title: str, summary: str, count: int = 1, id_window_s: float | None = None,
               **extra: Any) -> Alert:
    """An alert about `doc` (the event that triggered it) for window [win_start_s, win_end_s).
    `id_window_s` replaces the window start in the id when the window is not what makes the alert unique."""
    aid = alert_id(rule, key, win_start_s if id_window_s is None else id_window_s)
    error = None
    if text(doc, "error.type") is not None:
        error = {"type": text(doc, "error.type"), "message": text(doc, "error.message"),
                 "stack_trace": text(doc, "error.stack_trace", max_chars=STACK_TRACE_MAX_CHARS)}
    root = None
    if text(doc, "logpipe.root_cause.type") is not None:
        root = {"type": text(doc, "logpipe.root_cause.type"),
                "message": text(doc, "logpipe.root_cause.message")}
    body: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "id": aid,
        "rule": rule,
        "key": key,
        "severity": severity,
        "title": title[:300],
        "summary": summary[:2000],
        "@timestamp": iso(ts_s),
        "first_seen": None,
        "service": text(doc, "service.name", max_chars=200),
        "host": text(doc, "host.name", max_chars=200),
        "signature": text(doc, "logpipe.signature", max_chars=200),
        "signature_version": text(doc, "logpipe.signature_version", max_chars=50),
        "error": error,
        "root_cause": root,
        "sql": None,
        "window": {"start": iso(win_start_s), "end": iso(win_end_s)},
        "count": count,
        "sample_event_id": text(doc, "event.id", max_chars=200),
        "log_level": text(doc, "log.level", max_chars=20),
    }
    body.update(extra)
    return Alert(aid, rule, key, body)
