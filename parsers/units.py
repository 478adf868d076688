"""Durations and decimal amounts as they appear in log text.

`parse_duration_ns("35ms")`, `"1.2 s"`, `"350µs"`, `"35毫秒"`, `"1.5秒"`, `"2 seconds"` -> nanoseconds
(int). Minutes are read only where their unit is spelled out (`2.5 minutes`, `1 minute`,
`5分钟`): `2m` is minutes to some teams and milliseconds to others, and `2min` may be a
minimum, so neither is guessed (a wrong guess is worse than no value); else only
inside the compound forms where they are unambiguous (`COMPOUND`,
`compound_duration_ns`): Go's `time.Duration` (`1h2m3.5s`, `2m30s`), ISO 8601 as
Java's `Duration.toString()` writes it (`PT0.035S`, `PT1M2.5S`), a clock
(`00:01:02.500`, commons-lang's `StopWatch`), Flyway's `00:00.021s`, Spring Batch's `5s650ms`, and
Chinese parts (`1分2秒`, `2秒345毫秒`, Hutool's
`DateUtil.formatBetween`).

`NUMBER` and `UNIT` are regex source fragments that the timing parsers embed in
their own patterns, then hand the two captured parts to `duration_ns()`, so every
parser agrees on what a duration looks like. Everything here is pure and total:
bad input gives None, never an exception.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# Nanoseconds per unit, keyed by the unit as written (lower-cased for ASCII units).
UNIT_NS: dict[str, int] = {
    "ns": 1,
    "nanos": 1,
    "nanoseconds": 1,
    "纳秒": 1,
    "us": 1_000,
    "micros": 1_000,
    "microseconds": 1_000,
    "µs": 1_000,  # U+00B5 MICRO SIGN
    "μs": 1_000,  # U+03BC GREEK SMALL LETTER MU
    "微秒": 1_000,
    "ms": 1_000_000,
    "毫秒": 1_000_000,
    "millis": 1_000_000,
    "msec": 1_000_000,
    "msecs": 1_000_000,
    "millisecond": 1_000_000,
    "milliseconds": 1_000_000,
    "s": 1_000_000_000,
    "sec": 1_000_000_000,
    "secs": 1_000_000_000,
    "second": 1_000_000_000,
    "seconds": 1_000_000_000,
    "秒": 1_000_000_000,
    "minute": 60_000_000_000,
    "minutes": 60_000_000_000,
    "分钟": 60_000_000_000,  # `分` alone is no unit: five fen (an amount) reads `5分`
}

# Regex fragments (no groups) for embedding; longest units first so `ms` wins over `s`.
NUMBER = r"[0-9]{1,15}(?:\.[0-9]{1,9})?"
UNIT = (r"(?:(?:milli|micro|nano)seconds?|millis|micros|nanos|msecs?|纳秒|微秒|毫秒|minutes?|分钟|[nuµμm]s"
        r"|secs?|seconds?|秒|s)(?![A-Za-z])")

# Go: hours and/or minutes, then seconds (`1h2m3.5s`, `2m30s`, `1h0m0s`, `1h`; minutes alone, `5m`, are not read);
# Spring Batch's step and job durations (`BatchMetrics.formatDuration`): the same, whole seconds, then
# milliseconds (`5s650ms`, `1m2s345ms`, `1h0m0s5ms`); ISO 8601 (`PT1M2.5S`); a clock of hours, minutes and
# seconds (`00:01:02.500`).
_GO = (r"(?:[0-9]{1,6}h(?:[0-9]{1,2}m)?|[0-9]{1,6}m(?=[0-9])|(?=[0-9]{1,2}s[0-9]{1,3}ms))"
       r"(?:[0-9]{1,2}(?:\.[0-9]{1,9})?s)?(?:(?<=[0-9]s)[0-9]{1,3}ms)?")
_ISO = r"PT(?=[0-9])(?:[0-9]{1,6}H)?(?:[0-9]{1,6}M)?(?:[0-9]{1,9}(?:\.[0-9]{1,9})?S)?"
_CLOCK = r"[0-9]{1,3}:[0-5][0-9]:[0-5][0-9](?:[.,][0-9]{1,9})?"
# Flyway's minutes and seconds with milliseconds, told in seconds: `(execution time 00:00.021s)`
_MIN_SEC = r"[0-9]{2,4}:[0-5][0-9]\.[0-9]{3}s"
_END = r"(?![\w:%]|\.[0-9])"  # a sentence's full stop may follow, not more digits
# Chinese, as Hutool's `DateUtil.formatBetween` writes it (`1天2小时3分4秒5毫秒`, `2秒345毫秒`, `1分钟3秒`):
# two parts or more (`5分` alone is five fen, an amount), then anything but a digit (Chinese text may follow).
_CJK = (r"(?=[0-9]{1,6}(?:天|小时|分钟?|秒)[0-9])(?:[0-9]{1,6}天)?(?:[0-9]{1,6}小时)?(?:[0-9]{1,6}分钟?)?"
        r"(?:[0-9]{1,6}秒)?(?:[0-9]{1,6}毫秒)?(?![0-9])")
COMPOUND = rf"(?:(?:{_ISO}|{_CLOCK}|{_MIN_SEC}|{_GO}){_END}|{_CJK})"
GO_OR_ISO = rf"(?:{_ISO}|{_GO}){_END}"
_COMPOUND_WHOLE = re.compile(COMPOUND)
_GO_PART = re.compile(r"([0-9]+(?:\.[0-9]+)?)(h|ms|us|µs|ns|m|s)")
_CJK_PARTS = re.compile(r"([0-9]+)(天|小时|分钟|分|毫秒|秒)")
_ISO_PART = re.compile(r"([0-9]+(?:\.[0-9]+)?)([HMS])")
_PART_UNIT = {"h": "h", "m": "min", "H": "h", "M": "min", "S": "s", "s": "s", "ms": "ms", "us": "us", "µs": "µs",
              "ns": "ns", "天": "d", "小时": "h", "分钟": "min", "分": "min", "秒": "s", "毫秒": "ms"}
_BIG_NS = {"d": 86_400_000_000_000, "h": 3_600_000_000_000, "min": 60_000_000_000}
_DURATION = re.compile(rf"\s*({NUMBER})\s*({UNIT})?\s*", re.IGNORECASE)
_DECIMAL = re.compile(r"\s*([+-]?[0-9]{1,30}(?:\.[0-9]{1,30})?)\s*")


MAX_DURATION_NS = 2**63 - 1  # what a signed 64-bit field (Elasticsearch `long`, JSON encoders) holds


def duration_ns(number: str, unit: str | None, default_unit: str = "ms") -> int | None:
    """`number` (ASCII digits, optional fraction) in `unit` (or `default_unit`) as ns;
    None when it is no duration, or too long for a signed 64-bit count of ns (~292 years)."""
    per_ns = UNIT_NS.get((unit or default_unit).lower()) or UNIT_NS.get(unit or default_unit)
    if per_ns is None:
        return None
    whole, _, frac = number.partition(".")
    if not whole.isdigit() or not whole.isascii() or (frac and not (frac.isdigit() and frac.isascii())):
        return None
    ns = int(whole) * per_ns
    if frac:
        ns += (int(frac) * per_ns + 10 ** len(frac) // 2) // 10 ** len(frac)
    return ns if ns <= MAX_DURATION_NS else None


def compound_duration_ns(text: str) -> int | None:
    """A duration written in a `COMPOUND` form, as ns (`0h` is 0); None for anything else."""
    if not isinstance(text, str) or _COMPOUND_WHOLE.fullmatch(text) is None:
        return None
    if ":" in text:
        if text.endswith("s"):  # Flyway's `00:00.021s`
            m, s = text[:-1].split(":")
            parts = [(m, "min"), (s, "s")]
        else:
            h, m, s = text.replace(",", ".").split(":")
            parts = [(h, "h"), (m, "min"), (s, "s")]
    elif not text.isascii():
        parts = [(num, _PART_UNIT[unit]) for num, unit in _CJK_PARTS.findall(text)]
    else:
        rx = _ISO_PART if text.startswith("PT") else _GO_PART
        parts = [(num, _PART_UNIT[unit]) for num, unit in rx.findall(text[2:] if text.startswith("PT") else text)]
    total = 0
    for num, unit in parts:
        if unit in _BIG_NS:
            if not num.isdigit():
                return None
            total += int(num) * _BIG_NS[unit]
        else:
            ns = duration_ns(num, unit)
            if ns is None:
                return None
            total += ns
    return total if total <= MAX_DURATION_NS else None


def groups_duration_ns(groups: dict[str, str | None]) -> int | None:
    """The duration captured by a configured pattern: its `ms` group, else its `s` group."""
    ms = groups.get("ms")
    if ms:
        return duration_ns(ms.strip(), "ms")
    s = groups.get("s")
    if s:
        return duration_ns(s.strip(), "s")
    return None


def parse_duration_ns(text: str, default_unit: str | None = None) -> int | None:
    """`text` such as `35ms`, `35 ms`, `1.2s`, `350µs`, `12ns`, `35毫秒`, `1.5秒` as ns.

    A bare number is read in `default_unit` (e.g. "ms"); without one it gives None.
    """
    if not isinstance(text, str):
        return None
    m = _DURATION.fullmatch(text)
    if m is None:
        return None
    unit = m.group(2) or default_unit
    if unit is None:
        return None
    return duration_ns(m.group(1), unit)


def parse_decimal(text: str) -> Decimal | None:
    """A plain decimal amount (`12.50`, `-3`, `+0.1`) as an exact Decimal, else None.

    No exponents, thousands separators, NaN or infinities: amounts in payment logs
    are plain, and anything else is more likely an id than a number.
    """
    if not isinstance(text, str):
        return None
    m = _DECIMAL.fullmatch(text)
    if m is None:
        return None
    try:
        return Decimal(m.group(1))
    except InvalidOperation:  # unreachable for the pattern above; kept for totality
        return None
