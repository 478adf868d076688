"""Line prefixes: built-in layouts, user patterns, time zones, detection, totality."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from parsers.prefix.auto import AutoParser
from parsers.prefix.layouts import compile_format

DATA = Path(__file__).parent / "data" / "prefix"
CASES = json.loads((DATA / "lines-and-their-fields.json").read_text(encoding="utf-8"))
FORMATS = ["logback", "log4j2", "python", "raw", "%d [%X{traceId}] [%t] %-5p %c{1}:%L - %m%n"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_each_golden_line_parses_to_its_expected_fields(case):
    prefix = compile_format(case["format"], case["timezone"]).parse(case["line"])
    assert prefix is not None
    for field, value in case["expect"].items():
        assert getattr(prefix, field) == value, field


@pytest.mark.parametrize("line", [
    "\tat com.fpay.pay.service.OrderService.pay(OrderService.java:142)",
    "Caused by: java.net.SocketTimeoutException: Read timed out",
    "java.lang.NullPointerException: boom",
    "  File \"/app/pay/api.py\", line 12, in handle",
    "",
    "2026-11-26 10:15:30.123 this has a date but no layout",
])
@pytest.mark.parametrize("fmt", ["logback", "log4j2", "python"])
def test_lines_that_do_not_start_a_record_give_none(fmt, line):
    assert compile_format(fmt).parse(line) is None


def test_the_offset_of_an_iana_zone_follows_daylight_saving_time():
    parser = compile_format("logback", "America/New_York")
    summer = parser.parse("2026-07-01 12:00:00.000 [main] INFO  a.B - x")
    winter = parser.parse("2026-12-01 12:00:00.000 [main] INFO  a.B - x")
    assert summer.timestamp == "2026-07-01T12:00:00.000-04:00"
    assert winter.timestamp == "2026-12-01T12:00:00.000-05:00"


def test_lines_of_the_same_second_share_the_date_but_keep_their_millis():
    parser = compile_format("logback", "+08:00")
    a = parser.parse("2026-11-26 10:15:30.001 [t] INFO  a.B - x")
    b = parser.parse("2026-11-26 10:15:30.999 [t] INFO  a.B - y")
    assert (a.timestamp, b.timestamp) == ("2026-11-26T10:15:30.001+08:00", "2026-11-26T10:15:30.999+08:00")


def test_an_impossible_date_still_starts_a_record_without_a_timestamp():
    prefix = compile_format("logback").parse("2026-13-45 10:15:30.123 [main] INFO  a.B - x")
    assert prefix is not None and prefix.timestamp is None
    assert prefix.raw_time == "2026-13-45 10:15:30.123"


def test_a_trailing_carriage_return_is_not_part_of_the_message():
    assert compile_format("logback").parse("2026-11-26 10:15:30.123 [t] INFO  a.B - crlf\r").message == "crlf"


@pytest.mark.parametrize("fmt, word", [("%d %clr(%5p) %m", "%clr"), ("%d [%t] %foo - %m", "%foo")])
def test_an_unsupported_conversion_word_is_a_value_error_naming_it(fmt, word):
    with pytest.raises(ValueError, match=word):
        compile_format(fmt)


def test_an_unknown_timezone_is_a_value_error():
    with pytest.raises(ValueError, match="Mars/Olympus"):
        compile_format("logback", "Mars/Olympus")


@settings(max_examples=200, deadline=None)
@given(text=st.text(), blob=st.binary())
def test_every_prefix_parser_is_total_on_arbitrary_input(text, blob):
    decoded = blob.decode("utf-8", errors="replace")
    for parser in [compile_format(fmt, "Asia/Shanghai") for fmt in FORMATS] + [AutoParser("Asia/Shanghai", "2026-11-26")]:
        for line in (text, decoded, "2026-11-26 10:15:30.123 [x] INFO  y - " + text):
            result = parser.parse(line)
            assert result is None or isinstance(result.message, str)
