"""Durations and decimal amounts as they appear in log text.

`parse_duration_ns("35ms")`, `"1.2 s"`, `"350µs"`, `"35毫秒"`, `"1.5秒"`, `"2 seconds"` -> nanoseconds
(int). Minutes are deliberately not understood: `2m` is minutes to some teams and
milliseconds to others, and a wrong guess is worse than no value.

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
}

# Regex fragments (no groups) for embedding; longest units first so `ms` wins over `s`.
NUMBER = r"[0-9]{1,15}(?:\.[0-9]{1,9})?"
UNIT = (r"(?:(?:milli|micro|nano)seconds?|millis|micros|nanos|msecs?|纳秒|微秒|毫秒|[nuµμm]s"
        r"|secs?|seconds?|秒|s)(?![A-Za-z])")

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
