"""ISO 8601's basic date (`yyyyMMdd HH:mm:ss,SSS`, log4j's `%d{yyyyMMdd HH:mm:ss,SSS}`), behind
a bracketed level as Dubbo 2's log4j layouts print it (`[%-5p][%d{...}][%C{1}:%L] %m`)."""

from __future__ import annotations

from datetime import date

from hypothesis import given, strategies as st

from parsers.prefix.auto import AutoParser

_LEVEL = st.sampled_from(["DEBUG", "INFO", "WARN", "ERROR"])


@given(st.dates(date(1990, 1, 1), date(2099, 12, 31)), st.times(), _LEVEL, st.from_regex(r"[A-Z][A-Za-z]{1,20}", fullmatch=True),
       st.integers(1, 9999), st.from_regex(r"[a-z]{2,10}(?: [a-z]{2,10}){0,5}", fullmatch=True))
def test_basic_date_behind_a_bracketed_level(day, tm, level, cls, line, msg):
    ms = tm.microsecond // 1000
    text = f"[{level:<5}][{day:%Y%m%d} {tm:%H:%M:%S},{ms:03d}][{cls}:{line}] {msg}"
    got = AutoParser().parse(text)
    assert got.timestamp == f"{day:%Y-%m-%d}T{tm:%H:%M:%S}.{ms:03d}+00:00"
    assert (got.level, got.logger, got.message) == (level, cls, msg)


def test_eight_digits_that_are_no_date_are_no_timestamp():
    assert AutoParser().parse("12345678 12:00:00 not a date").timestamp is None
