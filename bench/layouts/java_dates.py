"""Java date patterns (`SimpleDateFormat` / `DateTimeFormatter` letters) and log4j's named
formats, written for one instant as the logging libraries write them."""

from __future__ import annotations

import re
from datetime import datetime

from bench.layouts.record import Unsupported

NAMED = {  # log4j 1.x and log4j2 named formats
    "ISO8601": "yyyy-MM-dd'T'HH:mm:ss,SSS", "ISO8601_BASIC": "yyyyMMdd'T'HHmmss,SSS",
    "ABSOLUTE": "HH:mm:ss,SSS", "DATE": "dd MMM yyyy HH:mm:ss,SSS", "DEFAULT": "yyyy-MM-dd HH:mm:ss,SSS",
    "COMPACT": "yyyyMMddHHmmssSSS", "ISO8601_OFFSET_DATE_TIME_HHMM": "yyyy-MM-dd'T'HH:mm:ss,SSSXX",
    "ISO8601_OFFSET_DATE_TIME_HHCMM": "yyyy-MM-dd'T'HH:mm:ss,SSSXXX", "DEFAULT_MICROS": "yyyy-MM-dd HH:mm:ss,nnnnnn",
    "UNIX_MILLIS": None, "UNIX": None,
}
DEFAULT = {"logback": "yyyy-MM-dd HH:mm:ss,SSS", "log4j2": "yyyy-MM-dd HH:mm:ss,SSS", "log4j1": "yyyy-MM-dd'T'HH:mm:ss,SSS"}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_RUN = re.compile(r"'[^']*'|''|([A-Za-z])\1*|[^A-Za-z']+")


def format_date(t: datetime, option: str | None, kind: str) -> str:
    fmt = option.split(",")[0].strip().strip('"') if option else DEFAULT[kind]
    if kind == "log4j1" and option is None:
        fmt = "yyyy-MM-dd HH:mm:ss,SSS"  # %d of log4j 1.x is ISO8601, written with a space
    if fmt in NAMED:
        if NAMED[fmt] is None:
            return str(int(t.timestamp() * 1000)) if fmt == "UNIX_MILLIS" else str(int(t.timestamp()))
        fmt = NAMED[fmt]
    if option and "," in option and not option.strip().startswith('"'):
        # `%d{yyyy-MM-dd HH:mm:ss,SSS}` has a comma inside the pattern: logback needs it quoted;
        # an unquoted one is pattern + zone, but a zone never looks like `SSS`
        head, tail = option.split(",", 1)
        if re.fullmatch(r"\s*S+\s*", tail):
            fmt = option
    return "".join(_piece(m, t) for m in _RUN.finditer(fmt))


def _piece(m: re.Match, t: datetime) -> str:
    s = m.group(0)
    if s == "''":
        return "'"
    if s.startswith("'"):
        return s[1:-1]
    if not m.group(1):
        return s
    c, n = s[0], len(s)
    if c in "yu":
        return f"{t.year % 100:02d}" if n == 2 else f"{t.year:0{n}d}"
    if c in "ML":
        return MONTHS[t.month - 1] if n >= 4 else MONTHS[t.month - 1][:3] if n == 3 else f"{t.month:0{n}d}"
    if c == "d":
        return f"{t.day:0{n}d}"
    if c == "H":
        return f"{t.hour:0{n}d}"
    if c == "h":
        return f"{(t.hour % 12) or 12:0{n}d}"
    if c == "m":
        return f"{t.minute:0{n}d}"
    if c == "s":
        return f"{t.second:0{n}d}"
    if c == "S":
        return f"{t.microsecond:06d}"[:n].ljust(n, "0")
    if c == "n":
        return f"{t.microsecond * 1000:09d}"[:n]
    if c == "a":
        return "AM" if t.hour < 12 else "PM"
    if c in "EF":
        return DAYS[t.weekday()] if n >= 4 else DAYS[t.weekday()][:3]
    if c in "XxZ":
        return {1: "+08", 2: "+0800"}.get(n, "+08:00") if c != "Z" else "+0800"
    if c == "z":
        return "CST"
    if c == "D":
        return f"{t.timetuple().tm_yday:0{n}d}"
    raise Unsupported(f"date letter {c}")
