"""SimpleDateFormat's documented example `yyyy.MM.dd G 'at' HH:mm:ss z` (`2001.07.04 AD at
12:08:56 PDT`), copied into logback patterns as `%d{yyyy-MM-dd 'at' HH:mm:ss z}`: a record
start whose time is read, the zone's name read past (it names no offset), and the fields
after it read as after any other timestamp."""

from __future__ import annotations

from datetime import date

from hypothesis import given, strategies as st

from parsers.prefix.auto import AutoParser

_LEVEL = st.sampled_from(["DEBUG", "INFO", "WARN", "ERROR"])
_ZONE = st.sampled_from(["", " CST", " UTC", " GMT", " PDT", " CEST"])
_LOGGER = st.from_regex(r"(?:[a-z]{1,6}\.){1,4}[A-Z][A-Za-z]{1,12}", fullmatch=True)


@given(st.dates(date(1990, 1, 1), date(2099, 12, 31)), st.times(), st.sampled_from(["-", ".", "/"]), st.sampled_from(["", " AD"]), _ZONE, _LEVEL, _LOGGER)
def test_date_at_time_then_zone_name(d, t, sep, era, zone, level, logger):
    stamp = f"{d.year:04d}{sep}{d.month:02d}{sep}{d.day:02d}{era} at {t.hour:02d}:{t.minute:02d}:{t.second:02d}"
    got = AutoParser().parse(f"{stamp}{zone} {level:<5} {logger} - started")
    assert got is not None and got.timestamp.startswith(f"{d.isoformat()}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}")
    assert (got.level, got.logger, got.message) == (level, logger, "started")


def test_a_level_after_the_time_is_not_taken_for_a_zone():
    got = AutoParser().parse("2018-11-08 at 11:10:03 INFO x")
    assert (got.level, got.message) == ("INFO", "x")
