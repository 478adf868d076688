"""The time window of an analyst command: `--since 1h` relative to now, or `--from/--to`
absolute ISO 8601 times (an absolute window makes a query repeatable, which the daily
report and tests need). Pure: `now` is passed in.

    window_from(since="24h", start=None, end=None, now=now)  ->  Window(start, end)
    window_from(since=None, start="2026-11-26T00:00:00+08:00", end=None, now=now)

A time without an offset is read in the zone given (the config's `host.timezone`), so
`--from 2026-11-26` means the start of that day where the logs were written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

_SINCE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


class WindowError(ValueError):
    """A `--since/--from/--to` that cannot be read."""


@dataclass(frozen=True, slots=True)
class Window:
    """[start, end) in aware datetimes; None on a side: unbounded."""

    start: datetime | None = None
    end: datetime | None = None

    def range_query(self, field: str = "@timestamp") -> dict[str, Any] | None:
        """An Elasticsearch `range` clause for the window, None when unbounded on both sides."""
        bounds: dict[str, str] = {}
        if self.start is not None:
            bounds["gte"] = iso_ms(self.start)
        if self.end is not None:
            bounds["lt"] = iso_ms(self.end)
        return {"range": {field: bounds}} if bounds else None

    @property
    def seconds(self) -> float | None:
        if self.start is None or self.end is None:
            return None
        return (self.end - self.start).total_seconds()

    def describe(self, zone: tzinfo) -> str:
        def at(t: datetime | None) -> str:
            return "…" if t is None else t.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        return f"{at(self.start)} → {at(self.end)}"


def iso_ms(t: datetime) -> str:
    """ISO 8601 with milliseconds and offset, as Elasticsearch's `strict_date_optional_time` reads it."""
    return t.isoformat(timespec="milliseconds")


def parse_since(text: str) -> timedelta:
    """`90s`, `30m`, `1h`, `24h`, `7d`, `2w` → a timedelta."""
    m = _SINCE.match(text)
    if not m:
        raise WindowError(f"--since {text!r}: use a number and a unit (s, m, h, d, w), e.g. 1h or 7d")
    return timedelta(seconds=float(m.group(1)) * _UNIT_S[m.group(2)])


def parse_time(text: str, zone: tzinfo) -> datetime:
    """An ISO 8601 date or date-time; without an offset it is read in `zone`."""
    raw = text.strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    try:
        t = datetime.fromisoformat(raw)
    except ValueError:
        raise WindowError(f"{text!r}: not an ISO 8601 time (e.g. 2026-11-26T10:00:00+08:00)") from None
    return t if t.tzinfo is not None else t.replace(tzinfo=zone)


def window_from(*, since: str | None, start: str | None, end: str | None, now: datetime,
                zone: tzinfo = timezone.utc, default_since: str | None = None) -> Window:
    """The window of a command. `--from/--to` win over `--since`; with neither, `default_since`
    (None: all time). `--to` alone means everything before it."""
    if start is not None or end is not None:
        if since is not None:
            raise WindowError("give either --since or --from/--to, not both")
        w = Window(parse_time(start, zone) if start else None, parse_time(end, zone) if end else None)
        if w.start is not None and w.end is not None and w.end <= w.start:
            raise WindowError("--to must be after --from")
        return w
    since = since if since is not None else default_since
    if since is None:
        return Window()
    return Window(now - parse_since(since), now)
