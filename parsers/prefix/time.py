"""Timestamps in line prefixes: Java date patterns as regexes, and their conversion
to ISO 8601 with a UTC offset.

A timestamp sub-expression always has the same named groups, so one converter serves
every format:

    ts    the whole timestamp text
    ts_s  the part down to the second (the cache key: it repeats for every line of a second)
    ts_f  fraction digits, if any
    ts_z  the line's own UTC offset (`Z`, `+0800`, `+08:00`), if any

A pattern without a date (`HH:mm:ss.SSS`) yields no timestamp: parsers are pure and do
not know "today", so the caller keeps the raw text (`Prefix.raw_time`) and falls back
to the read time.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone as dt_timezone, tzinfo
from functools import partial
from typing import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from parsers._native import IsoClock

# The generic date-time of the built-in formats: 2026-11-26 10:15:30.123, ,123, T, offset.
DATETIME_PATTERN = (
    r"(?P<ts>(?P<ts_s>\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2})"
    r"(?:[.,](?P<ts_f>\d{1,9}))?(?P<ts_z>Z|[+-]\d{2}:?\d{2})?)"
)

_NAMED = {  # logback / log4j2 named date formats
    "ISO8601": "yyyy-MM-dd HH:mm:ss,SSS",
    "DEFAULT": "yyyy-MM-dd HH:mm:ss,SSS",
    "ABSOLUTE": "HH:mm:ss,SSS",
    "COMPACT": "yyyyMMddHHmmssSSS",
}
_TOKEN = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|.", re.S)
_FIELDS = {  # letter run -> (regex, strptime directive)
    "yyyy": (r"\d{4}", "%Y"), "yy": (r"\d{2}", "%y"),
    "MM": (r"\d{2}", "%m"), "M": (r"\d{1,2}", "%m"), "MMM": (r"[A-Za-z]{3}", "%b"),
    "dd": (r"\d{2}", "%d"), "d": (r"\d{1,2}", "%d"),
    "HH": (r"\d{2}", "%H"), "H": (r"\d{1,2}", "%H"), "hh": (r"\d{2}", "%I"),
    "mm": (r"\d{2}", "%M"), "ss": (r"\d{2}", "%S"), "a": (r"[AaPp][Mm]", "%p"),
    "EEE": (r"[A-Za-z]{3}", "%a"),
}
_ZONES = {"XXX": r"Z|[+-]\d{2}:\d{2}", "XX": r"Z|[+-]\d{4}", "X": r"Z|[+-]\d{2}(?:\d{2})?", "Z": r"[+-]\d{4}"}


def java_date_regex(java_fmt: str) -> tuple[str, Callable[[str], datetime] | None]:
    """Regex (with the ts/ts_s/ts_f/ts_z groups) for a Java date pattern, and the
    function turning `ts_s` into a naive datetime (None when the pattern has no date)."""
    java_fmt = _NAMED.get(java_fmt.strip(), java_fmt.strip())
    sec_rx, strp, tail_rx, in_seconds, has_date = [], [], [], True, False
    for tok in _TOKEN.finditer(java_fmt):
        text = tok.group(0)
        if text.startswith("'") or not text[0].isalpha():
            lit = (text[1:-1].replace("''", "'") if len(text) > 1 else "'") if text.startswith("'") else text
            if in_seconds:
                sec_rx.append(re.escape(lit))
                strp.append(lit.replace("%", "%%"))
            else:
                tail_rx.append(re.escape(lit))
        elif text[0] == "S":
            in_seconds = False
            if sec_rx and sec_rx[-1] in (r"\.", ",", r"\,"):  # the fraction separator
                sec_rx.pop()
                strp.pop()
                tail_rx.append(r"[.,]")
            tail_rx.append(rf"(?P<ts_f>\d{{{len(text)}}})")
        elif text in _ZONES:
            in_seconds = False
            tail_rx.append(f"(?P<ts_z>{_ZONES[text]})")
        elif text in _FIELDS:
            if not in_seconds:
                raise ValueError(f"date pattern {java_fmt!r}: {text!r} after the fraction is not supported")
            rx, directive = _FIELDS[text]
            sec_rx.append(rx)
            strp.append(directive)
            has_date = has_date or text[0] in "yMd"
        else:
            raise ValueError(f"date pattern {java_fmt!r}: unsupported field {text!r}")
    regex = f"(?P<ts>(?P<ts_s>{''.join(sec_rx)}){''.join(tail_rx)})"
    if not has_date:
        return regex, None
    strp_fmt = "".join(strp)
    return regex, lambda s: datetime.strptime(s, strp_fmt)


def iso_seconds(s: str) -> datetime:
    """`2026-11-26 10:15:30` or `2026-11-26T10:15:30` as a naive datetime."""
    return datetime.fromisoformat(s)


def parse_timezone(name: str) -> tzinfo:
    """An IANA zone name (`Asia/Shanghai`), `UTC`/`Z`, or a fixed offset (`+08:00`, `+0800`)."""
    m = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", name.strip())
    if m:
        delta = timedelta(hours=int(m.group(2)), minutes=int(m.group(3)))
        return dt_timezone(-delta if m.group(1) == "-" else delta)
    if name.strip().upper() in ("UTC", "Z", "GMT"):
        return dt_timezone.utc
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown timezone {name!r}: use an IANA name or an offset like +08:00") from exc


def _offset_text(off: timedelta | None) -> str:
    minutes = int((off or timedelta(0)).total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _line_offset(z: str) -> str:
    if z == "Z":
        return "+00:00"
    digits = z[1:].replace(":", "")
    return f"{z[0]}{digits[:2]}:{digits[2:4] or '00'}"


class TimeConverter:
    """Turns timestamp groups into ISO 8601 with offset: `iso(ts_s, ts_f, ts_z)`, caching
    per distinct second (the compiled core's `IsoClock`; `_second` makes each second's
    text once).

    The cache is per parser instance and bounded; it holds only derived text.
    """

    __slots__ = ("iso",)
    MAX_CACHE = 4096

    def __init__(self, zone: tzinfo, to_dt: Callable[[str], datetime] | None) -> None:
        # a function of its own, not a bound method: the clock holds no cycle back to it
        self.iso = IsoClock(partial(_second, zone, to_dt), self.MAX_CACHE)


def _second(zone: tzinfo, to_dt: Callable[[str], datetime] | None, ts_s: str, ts_z: str | None) -> tuple[str, str] | None:
    """A second's ISO 8601 text (no fraction) and its offset: written in the line, or the zone's then."""
    if to_dt is None:
        return None
    try:
        naive = to_dt(ts_s)
        off = _line_offset(ts_z) if ts_z else _offset_text(naive.replace(tzinfo=zone).utcoffset())
    except (ValueError, OverflowError):
        return None
    return naive.strftime("%Y-%m-%dT%H:%M:%S"), off
