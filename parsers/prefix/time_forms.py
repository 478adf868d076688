"""Timestamps as real logs write them, for zero-configuration record starts.

Each form is a regex fragment with named groups and a function that turns a match
into `YYYY-MM-DD HH:MM:SS` (the text `TimeConverter` takes) plus the fraction and
the line's own UTC offset. A form without a year or without a date takes them from
the date hint (a date in the file name, else the file's modification day).

    ISO          2019-01-02 03:04:05,678  2019/01/02T03:04:05.678+08:00  2019-1-2 3:04:05
    day-month    02-Jan-2019 03:04:05.678 (Tomcat)   02/Jan/2019:03:04:05 +0800 (access logs)
                 20-Sep 19:18:43 (log4j `%d{dd-MMM HH:mm:ss}`, no year)
    JUL          Jan 2, 2019 3:04:05 PM, 八月 20, 2013 7:33:01 下午 (a Chinese locale)
    syslog       Nov 26 10:15:30
    java date    Tue Jan 02 03:04:05 CST 2019
    'at'         2019-01-02 at 03:04:05 CST, 2001.07.04 AD at 12:08:56 PDT (SimpleDateFormat's example)
    numeric      01/02/2019 03:04:05 (US; day first when the first number is > 12),
                 02.01.2019 03:04:05, 16-02-2024 03:04:05, 19/01/02 03:04:05 (yy/MM/dd),
                 01-02 03:04:05.678 (MM-dd)
    time only    03:04:05.678
    epoch ms     1546398245678| (p6spy and other `|`-delimited lines)
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Callable

MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_MON = r"(?P<mon>(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*)"
# A JVM in a Chinese locale: `八月 20, 2013 7:33:01 下午` (java.util.logging's SimpleFormatter)
CN_MONTHS = {m: i for i, m in enumerate(
    ("一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"), 1)}
_CN_MON = r"(?P<cmon>十[一二]?月|[一二三四五六七八九]月)"
_HMS = r"(?P<h>\d{1,2}):(?P<mi>\d{2}):(?P<s>\d{2})"
_FRAC = r"(?:[.,:]?(?P<f>\d{1,9}))?"  # `:ss.SSS`, `:ss,SSS`, `:ss:SSS`, and `:ssSSS` (a pattern without the dot)
_ZONE = r"(?:\s?(?P<z>Z|[+-]\d{2}:?\d{2}(?!\d)))?"


class Hint:
    """Where a timestamp without a date (or year) takes it from: `YYYY-MM-DD` or None."""

    __slots__ = ("date", "year")

    def __init__(self, date: str | None) -> None:
        self.date = date if date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else None
        self.year = int(self.date[:4]) if self.date else None


def date_time_text(y: int | None, mo: int | None, d: int | None, g: dict, hint: Hint) -> str | None:
    """`YYYY-MM-DD HH:MM:SS` of a date (year, month, day; what is None from the hint) and the
    time in `g` (`h`, `mi`, `s`), else None (no hint, or no such day)."""
    if y is None:
        if hint.year is None:
            return None
        y = hint.year
    if mo is None or d is None:
        if hint.date is None:
            return None
        return f"{hint.date} {int(g['h']):02d}:{g['mi']}:{g['s']}"
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d} {int(g['h']):02d}:{g['mi']}:{g['s']}"


def valid_time(g: dict) -> bool:
    """The `h`, `mi` and `s` groups of a match make a time of day (a leap second allowed)."""
    return int(g["h"]) < 24 and int(g["mi"]) < 60 and int(g["s"]) < 61


def _month(g: dict) -> int | None:
    return MONTHS.get(g["mon"][:3].lower())


def _iso(g, hint):
    return date_time_text(int(g["y"]), int(g["mo"]), int(g["d"]), g, hint)


def _day_month(g, hint):
    return date_time_text(int(g["y"]), _month(g), int(g["d"]), g, hint)


def _jul(g, hint):
    h = int(g["h"]) % 12 + (12 if g["ampm"].upper() in ("PM", "下午") else 0)
    month = _month(g) if g.get("mon") else CN_MONTHS.get(g["cmon"])
    return date_time_text(int(g["y"]), month, int(g["d"]), dict(g, h=str(h)), hint)


def _syslog(g, hint):
    return date_time_text(None, _month(g), int(g["d"]), g, hint)


def _java_date(g, hint):
    return date_time_text(int(g["y"]), _month(g), int(g["d"]), g, hint)


def _numeric(g, hint):
    a, b, c = int(g["a"]), int(g["b"]), g["c"]
    if g["sep"] == ".":  # 02.01.2019: day first
        return date_time_text(int(c), b, a, g, hint) if len(c) == 4 else None
    if len(c) == 2:  # 19/01/02: yy/MM/dd (Hadoop, Spark); 16-02-2024 and 02/16/2024 below
        return date_time_text(2000 + a, b, int(c), g, hint)
    return date_time_text(int(c), b, a, g, hint) if a > 12 else date_time_text(int(c), a, b, g, hint)


def _month_day(g, hint):
    return date_time_text(None, int(g["mo"]), int(g["d"]), g, hint)


def _day_mon(g, hint):
    return date_time_text(None, _month(g), int(g["d"]), g, hint)


def _time_only(g, hint):
    return date_time_text(None, None, None, g, hint)


# (name, regex fragment, to "YYYY-MM-DD HH:MM:SS"); order matters only for speed.
FORMS: tuple[tuple[str, str, Callable[[dict, Hint], str | None]], ...] = (
    ("iso", rf"(?P<y>\d{{4}})[-/.](?P<mo>\d{{1,2}})[-/.](?P<d>\d{{1,2}})(?:[ T_-]|T? +){_HMS}{_FRAC}{_ZONE}", _iso),
    ("time", rf"{_HMS}{_FRAC}(?![\d:/-])", _time_only),
    ("day_month", rf"(?P<d>\d{{1,2}})[-/ ]{_MON}[-/ ](?P<y>\d{{4}})[: ]{_HMS}{_FRAC}{_ZONE}", _day_month),
    ("jul", rf"(?:{_MON}|{_CN_MON}) (?P<d>\d{{1,2}}), (?P<y>\d{{4}}),? {_HMS} (?P<ampm>[AaPp][Mm]|上午|下午)", _jul),
    ("java_date", rf"(?i:mon|tue|wed|thu|fri|sat|sun)[a-z]* {_MON} (?P<d>\d{{1,2}}) {_HMS} (?:[A-Z]{{2,5}} )?(?P<y>\d{{4}})",
     _java_date),
    ("syslog", rf"{_MON} {{1,2}}(?P<d>\d{{1,2}}) {_HMS}{_FRAC}(?![\d,])", _syslog),
    ("numeric", rf"(?P<a>\d{{2}})(?P<sep>[/.-])(?P<b>\d{{2}})(?P=sep)(?P<c>\d{{4}}|\d{{2}})[ T]{_HMS}{_FRAC}{_ZONE}",
     _numeric),
    ("month_day", rf"(?P<mo>\d{{2}})-(?P<d>\d{{2}}) {_HMS}{_FRAC}(?![\d:])", _month_day),
    # ISO 8601's basic date (log4j `%d{yyyyMMdd HH:mm:ss,SSS}`)
    ("basic", rf"(?P<y>(?:19|20)\d{{2}})(?P<mo>[01]\d)(?P<d>[0-3]\d)[ T]{_HMS}{_FRAC}{_ZONE}", _iso),
    # SimpleDateFormat's `yyyy.MM.dd G 'at' HH:mm:ss z` (its documentation's example, copied into
    # logback patterns: `%d{yyyy-MM-dd 'at' HH:mm:ss z}`); the zone's name is read past, not used
    ("iso_at", rf"(?P<y>\d{{4}})[-/.](?P<mo>\d{{1,2}})[-/.](?P<d>\d{{1,2}})(?: AD)? at {_HMS}{_FRAC}"
               rf"(?: (?:UTC|GMT|[A-Z]{{1,3}}T)(?![\w-]))?{_ZONE}", _iso),
    # log4j's `%d{dd-MMM HH:mm:ss}` (no year: the hint's)
    ("day_mon", rf"(?P<d>\d{{1,2}})-{_MON} {_HMS}{_FRAC}(?![\d:])", _day_mon),
)

EPOCH_MS = re.compile(r"(?P<epoch>1\d{12})\|")


def epoch_ms_text(ms: int) -> tuple[str, str]:
    """`YYYY-MM-DD HH:MM:SS` in UTC and the fraction, for an epoch in milliseconds."""
    dt = datetime.fromtimestamp(ms // 1000, timezone.utc)
    return dt.strftime("%Y-%m-%d %H:%M:%S"), f"{ms % 1000:03d}"
